"""Cleaning: HTML to text, boilerplate lines out, a source's template lines out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.clean.html import extract_main_text, html_to_plain
from auditor.clean.lines import split_lines, word_count
from auditor.clean.template import TemplateIndex
from auditor.clean.text import label_lines, strip_text
from auditor.document import Document, Finding, Removal, Severity, Span


@dataclass(frozen=True, slots=True)
class CleanSettings:
    templates: bool = True
    template_min_docs: int = 3
    template_max_words: int = 25
    min_html_words: int = 20  # below this, trafilatura's output is judged too little


def plain_text_of(doc: Document) -> str:
    """The text the line cleaner sees: the page rendering for HTML, the raw text otherwise."""
    return html_to_plain(doc.raw) if doc.kind == "html" else doc.raw


def clean_document(doc: Document, settings: CleanSettings) -> None:
    """Clean one document on its own: set doc.text, doc.removals and doc.clean_info."""
    if not doc.readable:
        return
    plain = plain_text_of(doc)
    doc.clean_info["raw_text"] = plain
    if doc.kind == "html":
        text = extract_main_text(doc.raw)
        method = "trafilatura"
        if word_count(text) < settings.min_html_words:
            text, _ = strip_text(plain)
            method = "text-rules (trafilatura returned too little)"
        removals = _removed_lines(plain, text, "html-extractor")
    else:
        text, removals = strip_text(plain, label_lines(plain))
        method = "text-rules"
    doc.text = text
    doc.removals = removals
    doc.clean_info["method"] = method


def _summarise(doc: Document) -> None:
    """Word counts, boilerplate share and the B001 finding, once cleaning is complete."""
    before = word_count(doc.raw_text)
    after = word_count(doc.text)
    share = round(1 - after / before, 4) if before else 0.0
    doc.clean_info.update(words_before=before, words_after=after, boilerplate_share=share)
    if after == 0 and doc.raw.strip():
        doc.findings.append(
            Finding(code="B002", name="nothing-left", severity=Severity.ERROR, stage="clean",
                    message=f"no text left after cleaning ({before} words before)",
                    evidence={"value": 0, "words_before": before, "method": doc.clean_info.get("method", "")})
        )
    if not doc.removals:
        return
    reasons: dict[str, int] = {}
    for r in doc.removals:
        reasons[r.reason] = reasons.get(r.reason, 0) + 1
    doc.findings.append(
        Finding(
            code="B001",
            name="boilerplate-removed",
            severity=Severity.INFO,
            stage="clean",
            message=f"{len(doc.removals)} boilerplate lines removed ({share:.0%} of words)",
            evidence={"lines_removed": len(doc.removals), "by_reason": dict(sorted(reasons.items())),
                      "boilerplate_share": share},
        )
    )


def _removed_lines(plain: str, kept_text: str, reason: str) -> list[Removal]:
    kept = {ln.strip() for ln in kept_text.split("\n") if ln.strip()}
    return [
        Removal(Span(ln.start, ln.end, "raw"), ln.text, reason)
        for ln in split_lines(plain)
        if ln.stripped and ln.stripped not in kept
    ]


def _strip_templates(text: str, source: str, templates: TemplateIndex) -> tuple[str, list[Removal]]:
    kept: list[str] = []
    removed: list[Removal] = []
    for ln in split_lines(text):
        if ln.stripped and templates.is_template(source, ln.text):
            removed.append(Removal(Span(ln.start, ln.end, "text"), ln.text, "template-line"))
        else:
            kept.append(ln.text)
    return "\n".join(kept).strip("\n"), removed


def clean_corpus(docs: Iterable[Document], settings: CleanSettings) -> list[Document]:
    """Clean every document; template lines are learnt per source across the whole set first."""
    docs = list(docs)
    for doc in docs:
        clean_document(doc, settings)
    if settings.templates:
        templates = TemplateIndex(settings.template_min_docs, settings.template_max_words)
        for doc in docs:
            if doc.readable:
                templates.add(doc.source, doc.text)
        for doc in docs:
            if doc.readable:
                doc.text, extra = _strip_templates(doc.text, doc.source, templates)
                doc.removals += extra
    for doc in docs:
        if doc.readable:
            _summarise(doc)
    return docs


__all__ = ["CleanSettings", "TemplateIndex", "clean_corpus", "clean_document", "html_to_plain", "plain_text_of"]
