"""Passages repeated inside one document, exactly (D003, paragraphs) or in other words (D006,
sentences and paragraphs), with the span of every copy; paragraphs shared between documents (D004)."""

from __future__ import annotations

import os
import re
from collections import Counter
from itertools import chain

from auditor.document import Document, Finding, Severity, Span
from auditor.normalized import NormalizedText
from auditor.segment import WORD, Piece, normalize, paragraphs


def repeated_passages(doc: Document, min_words: int = 5, *, near: bool = True, sentence_words: int = 8,
                      similarity: float | None = None, shared_words: int | None = None,
                      normalized: NormalizedText | None = None,
                      table: tuple[list[int], list[int], list[str]] | None = None) -> list[Finding]:
    """One D003 finding per paragraph that occurs more than once in the cleaned text; with
    `near`, D006 findings for passages restated in other words (`near_repeated_passages`).
    `normalized` and `table`: the text's NormalizedText and `paragraph_table`, where the caller
    has them (the filter worker's scorer needs the table too)."""
    exact = _exact_repeats(doc, min_words, normalized, table)
    if not near:
        return exact
    return exact + near_repeated_passages(
        doc, sentence_words, NEAR_CONTAINMENT if similarity is None else similarity,
        NEAR_SHARED_WORDS if shared_words is None else shared_words, exact)


def _exact_repeats(doc: Document, min_words: int, normalized: NormalizedText | None = None,
                   table: tuple[list[int], list[int], list[str]] | None = None) -> list[Finding]:
    # paragraphs grouped by normalize(p.text), each with its words: from the whole text's normalized
    # words (paragraphs are cut at whitespace, so no word runs across their ends), else word by word
    groups: dict[object, list[tuple[int, int]]] = {}
    words_of: dict[object, int] = {}
    from auditor.score.signals import paragraph_table  # segment.paragraphs as (starts, ends, texts)

    starts, ends, texts = paragraph_table(doc.text) if table is None else table
    normalized = NormalizedText(doc.text) if normalized is None else normalized
    keys: list[bytes] | list[str]
    if normalized.aligned:
        counts, keys = normalized.words_in(starts, ends)
    else:  # lower case changed the text's length: its offsets do not hold there
        found = [WORD.findall(t.lower()) for t in texts]
        counts, keys = [len(w) for w in found], [" ".join(w) for w in found]
    for start, end, n, key in zip(starts, ends, counts, keys, strict=True):
        if n >= min_words:
            groups.setdefault(key, []).append((start, end))
            words_of[key] = n
    findings = []
    for group, spans in groups.items():
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
                evidence={"copies": len(spans), "words": words_of[group]},
            )
        )
    return findings


def shared_passages(
    docs: list[Document], min_words: int, clusters: dict[str, str]
) -> list[tuple[str, str, list[Span], list[Span], int]]:
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


# ---------------------------------------------------------------- near-identical passages inside one document
# A sentence ends at . ! ? (optionally a closing quote or bracket) before a capital or
# digit, or at a line break (bullets, headings): the cut is the group that matched, the spaces
# after the mark or the line breaks (`(?<=[.!?])[\"')\]]?[ \t]+(?=...)|\n+`, written with a literal
# opening each alternative, so that the regex engine looks for those four characters instead of
# trying a lookbehind at every position: 48 -> 35 us a page on nd200k, the same cuts).
_END = r"([\"')\]]?[ \t]+)(?=[\"'(\[]?[A-Z0-9])"
_SENT = re.compile(r"\." + _END + r"|!" + _END + r"|\?" + _END + r"|(\n+)")
SMALL_DOC = 80  # candidate sentences up to which pairs are compared in a plain loop (about 3,000 pairs)
MAX_SENTENCES = 3000  # beyond this a document is a list or a dump; the pair product would be quadratic
# Defaults measured by benchmarks/tasks/passages.py (content-word containment
# between sentences of 8+ words; see its docstring): at >= 0.6 with >= 8 shared content
# words, 0.4% of 1,633 human XSum/BBC articles and 2 of 58 CleanEval gold pages light up,
# while 2 of the 3 bullets of seeds/003 that restate its own paragraphs are found.
NEAR_CONTAINMENT = 0.6
NEAR_SHARED_WORDS = 8


