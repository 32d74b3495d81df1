"""Sources: resolution, text signals, a scorecard per source, source rules, and the filter hook."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from auditor.config import Settings, load_settings
from auditor.decide import FilterSettings, decide, load_source_findings
from auditor.document import Document, Removal, Span
from auditor.errors import ConfigError, RuleError
from auditor.pipeline import audit_documents
from auditor.report.json import audit_to_dict
from auditor.report.markdown import render_markdown
from auditor.score import load_rules
from auditor.sources import SourceSettings, resolve_source, text_signals

TOPICS = [  # three stories with no words in common, so that only the copies link them
    "river council budget vote workers depot garage routes mayor office report plan session debate".split(),
    "school weather snow roads forecast closure heating pupils teachers buses ice storm warning".split(),
    "market prices farmers harvest rain wheat barley export tariff grain storage drought yield".split(),
]
NAMES = ["Helen Godwin", "James Patel", "Maria Lopez", "Omar Reyes", "Anna Berg", "Liu Wei", "Sara Novak"]


def _article(seed: int) -> str:
    rng = random.Random(seed)
    paras = []
    for _p in range(6):
        words = [rng.choice(TOPICS[seed]) for _ in range(30)]
        paras.append(f"{rng.choice(NAMES)} said on {rng.randrange(1, 28)} May that the "
                     + " ".join(words) + f" cost {rng.randrange(100, 999)} thousand pounds in {2000 + seed}.")
    return "\n\n".join(paras)


def _corpus() -> list[Document]:
    docs = []
    for k in range(3):
        text = _article(k)
        docs.append(Document(id=f"orig{k}", raw=text, text=text, source="origin.example"))
        copy = "\n\n".join(text.split("\n\n")[:3])  # the aggregator keeps the first half
        docs.append(Document(id=f"agg{k}", raw=copy, text=copy, source="aggregator.example"))
    return docs


def test_source_resolution_follows_the_configured_keys():
    doc = Document(id="a", raw="x", path="feeds/alpha/a.txt",
                   metadata={"site": "Alpha News", "url": "https://www.alpha.example/a"})
    assert resolve_source(doc, SourceSettings()) == "Alpha News"
    assert resolve_source(doc, SourceSettings(keys=("url", "site"))) == "alpha.example"
    assert resolve_source(doc, SourceSettings(keys=("folder",))) == "feeds/alpha"
    assert resolve_source(Document(id="b", raw="x"), SourceSettings(keys=("source",))) == "unknown"
    with pytest.raises(ConfigError, match="sources keys"):
        SourceSettings(keys=("author",))


def test_source_keys_from_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.auditor.sources]\nkeys = ["url", "folder"]\n', encoding="utf-8")
    assert load_settings(tmp_path / "pyproject.toml").sources.keys == ("url", "folder")


def test_text_signals_are_evidence_on_seed_002(seed_audit):
    doc = next(d for d in seed_audit.documents if d.id.startswith("002"))
    sig = {(s["kind"], s["value"]) for s in text_signals(doc)}
    assert ("contributed-reporting", "Eric Schmitt") in sig
    assert ("site-name-in-boilerplate", "Smart Again") in sig
    assert ("source-link", "Source link") in sig
    assert doc.source == "seeds"  # evidence only: the source still comes from the folder


def test_byline_and_repeated_masthead():
    doc = Document(id="a", raw="By Jane Doe\n\nText of the story here.", text="Text of the story here.")
    doc.removals = [Removal(Span(0, 5, "raw"), "Daily Planet", "menu-run")] * 2
    sig = {(s["kind"], s["value"]) for s in text_signals(doc)}
    assert ("byline", "Jane Doe") in sig and ("site-name-in-boilerplate", "Daily Planet") in sig


def test_scorecards_count_copies_of_other_sources_and_fire_the_source_rule():
    result = audit_documents(_corpus(), Settings())
    cards = {c.source: c for c in result.sources}
    agg, orig = cards["aggregator.example"], cards["origin.example"]
    assert agg.stats.documents == 3 and agg.stats.derivative_share == 1.0
    assert orig.stats.derivative_share == 0.0 and orig.originals == 3
    assert {d["original"] for d in agg.derivatives} == {"orig0", "orig1", "orig2"}
    assert [f.code for f in agg.findings if f.code == "S101"] == ["S101"]
    assert not any(f.code == "S101" for f in orig.findings)
    data = audit_to_dict(result)
    assert {c["source"] for c in data["sources"]} == {"aggregator.example", "origin.example"}
    assert all(st["original"].startswith("orig") for st in data["stories"])
    md = render_markdown(result)
    assert "## Sources" in md and "S101" in md and "## Stories: originals and derivatives" in md


def test_source_rules_are_data_with_a_scope():
    rules = load_rules()
    s101 = rules.get("S101")
    assert s101 is not None and s101.scope == "source" and s101.max == 0.5


def test_a_bad_scope_or_a_text_check_as_source_check_fails_at_load(tmp_path: Path):
    base = ('[rules.S901]\nname = "x"\nscope = "{scope}"\ncheck = "{check}"\nseverity = "info"\n'
            'params = {{ max = 0.5 }}\nsource = "s"\nmessage = "m"\nexplanation = "e"\n')
    bad = tmp_path / "bad.toml"
    bad.write_text(base.format(scope="site", check="derivative_share"), encoding="utf-8")
    with pytest.raises(RuleError, match="scope must be one of document, source"):
        load_rules([bad])
    bad.write_text(base.format(scope="source", check="word_count"), encoding="utf-8")
    with pytest.raises(RuleError, match="unknown source check 'word_count'"):
        load_rules([bad])


def test_filter_policy_drops_or_flags_a_whole_source(tmp_path: Path):
    result = audit_documents(_corpus(), Settings())
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(audit_to_dict(result)), encoding="utf-8")
    policy = FilterSettings.from_table({"sources": str(path), "drop": ["error", "S101"]}, "test")
    found = policy.findings_for("aggregator.example")
    assert "S101" in [f.code for f in found] and "S101" not in [f.code for f in policy.findings_for("origin.example")]
    assert not decide(found, policy).keep
    flag_only = FilterSettings.from_table({"sources": str(path)}, "test")  # default: warnings only flag
    assert decide(flag_only.findings_for("aggregator.example"), flag_only).keep
    with pytest.raises(ConfigError, match="not a readable audit.json"):
        load_source_findings(tmp_path / "missing.json", "test")


def test_html_report_has_the_scorecards_escaped():
    docs = _corpus()
    for d in docs:
        if d.source == "aggregator.example":
            d.source = "<script>alert(1)</script>"
    from auditor.report.html import render_html

    page = render_html(audit_documents(docs, Settings()))
    assert '<section id="sources">' in page and "Stories: originals and derivatives" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
