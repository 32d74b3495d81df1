"""Cleaning: HTML to text, boilerplate lines out, a source's template lines out.

HTML pages: trafilatura on a tree parsed once (the page is also rendered one block per
line, which is the `raw_text` that removals index), under a per-page time limit; when
it times out or returns too little, the plain-text path below runs on the rendering. A page
laid out in tables, as pages were before HTML5 (a <table> and no <article>, <section>, <nav>,
<header>, <footer>, <main> or <aside>), goes to the line model on its rendering directly:
trafilatura looks for containers such pages do not have (settings.table_layout; README).
On a page that is prose rather than links, of which trafilatura kept only a part, the
line model's cleaning of the whole rendering is taken instead; otherwise trafilatura's
output, less link lists and named boilerplate at its two ends. Either way, a list of links
under a "Related" / "More stories" / "Don't miss" heading is cut wherever it stands, and
copies of lines that trafilatura's output holds more often than the page shows them (a
hidden second copy of the article) are dropped (counted in `clean_info["extractor_repeats"]`). Each page gets a
confidence (`clean_info["confidence"]`): the word-weighted agreement of trafilatura and
the rule labeller of text.py (the line model, where it took over) on which lines are content;
on a table-layout page, of the line model and the rule labeller.

Plain text (pages already flattened): the rules of text.py plus the trained line
model (classify.py). Afterwards, lines that recur in many documents of one source
are removed as template lines (template.py). Every removal names its rule or model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from auditor.clean.classify import Thresholds, classify_lines, classify_page
from auditor.clean.html import (
    ExtractionTimeout,
    extract_main_text,
    furniture,
    html_to_plain,
    normal_lines,
    page_link_share,
    parse_html,
    render,
    table_layout,
    time_limit,
)  # fmt: skip
from auditor.clean.lines import split_lines, word_count, words_of
from auditor.clean.model import LineModel, load_line_model
from auditor.clean.template import TemplateIndex
from auditor.clean.text import label_page, pattern_reason, strip_text
from auditor.clean_settings import CleanSettings
from auditor.document import Document, Finding, Removal, Severity, Span


def plain_text_of(doc: Document) -> str:
    """The text the line cleaner sees: the page rendering for HTML, the raw text otherwise."""
    return html_to_plain(doc.raw) if doc.kind == "html" else doc.raw


def _clean_text(plain: str, settings: CleanSettings, model: LineModel | None, headlines: bool = True, *,
                agreement: bool = False) -> tuple[str, list[Removal], int, int, float]:
    """Cleaned text, removals, the words before and after (`lines.word_count` of the two texts,
    summed from the labeller's per-line counts: the cleaned text is the kept lines, and no word
    spans two lines), and with `agreement` the agreement of the result with the rules' own labels
    (_agreement; else 0.0)."""
    labels, counts, by_rules = classify_page(plain, model, Thresholds(settings.keep_in_prose, settings.keep_outside),
                                             headlines=headlines, rules_verdict=agreement)
    text, removals = strip_text(plain, labels)
    after = sum(n for n, lab in zip(counts, labels, strict=True) if lab.keep)
    agreed = _agreement([lab.keep for lab in labels], by_rules, counts) if agreement else 0.0
    return text, removals, sum(counts), after, agreed


def _agreement(kept_a: list[bool], kept_b: list[bool], words: list[int]) -> float:
    """Word-weighted F1 between two keep/remove labellings of the same lines (1.0 when both keep nothing)."""
    both = a_only = b_only = 0
    for a, b, w in zip(kept_a, kept_b, words, strict=True):
        if a:
            if b:
                both += w
            else:
                a_only += w
        elif b:
            b_only += w
    total = 2 * both + a_only + b_only
    return round(2 * both / total, 3) if total else 1.0


def _clean_html(doc: Document, settings: CleanSettings, model: LineModel | None) -> None:
    tree = parse_html(doc.raw)
    rendering = render(tree, links=True)
    plain = "\n".join(rendering.lines)
    doc.clean_info["raw_text"] = plain
    if model is not None and settings.table_layout and table_layout(tree):
        # a page laid out in tables (html.table_layout): the line model reads it, and trafilatura
        # is not run (the rule labeller is the second opinion for the confidence)
        _by_line_model(doc, plain, settings, model, "table layout", agreement=True)
        return
    link_share = page_link_share(rendering)
    timed_out = False
    try:
        with time_limit(settings.html_timeout_s):
            text = extract_main_text(tree)
    except ExtractionTimeout:
        text, timed_out = "", True
    out_lines = [ln for ln in text.split("\n") if ln.strip()]  # trafilatura's non-blank lines
    # The rule labeller (text.py) is the second opinion for the confidence (the line model would
    # cost as much time as trafilatura itself, measured on aeb; the rules a tenth), and its word
    # counts per line serve the word counts of the page and of trafilatura's lines.
    page = label_page(plain) if out_lines else None
    if page is not None:
        idx = [i for i, s in enumerate(page.stripped) if s]
        # words joined by single spaces; the rendering's lines are the page's, and none is blank
        norms = normal_lines(rendering) if len(idx) == len(rendering.lines) else [
            " ".join(page.stripped[i].split()) for i in idx]  # fmt: skip
        out_norms = [" ".join(ln.split()) for ln in out_lines]
        out_counts = _word_counts(out_norms, norms, [page.counts[i] for i in idx])
        text_words = sum(out_counts)
    if page is None or text_words < settings.min_html_words:
        _instead_of_trafilatura(doc, plain, settings, model, "timed out" if timed_out else "returned too little")
        if timed_out:
            doc.findings.append(Finding(
                code="B003", name="extraction-timeout", severity=Severity.WARNING, stage="clean",
                message=f"trafilatura took longer than {settings.html_timeout_s:g}s; the line classifier "
                        "cleaned the page's plain rendering instead",
                evidence={"value": settings.html_timeout_s, "threshold": f"<= {settings.html_timeout_s:g}",
                          "unit": "seconds"},
            ))  # fmt: skip
        return
    page_words = sum(page.counts)
    doc.clean_info["words_before"] = page_words
    if model is not None and _part_of_prose_page(text_words, page_words, link_share):
        labels = classify_lines(plain, model, Thresholds(settings.keep_in_prose, settings.keep_outside),
                                headlines=False)
        kept_labels = [lab for lab in labels if lab.keep and lab.line.stripped]
        # a related-links list under its heading is cut here too (the ends are the model's to judge)
        lm_kept, lm_cut = furniture([lab.line.text for lab in kept_labels], rendering, ends=False)
        if lm_cut:
            for k in set(range(len(kept_labels))) - set(lm_kept):
                kept_labels[k].keep = False
                kept_labels[k].reason = lm_cut[" ".join(kept_labels[k].line.text.split())]
        lm_text, lm_removals = strip_text(plain, labels)
        if _line_model_covers(text, lm_text, text_words):
            kept = set(out_norms)
            by_extractor = [n in kept for n in norms]
            doc.text, doc.removals = lm_text, lm_removals
            doc.clean_info["method"] = "line-model (trafilatura kept only part of a prose page)"
            doc.clean_info["confidence"] = _agreement(
                by_extractor, [labels[i].keep for i in idx], [page.counts[i] for i in idx])
            return
    repeats = _extractor_repeats(out_norms, out_counts, norms)
    if repeats:
        stay = sorted(set(range(len(out_lines))) - set(repeats))
        out_lines = [out_lines[i] for i in stay]
        out_norms = [out_norms[i] for i in stay]
        out_counts = [out_counts[i] for i in stay]
        doc.clean_info["extractor_repeats"] = len(repeats)
    # the labeller named the rendering's lines already: trafilatura's lines are mostly those
    named_by_labeller = dict(zip(norms, (page.reasons[i] for i in idx), strict=True))

    def named(line: str) -> str:
        found = named_by_labeller.get(" ".join(line.split()))
        return pattern_reason(line) if found is None else found

    kept_idx, trimmed = furniture(out_lines, rendering, named)
    if sum(out_counts[i] for i in kept_idx) < settings.min_html_words:
        # what trafilatura chose was page furniture (a link list, a share bar): as if it had returned
        # nothing, the line cleaner reads the page (never an empty text where the page has prose)
        _instead_of_trafilatura(doc, plain, settings, model, "returned only page furniture")
        return
    if trimmed or repeats:
        text = "\n".join(out_lines[i] for i in kept_idx)
    doc.clean_info["words_after"] = sum(out_counts[i] for i in kept_idx)
    kept = {out_norms[i] for i in kept_idx}
    by_extractor = [n in kept for n in norms]
    removals: list[Removal] = []
    for i, norm, keep in zip(idx, norms, by_extractor, strict=True):
        if not keep:
            line = page.labels[i].line
            removals.append(Removal(Span(line.start, line.end, "raw"), line.text, trimmed.get(norm, "trafilatura")))
    doc.text = text
    doc.removals = removals
    doc.clean_info["method"] = "trafilatura"
    doc.clean_info["confidence"] = _agreement(
        by_extractor, [page.labels[i].keep for i in idx], [page.counts[i] for i in idx])


# A line of trafilatura's output of at least this many words that it holds more often than the
# page's rendering shows it: the extra copies came from markup the page does not display (a
# second, hidden copy of the article for another layout or for scripts) and are cut. A line the
# page itself shows twice stays twice (CleanEval's gold keeps both).
REPEAT_MIN_WORDS = 3


def _extractor_repeats(out_norms: list[str], out_counts: list[int], norms: list[str]) -> list[int]:
    """The indices of the lines of trafilatura's output (`out_norms`, whitespace-normalised, with their
    words `out_counts`) that are copies beyond those the rendering's lines (`norms`) show."""
    times = Counter(out_norms)
    if len(times) == len(out_norms):
        return []  # no line twice: the usual case, one Counter
    repeated = {n for n, k in times.items() if k > 1}
    shown = Counter(n for n in norms if n in repeated)
    used: Counter[str] = Counter()
    out = []
    for i, (n, words) in enumerate(zip(out_norms, out_counts, strict=True)):
        if n in shown and words >= REPEAT_MIN_WORDS:
            used[n] += 1
            if used[n] > shown[n]:
                out.append(i)
    return out