_SENT_TRIM = " \t\r\n-*\u2022"


def sentences(text: str, min_words: int = 0) -> list[Piece]:
    """Sentences (and lines) with character offsets, surrounding spaces and bullet marks left out;
    those of at least `min_words` whitespace-separated words."""
    out: list[Piece] = []
    pos = 0
    cuts = [m.span(m.lastindex) for m in _SENT.finditer(text)]  # type: ignore[arg-type]
    for end, after in [*cuts, (len(text), len(text))]:
        raw = text[pos:end]
        left = raw.lstrip(_SENT_TRIM)
        body = left.rstrip(_SENT_TRIM)
        if body and (not min_words or len(body.split()) >= min_words):
            lead = pos + len(raw) - len(left)
            out.append(Piece(lead, lead + len(body), body))
        pos = after
    return out


def english_stop_words() -> frozenset[str]:
    """scikit-learn's ENGLISH_STOP_WORDS, read from its small data module without importing
    scikit-learn itself (seconds of start-up, paid by every `auditor-seeds` commit hook run)."""
    import importlib.util
    import sys

    name = "auditor._sklearn_stop_words"
    if name not in sys.modules:
        spec = importlib.util.find_spec("sklearn")
        places = list(spec.submodule_search_locations or []) if spec else []
        path = next((os.path.join(p, "feature_extraction", "_stop_words.py") for p in places), "")
        if not os.path.isfile(path):
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            return frozenset(ENGLISH_STOP_WORDS)
        file_spec = importlib.util.spec_from_file_location(name, path)
        assert file_spec is not None and file_spec.loader is not None
        module = importlib.util.module_from_spec(file_spec)
        file_spec.loader.exec_module(module)
        sys.modules[name] = module
    stop: frozenset[str] = sys.modules[name].ENGLISH_STOP_WORDS
    return stop


# Words of two or more word characters: the maximal \w+ runs longer than one character (a run of
# one is passed over, and a match cannot start inside a longer run, as the run's start matched).
_LONG_WORD = re.compile(r"\w{2,}", re.UNICODE)


def content_words(text: str, stop: frozenset[str] | None = None) -> set[str]:
    r"""The words of `normalize(text)` longer than one character, stop words (`english_stop_words`)
    out: the same set as filtering the normalised words one by one (a \w+ word holds no space,
    so splitting the normalised text gives the words back)."""
    return set(_LONG_WORD.findall(text.lower())) - (english_stop_words() if stop is None else stop)


def near_pairs(units: list[set[str]], min_containment: float, min_shared: int) -> list[tuple[int, int, float, int]]:
    """(i, j, containment, shared) for unit pairs whose content-word sets overlap enough:
    shared / the smaller set >= `min_containment` and at least `min_shared` words shared, in
    (i, j) order. A word two units share is in two of them, so a unit holding fewer than
    `min_shared` words found in another unit is in no pair: that rules out most sentences of a
    text with counting at C speed (on 3,000 nd200k pages, 9.1 units a page had min_shared words,
    0.1 had them shared). The rest are compared pair by pair, or by one sparse product when there
    are many (a list or a dump)."""
    if len(units) < 2:
        return []
    counts = Counter(chain.from_iterable(units))
    twice = {w for w, c in counts.items() if c > 1}
    big = [i for i, u in enumerate(units) if len(u) >= min_shared and len(u & twice) >= min_shared]
    if len(big) <= SMALL_DOC:  # a text's few candidates: set intersections beat building a matrix
        out = []
        for x, i in enumerate(big):
            a = units[i]
            for j in big[x + 1 :]:
                shared = len(a & units[j])
                if shared >= min_shared and shared / max(1, min(len(a), len(units[j]))) >= min_containment:
                    out.append((i, j, round(shared / max(1, min(len(a), len(units[j]))), 4), shared))
        return out
    import numpy as np
    from scipy.sparse import csr_matrix  # only here: importing scipy.sparse costs more than a short text's check

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for k, i in enumerate(big):
        for w in units[i]:
            rows.append(k)
            cols.append(vocab.setdefault(w, len(vocab)))
    if not cols:
        return []
    m = csr_matrix((np.ones(len(cols), dtype=np.int32), (rows, cols)), shape=(len(big), len(vocab)))
    inter = (m @ m.T).tocoo()
    at = np.array(big)
    size = np.array([len(units[i]) for i in big])
    keep = (inter.row < inter.col) & (inter.data >= min_shared)
    r, c, v = inter.row[keep], inter.col[keep], inter.data[keep]
    cont = v / np.maximum(1, np.minimum(size[r], size[c]))
    ok = cont >= min_containment
    return sorted((int(a), int(b), round(float(x), 4), int(s))
                  for a, b, x, s in zip(at[r[ok]], at[c[ok]], cont[ok], v[ok], strict=True))


