"""The seed corpus is the first acceptance test (issue: foundation)."""

from __future__ import annotations

import re

from auditor.document import Verdict
from tests.conftest import seed_text


def _doc(result, prefix):
    return next(d for d in result.documents if d.id.startswith(prefix))


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def test_002_boilerplate_removed_and_every_article_paragraph_kept(seed_audit):
    doc = _doc(seed_audit, "002")
    raw = seed_text("002")
    start = raw.index("Inside the White House")
    end = raw.index("Eric Schmitt contributed reporting.") + len("Eric Schmitt contributed reporting.")
    for para in _paragraphs(raw[start:end]):
        assert para in doc.text, para[:60]
    for junk in ["Share on Facebook", "Related Posts", "Trending", "Forgotten Password?", "Login to your account",
                 "Please enter your username or email address", "Copyright ©", "Contact Us", "No Result",
                 "Go to mobile version", "Leave a Reply", "Previous Post", "Reading Time"]:
        assert junk not in doc.text, junk
    assert doc.text.strip().startswith("Inside the White House")
    assert doc.text.strip().endswith("Eric Schmitt contributed reporting.")
    assert doc.clean_info["boilerplate_share"] > 0.3
    reasons = {r.reason for r in doc.removals}
    assert {"share-buttons", "login-prompt", "copyright"} <= reasons


def test_004_repeated_paragraphs_reported_with_both_spans(seed_audit):
    doc = _doc(seed_audit, "004")
    reps = [f for f in doc.findings if f.code == "D003"]
    assert len(reps) == 4
    for f in reps:
        assert len(f.spans) == 2
        a, b = (doc.text[s.start : s.end] for s in f.spans)
        assert a == b and f.spans[0].start < f.spans[1].start
    assert any(f.code == "Q202" for f in doc.findings), "Gopher duplicate-paragraph rule must fire"
    q202 = next(f for f in doc.findings if f.code == "Q202")
    assert q202.evidence["value"] > 0.3 and q202.evidence["threshold"] == "<= 0.3"
    assert doc.verdict() is Verdict.REJECT


def test_no_seed_is_a_near_duplicate_of_another(seed_audit):
    assert [lk for lk in seed_audit.links if lk.kind in ("exact", "near")] == []


def test_same_story_seeds_are_rewrites_not_copies(seed_audit):
    pairs = {(lk.a[:3], lk.b[:3]) for lk in seed_audit.links if lk.kind == "rewrite"}
    assert pairs == {("000", "001"), ("002", "004")}
    assert not any(f.code in ("D001", "D002") for d in seed_audit.documents for f in d.findings)
    assert len(set(seed_audit.clusters.values())) == 5


def test_clean_seeds_pass_gopher_quality(seed_audit):
    for prefix in ("001", "002"):
        doc = _doc(seed_audit, prefix)
        assert not [f for f in doc.findings if f.code.startswith("Q")], prefix


def test_every_finding_of_a_rule_carries_value_and_threshold(seed_audit):
    for d in seed_audit.documents:
        for f in d.findings:
            if f.stage == "score":
                assert "value" in f.evidence and f.evidence["threshold"]