def _instead_of_trafilatura(doc: Document, plain: str, settings: CleanSettings, model: LineModel | None,
                            why: str) -> None:
    """Clean the page's rendering `plain` as a plain text, where trafilatura gave nothing to keep (`why`)."""
    _by_line_model(doc, plain, settings, model, f"trafilatura {why}", agreement=False)


def _by_line_model(doc: Document, plain: str, settings: CleanSettings, model: LineModel | None, why: str, *,
                   agreement: bool) -> None:
    """Clean the page's rendering `plain` as a plain text (`why`: the method's note). The confidence is
    the agreement of the result with the rule labeller with `agreement`, else 0.0 (trafilatura and
    the line cleaner disagreed already: it gave nothing to keep)."""
    doc.text, doc.removals, before, after, agreed = _clean_text(plain, settings, model, headlines=False,
                                                                agreement=agreement)
    doc.clean_info.pop("extractor_repeats", None)
    doc.clean_info["method"] = f"{'line-model' if model else 'text-rules'} ({why})"
    doc.clean_info["confidence"] = agreed
    doc.clean_info.update(words_before=before, words_after=after)


def _word_counts(lines: list[str], known: list[str], counts: list[int]) -> list[int]:
    """word_count of each of `lines`, taken from the line of `known` with the same text where there is
    one (`counts`: theirs): trafilatura's lines are mostly lines of the rendering, already counted."""
    count_of = dict(zip(known, counts, strict=True))
    return [count_of[ln] if ln in count_of else word_count(ln) for ln in lines]


