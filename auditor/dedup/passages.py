"""Passages repeated inside one document (paragraph level), with the span of every copy."""

from __future__ import annotations

from auditor.document import Document, Finding, Severity, Span
from auditor.segment import normalize, paragraphs


def repeated_passages(doc: Document, min_words: int = 5) -> list[Finding]:
    """One D003 finding per paragraph that occurs more than once in the cleaned text."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for p in paragraphs(doc.text):
        key = normalize(p.text)
        if len(key.split()) >= min_words:
            groups.setdefault(key, []).append((p.start, p.end))
    findings = []
    for key, spans in groups.items():
        if len(spans) < 2:
            continue
        first = doc.text[spans[0][0] : spans[0][1]]
        preview = first if len(first) <= 80 else first[:77] + "..."
        findings.append(
            Finding(
                code="D003",
                name="repeated-passage",
                severity=Severity.WARNING,
                stage="dedup",
                message=f"passage repeated {len(spans)} times: \"{preview}\"",
                spans=[Span(s, e, "text") for s, e in spans],
                evidence={"copies": len(spans), "words": len(key.split())},
            )
        )
    return findings
