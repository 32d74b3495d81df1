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


def shared_passages(docs: list[Document], min_words: int, clusters: dict[str, str]) -> list[tuple[str, str, list[Span], list[Span], int]]:
    """Paragraphs of at least `min_words` words found (normalised) in two documents of
    different copy clusters: (id a, id b, spans in a, spans in b, shared words), a < b."""
    where: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for d in docs:
        if not d.readable:
            continue
        for p in paragraphs(d.text):
            key = normalize(p.text)
            if len(key.split()) >= min_words:
                where.setdefault(key, {}).setdefault(d.id, []).append((p.start, p.end))
    found: dict[tuple[str, str], tuple[list[Span], list[Span], int]] = {}
    for key, per_doc in where.items():
        if len(per_doc) < 2 or len(per_doc) > 50:  # in 50+ documents it is a template, not a shared passage
            continue
        ids = sorted(per_doc)
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                if clusters.get(a, a) == clusters.get(b, b):
                    continue
                sa, sb, words = found.get((a, b), ([], [], 0))
                sa += [Span(s, e, "text") for s, e in per_doc[a]]
                sb += [Span(s, e, "text") for s, e in per_doc[b]]
                found[(a, b)] = (sa, sb, words + len(key.split()))
    return [(a, b, sa, sb, w) for (a, b), (sa, sb, w) in sorted(found.items())]
