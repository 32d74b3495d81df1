"""Sources: who published each document, what its text says about that, and a scorecard per source.

A document's source comes from its metadata (`source`, `site`, the `url`'s host) or,
failing that, its folder; the order is `[tool.auditor.sources] keys`. Signals the text
itself carries (a byline, "X contributed reporting", "Source link", a name its
boilerplate repeats) are recorded as evidence beside the source, never used to
guess it silently.

Same-story groups (copies and rewrites linked by the dedup stage) get an original
(auditor/dedup/provenance.py); a document judged a derivative of a document of
another source counts as a copy or rewrite on its source's scorecard.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from auditor.document import Document, DuplicateLink, Finding
from auditor.errors import ConfigError
from auditor.score.source_checks import SourceStats

KEYS = ("source", "site", "url", "folder")
STORY_LINKS = ("exact", "near", "rewrite")  # kinds of link that put two documents in one story
TEMPLATED_PREFIXES = ("T1", "M0")  # templated-content rules (T1xx) and the machine-text classifier (M001)
# Only findings at warning or above count: info-level sub-signals and the uncalibrated
# machine-text probability (M001, info) are evidence, not a judgement of the document.


@dataclass(frozen=True, slots=True)
class SourceSettings:
    keys: tuple[str, ...] = KEYS  # where a document's source comes from, first found wins
    unknown: str = "unknown"  # the source of a document none of the keys names

    def __post_init__(self) -> None:
        bad = [k for k in self.keys if k not in KEYS]
        if bad or not self.keys:
            raise ConfigError(f"sources keys must be some of {', '.join(KEYS)}, not {', '.join(bad) or 'none'}")


def resolve_source(doc: Document, settings: SourceSettings) -> str:
    """The document's source by the configured keys (metadata first, folder last by default)."""
    meta = doc.metadata
    for key in settings.keys:
        if key in ("source", "site"):
            if isinstance(meta.get(key), str) and meta[key].strip():
                return str(meta[key]).strip()
        elif key == "url":
            url = meta.get("url")
            if isinstance(url, str) and "://" in url:
                host = url.split("://", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0].lower()
                if host:
                    return host.removeprefix("www.")
        elif key == "folder" and doc.path:
            parent = str(PurePosixPath(doc.path.replace("\\", "/")).parent)
            if parent not in ("", "."):
                return parent
    return settings.unknown


def resolve_sources(docs: list[Document], settings: SourceSettings) -> None:
    """Set each document's source by the settings (the reader's default is the same order)."""
    if settings == SourceSettings():
        return  # the reader already applied the default order
    for doc in docs:
        doc.source = resolve_source(doc, settings)


_BYLINE = re.compile(r"^\s*(?:By|BY|Written by|Story by)\s+"
                     r"([A-Z][\w.'\-]+(?:\s+(?:[A-Z][\w.'\-]+|and|de|van|von)){0,4})\s*$", re.M)
_CONTRIB = re.compile(r"([A-Z][\w'\-]+(?:[ \t]+[A-Z][\w'\-]+){0,3}"
                      r"(?:[ \t]+and[ \t]+[A-Z][\w'\-]+(?:[ \t]+[A-Z][\w'\-]+){0,3})?)"
                      r"[ \t]+contributed[ \t]+reporting")
_SOURCE_LINK = re.compile(r"^[ \t]*(?:Source link|Source:|Originally published (?:at|on|by)|Via:)[ \t]*(\S[^\n]*)?$",
                          re.M | re.I)
_NAME = re.compile(r"\b[A-Z][\w&'\-]+(?:\s+[A-Z][\w&'\-]+){0,2}\b")
_COMMON = {"Home", "Contact", "Contact Us", "Share", "Login", "Search", "Menu", "Result", "View", "All", "No Result",
           "View All Result", "Facebook", "Twitter", "Share on Facebook", "Share on Twitter", "Politics", "Trending"}


def text_signals(doc: Document) -> list[dict[str, Any]]:
    """What the text says about who wrote or first published it: evidence, not the source."""
    out: list[dict[str, Any]] = []
    text = doc.raw_text or doc.text
    for m in _BYLINE.finditer(text):
        out.append({"kind": "byline", "value": m.group(1).strip(), "start": m.start(1)})
    for m in _CONTRIB.finditer(text):
        out.append({"kind": "contributed-reporting", "value": m.group(1).strip(), "start": m.start(1)})
    for m in _SOURCE_LINK.finditer(text):
        line = m.group(0).strip()
        if len(line.split()) <= 12:
            out.append({"kind": "source-link", "value": line, "start": m.start()})
    name = repeated_site_name(doc)
    if name:
        out.append({"kind": "site-name-in-boilerplate", "value": name[0], "count": name[1]})
    return out


def repeated_site_name(doc: Document) -> tuple[str, int] | None:
    """A capitalised name the removed boilerplate repeats (a masthead: "Smart Again" three times)."""
    counts: Counter[str] = Counter()
    for r in doc.removals:
        line = r.text.strip()
        if 0 < len(line.split()) <= 4 and _NAME.fullmatch(line) and line not in _COMMON:
            counts[line] += 1
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return (name, n) if n >= 2 else None


