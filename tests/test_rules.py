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
        ('[rules.Q901]\nname="x"\ncheck="top_ngram_char_ratio"\nseverity="error"\nparams={max=1, n="2"}\nmessage="m"\nexplanation="e"\nsource="s"',
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
