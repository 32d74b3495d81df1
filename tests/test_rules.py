from __future__ import annotations

import pytest

from auditor.document import Document
from auditor.errors import RuleError
from auditor.score import load_rules
from auditor.score.checks import CHECKS

PROSE = ("The committee met on Tuesday to review the budget and the plans that have been drawn up with care. "
         "Members of the public were invited to comment, and several of them spoke at length about the cost "
         "of the new library, which the council hopes to open next spring after two years of delays. "
         "The chair said the vote would wait. A report is due in May. Nobody expects the plan to change much.")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def codes(rules, text: str) -> set[str]:
    return {f.code for f in rules.evaluate(Document(id="t", raw=text, text=text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PROSE, set()),
        ("Too short to be an article.", {"Q101"}),
        ("cheap flights london paris deals book now " * 10, {"Q108", "Q205"}),
        ("\n".join(["- item one two", "- item three four"] * 30), {"Q105"}),
        (PROSE + "\n\n" + PROSE + "\n\n" + PROSE, {"Q202", "Q204"}),
        ("12 34 56 78 90 " * 20 + PROSE, {"Q107"}),
    ],
)
def test_rule_table(rules, text, expected):
    assert expected <= codes(rules, text)
    if not expected:
        assert codes(rules, text) == set()


def test_every_rule_has_explanation_source_and_a_known_check(rules):
    assert len(rules) >= 21
    for r in rules:
        # source-level rules (scope = "source") run the scorecard checks of source_checks.py
        assert r.explanation and r.source and (r.check.name in CHECKS or getattr(r, "scope", "") == "source")
        assert "Flags:" in r.explanation and "Why:" in r.explanation and "Example:" in r.explanation


def test_finding_has_value_threshold_and_source(rules):
    f = next(f for f in rules.evaluate(Document(id="t", raw="", text="Too short.")) if f.code == "Q101")
    assert f.evidence["value"] == 2 and f.evidence["threshold"] == ">= 50"
    assert "Gopher" in f.evidence["source"]
    assert f.message == "2 words; at least 50 needed"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('[rules.Q901]\nname="x"\ncheck="nope"\nseverity="error"\nparams={max=1}\nmessage="m"\nexplanation="e"\nsource="s"',
         "unknown (document )?check 'nope'"),
        ('[rules.Q901]\nname="x"\ncheck="word_count"\nseverity="fatal"\nparams={max=1}\nmessage="m"\nexplanation="e"\nsource="s"',
         "severity must be one of"),
        ('[rules.Q901]\nname="x"\ncheck="word_count"\nseverity="error"\nparams={maxx=1}\nmessage="m"\nexplanation="e"\nsource="s"',
         "unknown option 'maxx'"),
        ('[rules.Q901]\nname="x"\ncheck="top_ngram_char_ratio"\nseverity="error"\nparams={max=1, n="2"}\n'
         'message="m"\nexplanation="e"\nsource="s"',
         "option 'n' must be int"),
        ('[rules.Q901]\nname="x"\ncheck="word_count"\nseverity="error"\nparams={max=1}\nmessage="m"\nsource="s"',
         "field 'explanation' is required"),
        ('[rules.bad]\nname="x"', "code must look like"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_rule_files_fail_at_load_naming_file_and_rule(tmp_path, body, error):
    p = tmp_path / "bad.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=error) as exc:
        load_rules([p])
    assert str(p) in str(exc.value)


def test_select_and_ignore(rules):
    assert {r.code for r in rules.filtered(select=["Q1"])} == {r.code for r in rules if r.code.startswith("Q1")}
    assert "Q202" not in {r.code for r in rules.filtered(ignore=["Q202"])}


# ------------------------------------------------------------------ user rules: extra, or instead
MINE = ('[rules.X101]\nname="too-short-for-us"\ncheck="word_count"\nseverity="warning"\nparams={min=2000}\n'
        'message="{value} words"\nexplanation="Flags: short. Why: we want long. Example: a tweet."\nsource="ours"')


def _listed(args: list[str]) -> tuple[int, set[str], str]:
    from typer.testing import CliRunner

    from auditor.cli import app

    res = CliRunner().invoke(app, ["rules", "list", *args])
    return res.exit_code, {line.split()[0] for line in res.output.splitlines() if line.strip()}, res.output


def test_user_rules_are_added_to_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pyproject.toml of this checkout applies
    mine = tmp_path / "mine.toml"
    mine.write_text(MINE, encoding="utf-8")
    shipped = {r.code for r in load_rules()}
    rc, listed, _ = _listed(["--rules", str(mine)])
    assert rc == 0 and listed == shipped | {"X101"}
    rc, listed, _ = _listed(["--rules", str(mine), "--no-default-rules"])
    assert rc == 0 and listed == {"X101"}
    rc, listed, _ = _listed(["--rules", str(load_rules().rules[0].file)])  # a shipped file named again: read once
    assert rc == 0 and listed == shipped
    rc, _, out = _listed(["--no-default-rules"])
    assert rc == 2 and "no rules to run" in out


def test_pyproject_default_rules_false_runs_only_the_listed_rules(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(MINE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\nrules = ["mine.toml"]\ndefault-rules = false\n',
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rc, listed, _ = _listed([])
    assert rc == 0 and listed == {"X101"}
    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\ndefault_rules = "no"\n', encoding="utf-8")
    rc, _, out = _listed([])
    assert rc == 2 and "'default-rules' must be bool" in out


def test_audit_reports_the_classifier_as_evidence_without_changing_verdicts():
    from auditor.config import Settings
    from auditor.pipeline import audit_documents

    text = ("It is crucial to note that the landscape continues to evolve. " * 3 + PROSE + "\n\n") * 2

    def audit(**kw):
        docs = [Document(id="a", raw=text, text=text), Document(id="b", raw=PROSE, text=PROSE)]
        return {d.id: d for d in audit_documents(docs, Settings(**kw)).documents}

    with_model = audit(machine_text_threshold=0.0)
    without = audit(classifier=False)
    for doc_id, doc in with_model.items():
        m001 = next(f for f in doc.findings if f.code == "M001")
        assert m001.severity.value == "info" and 0 <= m001.evidence["value"] <= 1 and m001.evidence["features"]
        assert doc.verdict() == without[doc_id].verdict()
        assert not any(f.code == "M001" for f in without[doc_id].findings)


def test_registered_checks_pickle_by_name_to_the_same_object():
    import pickle

    from auditor.score.checks import CHECKS
    from auditor.score.source_checks import SOURCE_CHECKS

    for registry in (CHECKS, SOURCE_CHECKS):
        for check in registry.values():
            assert pickle.loads(pickle.dumps(check)) is check
