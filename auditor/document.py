"""The record that flows through every stage, and what the stages say about it.

Plain dataclasses and the standard library only: no I/O, no third-party imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Verdict(StrEnum):
    KEEP = "keep"  # nothing at warning or above
    REVIEW = "review"  # warnings only
    REJECT = "reject"  # at least one error finding
    UNREADABLE = "unreadable"  # the input could not be read as text


@dataclass(frozen=True, slots=True)
class Span:
    """A character range [start, end) in one text of a document.

    `field` names which text: "text" (the cleaned text), "raw" (the text as read).
    """

    start: int
    end: int
    field: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "field": self.field}


@dataclass(slots=True)
class Finding:
    """One thing a stage says about a document, with the evidence for it."""

    code: str
    severity: Severity
    message: str
    stage: str  # read | clean | dedup | score
    spans: list[Span] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "stage": self.stage,
            "message": self.message,
            "evidence": self.evidence,
        }
        if self.spans:
            out["spans"] = [s.to_dict() for s in self.spans]
        return out


@dataclass(slots=True)
class Removal:
    """A piece of the input that cleaning removed, and why."""

    span: Span  # in the raw text (for HTML input: the page's plain-text rendering)
    text: str
    reason: str  # rule or model that removed it, e.g. "menu-run", "template-line", "line-model"
    score: float | None = None  # the model's P(content) for the line, where a model judged it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"span": self.span.to_dict(), "text": self.text, "reason": self.reason}
        if self.score is not None:
            out["score"] = round(self.score, 3)
        return out


@dataclass(slots=True)
class Document:
    """One input record.

    `raw` is the text as read (for HTML, the markup); `text` is the cleaned text once
    the clean stage has run (until then, the raw text for text inputs).
    """

    id: str
    raw: str
    kind: str = "text"  # "text" | "html"
    text: str = ""
    source: str = ""
    path: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    readable: bool = True
    clean_info: dict[str, Any] = field(default_factory=dict)

    @property
    def raw_text(self) -> str:
        """The text before cleaning (for HTML, the page's plain rendering set by clean)."""
        return str(self.clean_info.get("raw_text", self.raw if self.kind == "text" else ""))

    def verdict(self) -> Verdict:
        if not self.readable:
            return Verdict.UNREADABLE
        worst = max((f.severity.rank for f in self.findings), default=-1)
        if worst >= Severity.ERROR.rank:
            return Verdict.REJECT
        if worst >= Severity.WARNING.rank:
            return Verdict.REVIEW
        return Verdict.KEEP


@dataclass(slots=True)
class DuplicateLink:
    """A relation between two documents found by the dedup stage."""

    kind: str  # "exact" | "near"
    a: str
    b: str
    similarity: float
    kept: str  # the id kept of the pair's cluster
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 4),
            "kept": self.kept,
            "evidence": self.evidence,
        }


@dataclass(slots=True)
class AuditResult:
    """Everything one audit found: the documents (with findings) and corpus-level links."""

    documents: list[Document]
    links: list[DuplicateLink] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # doc id -> cluster id
    settings: dict[str, Any] = field(default_factory=dict)
    elapsed_s: float = 0.0
    stories: list[Any] = field(default_factory=list)  # same-story groups with their original (sources.Story)
    sources: list[Any] = field(default_factory=list)  # one scorecard per source (sources.Scorecard)

    def links_of(self, doc_id: str) -> list[DuplicateLink]:
        return [lk for lk in self.links if doc_id in (lk.a, lk.b)]