def near_repeated_passages(doc: Document, min_words: int = 8, min_containment: float = NEAR_CONTAINMENT,
                           min_shared: int = NEAR_SHARED_WORDS, exact: list[Finding] | None = None) -> list[Finding]:
    """D006 findings: two passages of one document that say nearly the same thing in other words.

    Sentences of at least `min_words` words are compared by their content words (stop
    words out); a pair is near-identical at `min_containment` and `min_shared`. Pairs of
    sentences inside two paragraphs that match sentence by sentence (half the smaller
    paragraph's sentences or more) are reported once, as a paragraph pair. Exact repeats
    (D003, `exact`) are not reported again."""
    text = doc.text
    covered = [(s.start, s.end) for f in exact or [] for s in f.spans]
    sents = [s for s in sentences(text, min_words)
             if not covered or not any(a <= s.start and s.end <= b for a, b in covered)][:MAX_SENTENCES]
    stop = english_stop_words()
    units = [content_words(s.text, stop) for s in sents]
    pairs = near_pairs(units, min_containment, min_shared)
    if not pairs:
        return []
    paras = paragraphs(text)

    def para_of(piece: Piece) -> int:
        return next((k for k, p in enumerate(paras) if p.start <= piece.start and piece.end <= p.end), -1)

    per_para: dict[tuple[int, int], list[tuple[int, int, float, int]]] = {}
    for p in pairs:
        a, b = para_of(sents[p[0]]), para_of(sents[p[1]])
        per_para.setdefault((a, b), []).append(p)
    findings = []
    for (pa, pb), group in sorted(per_para.items()):
        whole = pa >= 0 and pb >= 0 and pa != pb and len(group) >= 2 and len(group) * 2 >= min(
            sum(1 for s in sents if paras[pa].start <= s.start < paras[pa].end),
            sum(1 for s in sents if paras[pb].start <= s.start < paras[pb].end))
        if whole:
            sim = round(sum(g[2] for g in group) / len(group), 4)
            findings.append(_near_finding(text, paras[pa], paras[pb], "paragraph", sim, sum(g[3] for g in group),
                                          min_containment))
        else:
            findings.extend(_near_finding(text, sents[i], sents[j], "sentence", c, s, min_containment)
                            for i, j, c, s in group)
    return findings


def _near_finding(text: str, a: Piece, b: Piece, level: str, sim: float, shared: int,
                  threshold: float) -> Finding:
    first = text[a.start : a.end]
    preview = first if len(first) <= 80 else first[:77] + "..."
    return Finding(
        code="D006",
        name="near-repeated-passage",
        severity=Severity.INFO,
        stage="dedup",
        message=f"{level} restated later in the text ({sim:.0%} of its content words): \"{preview}\"",
        spans=[Span(a.start, a.end, "text"), Span(b.start, b.end, "text")],
        evidence={"level": level, "similarity": sim, "shared_words": shared, "measure": "content-word containment",
                  "threshold": f">= {threshold}"},
    )