@dataclass(slots=True)
class Story:
    """A same-story group: its original and, for each other member, why it is the derivative."""

    members: list[str]
    original: str
    derivatives: list[dict[str, Any]] = field(default_factory=list)  # id, score, reasons, evidence

    def to_dict(self) -> dict[str, Any]:
        return {"members": self.members, "original": self.original, "derivatives": self.derivatives}


def find_stories(docs: list[Document], links: list[DuplicateLink]) -> list[Story]:
    """Connected groups of copies and rewrites, each with its judged original."""
    from auditor.dedup.provenance import originals

    index = {d.id: i for i, d in enumerate(docs)}
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for lk in links:
        if lk.kind in STORY_LINKS and lk.a in index and lk.b in index:
            a, b = find(index[lk.a]), find(index[lk.b])
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(find(i), []).append(i)
    multi = [g for g in groups.values() if len(g) > 1]
    stories = []
    for st in originals([d.text for d in docs], multi, [d.metadata for d in docs]):
        story = Story([docs[i].id for i in st.members], docs[st.original].id)
        for i, jd in sorted(st.judgements.items()):
            story.derivatives.append({"id": docs[i].id, "score": round(jd.score, 3), "reasons": jd.reasons,
                                      "evidence": jd.evidence})
        stories.append(story)
    return stories


@dataclass(slots=True)
class Scorecard:
    """One source: its numbers, its template lines, the text signals seen, and source-rule findings."""

    source: str
    stats: SourceStats
    documents: list[str] = field(default_factory=list)
    derivatives: list[dict[str, str]] = field(default_factory=list)  # id, original (of another source)
    originals: int = 0  # documents judged the original of a story another source copied or rewrote
    template_lines: list[dict[str, Any]] = field(default_factory=list)  # text, documents
    signals: list[dict[str, Any]] = field(default_factory=list)  # kind, value, documents
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        s = self.stats
        return {
            "source": self.source,
            "documents": s.documents,
            "kept_share": round(s.kept_share, 4),
            "boilerplate_share": round(s.boilerplate_share, 4),
            "derivative_share": round(s.derivative_share, 4),
            "templated_share": round(s.templated_share, 4),
            "repeated_passage_share": round(s.repeated_passage_share, 4),
            "originals": self.originals,
            "derivatives": self.derivatives,
            "template_lines": self.template_lines,
            "signals": self.signals,
            "findings": [f.to_dict() for f in self.findings],
            "document_ids": self.documents,
        }


def scorecards(docs: list[Document], stories: list[Story], rules: Any = None) -> list[Scorecard]:
    """A scorecard per source (most documents first); `rules` (a RuleSet) adds source findings."""
    by_source: dict[str, list[Document]] = {}
    for d in docs:
        by_source.setdefault(d.source or "unknown", []).append(d)
    source_of = {d.id: d.source or "unknown" for d in docs}
    derived: dict[str, str] = {}  # derivative id -> original id of another source
    original_of_other: set[str] = set()
    for st in stories:
        for der in st.derivatives:
            if source_of.get(der["id"]) != source_of.get(st.original):
                derived[der["id"]] = st.original
                original_of_other.add(st.original)
    cards = []
    for source, members in sorted(by_source.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        cards.append(_card(source, members, derived, original_of_other, rules))
    return cards


def _card(source: str, members: list[Document], derived: dict[str, str], original_of_other: set[str],
          rules: Any) -> Scorecard:
    n = len(members)
    readable = [d for d in members if d.readable]
    kept = sum(1 for d in members if d.verdict().value in ("keep", "review"))
    before = sum(int(d.clean_info.get("words_before", 0)) for d in readable)
    after = sum(int(d.clean_info.get("words_after", 0)) for d in readable)
    codes = [{f.code for f in d.findings} for d in members]
    judged = [{f.code for f in d.findings if f.severity.rank >= 1} for d in members]
    templated = sum(1 for c in judged if any(x.startswith(TEMPLATED_PREFIXES) for x in c))
    repeated = sum(1 for c in codes if "D003" in c)
    lines: Counter[str] = Counter()
    for d in members:
        for line in {r.text.strip() for r in d.removals if r.reason == "template-line" and r.text.strip()}:
            lines[line] += 1
    signals: dict[tuple[str, str], int] = {}
    for d in members:
        for sig in {(s["kind"], s["value"]) for s in text_signals(d)}:
            signals[sig] = signals.get(sig, 0) + 1
    stats = SourceStats(
        documents=n,
        kept_share=kept / n if n else 0.0,
        boilerplate_share=(1 - after / before) if before else 0.0,
        derivative_share=sum(1 for d in members if d.id in derived) / n if n else 0.0,
        templated_share=templated / n if n else 0.0,
        repeated_passage_share=repeated / n if n else 0.0,
        template_lines=len(lines),
    )
    card = Scorecard(
        source=source, stats=stats, documents=[d.id for d in members],
        derivatives=[{"id": d.id, "original": derived[d.id]} for d in members if d.id in derived],
        originals=sum(1 for d in members if d.id in original_of_other),
        template_lines=[{"text": t, "documents": c} for t, c in lines.most_common(20)],
        signals=[{"kind": k, "value": v, "documents": c} for (k, v), c in sorted(signals.items())][:20],
    )
    if rules is not None:
        card.findings = rules.evaluate_source(stats)
    return card