# When trafilatura keeps only a part of a page that is prose from top to bottom (a blog page,
# a list of posts, a long essay split over containers), the line model on the whole rendering
# does better; on news pages with one article container trafilatura is the better judge.
# Measured on the shared sets (benchmarks/run.py extraction, README): on a page with at most
# MAX_PAGE_LINKS of its characters in links (link density as in Kohlschütter et al. 2010),
# the line model's output wins when it holds most of trafilatura's (PROSE_COVER of its
# 4-grams) and is PROSE_GAIN times longer, or when it is PROSE_MUCH_MORE times longer
# (trafilatura settled on a small wrong part). The two cheap tests run first, so the model
# runs on few pages (8 of aeb's 181, 52 of cleaneval-final's 681).
PROSE_COVER = 0.8
PROSE_GAIN = 1.3
PROSE_MUCH_MORE = 2.0
MAX_PAGE_LINKS = 0.15


def _part_of_prose_page(extracted_words: int, page_words: int, link_share: float) -> bool:
    # the line model keeps at most the whole page, so PROSE_GAIN needs trafilatura below page / gain
    return link_share <= MAX_PAGE_LINKS and extracted_words * PROSE_GAIN <= page_words


def _line_model_covers(extracted: str, by_model: str, n_ext: int) -> bool:
    """Does the line model's output hold trafilatura's (`extracted`, of `n_ext` words; see above)?"""
    n_mod = word_count(by_model)
    if n_mod >= PROSE_MUCH_MORE * n_ext:
        return True
    if n_mod < PROSE_GAIN * n_ext:
        return False
    ext, mod = shingles(extracted), shingles(by_model)
    total = sum(ext.values())
    return bool(total) and sum((ext & mod).values()) / total >= PROSE_COVER


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word n-grams of the lowercased text, counted (the extraction benchmark's unit)."""
    words = words_of(text.lower())
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))


