"""The C4, FineWeb, templated and boilerplate-residue packs: tables of (text, expected codes), and the seeds."""

from __future__ import annotations

import pytest

from auditor.document import Document, Severity
from auditor.errors import RuleError
from auditor.score import load_rules

PROSE = ("The committee met on Tuesday to review the budget and the plans that have been drawn up with care. "
         "Members of the public were invited to comment, and several of them spoke at length about the cost "
         "of the new library. The council hopes to open it next spring after two years of delays. "
         "The chair said the vote would wait. A report is due in May. Nobody expects the plan to change much.")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def findings(rules, text: str):
    return {f.code: f for f in rules.evaluate(Document(id="t", raw=text, text=text))}


TABLE = "\n".join([
    "| Policy Area | Primary Benefit | Current Gap |", "|---|---|---|",
    "| Vetting Technology | Improved identity verification | Outdated systems on both sides |",
    "| Data Sharing | Timely intelligence exchange | Fragmented agency databases |",
])


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (PROSE, set(), {"Q301", "Q302", "Q303", "Q304", "Q401", "Q402", "Q403", "Q404", "T100", "T101", "B101"}),
        (PROSE + " Lorem ipsum dolor sit amet, consectetur.", {"Q302"}, set()),
        (PROSE + "\nUse it like this: if (x) { return y; }.", {"Q303"}, set()),
        ("One sentence here is fine and long enough. Another one.", {"Q304"}, set()),
        (PROSE + "\n" + "\n".join(f"Menu item {i}" for i in range(40)), {"Q401", "Q402", "Q301"}, set()),
        (PROSE + "\n" + PROSE, {"Q403", "Q201"}, set()),
        (PROSE + "\n\n" + TABLE, {"T102"}, {"T101", "T103"}),
        (PROSE + " It is crucial to act. This underscores the need for care.", {"T103"}, set()),
        (PROSE + "\nShare on Facebook\nSubscribe to our newsletter\nAll rights reserved.", {"B101"}, set()),
        ("Key Takeaways\n" + PROSE + "\nThe Conclusion\n" + PROSE.replace("Tuesday", "Monday"), {"T101"}, set()),
    ],
)
def test_rule_table(rules, text, present, absent):
    got = findings(rules, text)
    assert present <= set(got), set(got)
    assert not (absent & set(got)), set(got)


def test_restated_summary_pairs_each_closing_bullet_with_the_paragraph_it_repeats(rules):
    text = (PROSE + "\n\nThe library will hold forty thousand books and a cafe run by volunteers from the town.\n\n"
            "- The committee met on Tuesday to review the budget and the plans that were drawn up with care.\n"
            "- The library will hold forty thousand books and a cafe run by town volunteers.\n")
    f = findings(rules, text)["T104"]
    assert f.evidence["value"] == 1.0
    pairs = f.evidence["restating"]
    assert len(pairs) == 2 and pairs[1]["restates"].startswith("The library will hold")
    closing = text[f.spans[0].start : f.spans[0].end]
    assert closing.startswith("- The committee met")


def test_seed_000_is_templated_with_evidence(seed_audit):
    doc = next(d for d in seed_audit.documents if d.id.startswith("000"))
    f = next(f for f in doc.findings if f.code == "T100")
    assert f.severity is Severity.ERROR
    assert {"formulaic headings", "stock phrases"} <= set(f.evidence["signals"])
    heads = next(f for f in doc.findings if f.code == "T101").evidence["headings"]
    assert len(heads) >= 2 and all(h["text"] in doc.text and h["why"] for h in heads)
    if "\nThe Conclusion\n" in doc.text:
        assert any(h["text"] == "The Conclusion" and h["why"] == "stock title" for h in heads)
    if "| Policy Area |" in doc.text:  # the tables survive cleaning (they are content, if generic)
        t102 = next(f for f in doc.findings if f.code == "T102")
        assert t102.evidence["value"] >= 3 and doc.text[t102.spans[0].start :].startswith("|")
    t103 = next(f for f in doc.findings if f.code == "T103")
    assert "underscoring the need" in t103.evidence["phrases"]


def test_seed_003_is_low_quality_for_its_restated_bullets_and_stock_hedges(seed_audit):
    doc = next(d for d in seed_audit.documents if d.id.startswith("003"))
    codes = {f.code for f in doc.findings}
    assert {"T100", "T103", "T104"} <= codes
    t104 = next(f for f in doc.findings if f.code == "T104")
    assert t104.evidence["closing_units"] == 3 and t104.evidence["value"] == 1.0
    assert "it is crucial to" in next(f for f in doc.findings if f.code == "T103").evidence["phrases"]


def test_seeds_001_and_cleaned_002_pass_every_quality_pack(seed_audit):
    for prefix in ("001", "002"):
        doc = next(d for d in seed_audit.documents if d.id.startswith(prefix))
        above_info = [f.code for f in doc.findings if f.stage == "score" and f.severity is not Severity.INFO]
        assert above_info == [], (prefix, above_info)


def test_a_bad_regular_expression_fails_at_load(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[rules.B901]\nname="x"\ncheck="pattern_line_count"\nseverity="error"\n'
                 'params={max=1, patterns=["(unclosed"]}\nmessage="m"\nexplanation="e"\nsource="s"', encoding="utf-8")
    with pytest.raises(RuleError, match="B901.*not a valid regular expression"):
        load_rules([p])


def test_user_rules_can_reuse_a_check_with_their_own_params(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text('[rules.X101]\nname="no-spoilers"\ncheck="substring_count"\nseverity="warning"\n'
                 'params={max=0, substrings=["spoiler"]}\nmessage="{value} spoilers"\n'
                 'explanation="Flags: Why: Example:"\nsource="ours"', encoding="utf-8")
    rs = load_rules([p])
    f = rs.evaluate(Document(id="t", raw="", text="A spoiler: the butler. Another SPOILER."))[0]
    assert f.code == "X101" and f.evidence["value"] == 2 and len(f.spans) == 2