def clean_document(doc: Document, settings: CleanSettings, model: LineModel | None = None) -> None:
    """Clean one document on its own: set doc.text, doc.removals and doc.clean_info.

    `model` is the line classifier (load_line_model()); None with settings.line_model
    loads the shipped one, so pass it in when cleaning many documents one at a time.
    """
    if not doc.readable:
        return
    if model is None and settings.line_model:
        model = load_line_model()
    doc.clean_info.pop("words_before", None)
    doc.clean_info.pop("words_after", None)
    if doc.kind == "html":
        _clean_html(doc, settings, model)
        return
    doc.clean_info["raw_text"] = doc.raw
    doc.text, doc.removals, before, after, _ = _clean_text(doc.raw, settings, model)
    doc.clean_info["method"] = "line-model" if model else "text-rules"
    doc.clean_info.update(words_before=before, words_after=after)


def _summarise(doc: Document) -> None:
    """Word counts, boilerplate share and the B001 finding, once cleaning is complete."""
    before = doc.clean_info.get("words_before")  # counted while cleaning (HTML pages), else now
    if before is None:
        before = word_count(doc.raw_text)
    after = doc.clean_info.get("words_after")  # counted while cleaning (less the template lines since)
    if after is None:
        after = word_count(doc.text)
    share = round(max(0.0, 1 - after / before), 4) if before else 0.0
    doc.clean_info.update(words_before=before, words_after=after, boilerplate_share=share)
    if after == 0 and doc.raw.strip():
        doc.findings.append(
            Finding(
                code="B002",
                name="nothing-left",
                severity=Severity.ERROR,
                stage="clean",
                message=f"no text left after cleaning ({before} words before)",
                evidence={"value": 0, "words_before": before, "method": doc.clean_info.get("method", "")},
            )
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
            evidence={
                "lines_removed": len(doc.removals),
                "by_reason": dict(sorted(reasons.items())),
                "boilerplate_share": share,
            },
        )
    )


def _strip_templates(
    text: str, source: str, templates: TemplateIndex, keys: list[bytes | None]
) -> tuple[str, list[Removal]]:
    """`text` without its template lines (`keys`: templates.keys(text))."""
    kept: list[str] = []
    removed: list[Removal] = []
    for ln, key in zip(split_lines(text), keys, strict=True):
        if templates.is_key_template(source, key):
            removed.append(Removal(Span(ln.start, ln.end, "text"), ln.text, "template-line"))
        else:
            kept.append(ln.text)
    return "\n".join(kept).strip("\n"), removed


def clean_corpus(docs: Iterable[Document], settings: CleanSettings, model: LineModel | None = None) -> list[Document]:
    """Clean every document; template lines are learnt per source across the whole set first."""
    docs = list(docs)
    if model is None and settings.line_model and any(d.readable for d in docs):
        model = load_line_model()
    for doc in docs:
        clean_document(doc, settings, model)
    # a template line recurs in template_min_docs documents: fewer (the filter's one) can have none
    if settings.templates and sum(d.readable for d in docs) >= settings.template_min_docs:
        templates = TemplateIndex(settings.template_min_docs, settings.template_max_words, settings.template_max_lines)
        keys: dict[int, list[bytes | None]] = {}  # per document: its lines hashed once, for both passes
        for i, doc in enumerate(docs):
            if doc.readable:
                keys[i] = templates.keys(doc.text)
                templates.add(doc.source, doc.text, keys[i])
        # a source none of whose lines recur in enough documents has nothing to strip: no line looked up
        with_templates = {src for src in templates.counts if templates.template_lines(src)}
        for i, doc in enumerate(docs):
            if not doc.readable:
                continue
            if doc.source in with_templates:
                doc.text, extra = _strip_templates(doc.text, doc.source, templates, keys.pop(i))
                doc.removals += extra
                if extra and "words_after" in doc.clean_info:  # words never span lines
                    doc.clean_info["words_after"] -= sum(word_count(r.text) for r in extra)
            else:
                doc.text = doc.text.strip("\n")  # as _strip_templates leaves a text
    for doc in docs:
        if doc.readable:
            _summarise(doc)
    return docs


__all__ = [
    "CleanSettings", "LineModel", "TemplateIndex", "clean_corpus", "clean_document", "html_to_plain",
    "load_line_model", "plain_text_of",
]  # fmt: skip
