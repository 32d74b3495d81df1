"""Checks for templated, formulaic content: what content farms and text generators leave behind.

No published thresholds exist for these; each check measures something a reader can
verify (which headings, which phrases, which tables, which closing lines restate
what) and the rules in rules/templated.toml set bounds chosen by measurement on
human news text (the shared benchmark's article bodies) and the seed corpus.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, repeat

import numpy as np

from auditor.document import Span
from auditor.score.checks import CHECKS, Measure, check, memo_key
from auditor.score.signals import _STRIP, TextStats
from auditor.score.wordtable import run_hashes, word_hashes
from auditor.segment import Piece

FORMULAIC_HEADINGS = [
    "the conclusion", "conclusion", "in conclusion", "conclusions", "key takeaways", "takeaways", "final thoughts",
    "wrapping up", "the bottom line", "bottom line", "in summary", "summary", "closing thoughts",
    "concluding remarks", "closing remarks", "looking ahead", "the road ahead", "the way forward",
    "future outlook", "future prospects", "key insights", "key points", "key highlights", "final verdict",
    "the final verdict", "frequently asked questions", "faqs", "faq", "introduction", "overview",
    "in closing", "to sum up", "what's next", "what comes next", "insights and analysis", "the takeaway",
]
# Words that fill generated section titles ("Detailed Examination of the Deal and Its Implications").
GENERIC_HEADING_WORDS = [
    "analysis", "implications", "impact", "impacts", "recommendations", "examination", "detailed", "strengthening",
    "ongoing", "insights", "strategies", "strategic", "challenges", "opportunities", "navigating", "understanding",
    "exploring", "comprehensive", "enhancing", "overview", "efforts", "landscape", "outlook", "perspectives",
    "considerations", "ramifications", "key", "role", "future", "broader", "potential", "evaluating", "assessing",
    "addressing", "fostering", "examining", "unpacking",
]
STOCK_PHRASES = [
    "it is crucial to", "it's crucial to", "it is essential to", "it's essential to", "it is important to note",
    "it's important to note", "it is worth noting", "it's worth noting", "plays a crucial role", "plays a pivotal role",
    "play a crucial role", "play a pivotal role", "a testament to", "delve into", "delves into",
    "navigate the complexities", "navigating the complexities", "in today's fast-paced", "in the ever-evolving",
    "ever-changing landscape", "underscores the need", "underscoring the need", "underscores the importance",
    "underscoring the importance", "highlighting the importance", "emphasizing the importance",
    "emphasising the importance", "raises critical questions", "adds a complex layer", "adds another layer",
    "sent shockwaves", "sending shockwaves", "continue to unfold", "continues to unfold", "remains to be seen",
    "only time will tell", "in a stark contrast", "paving the way for", "shed light on", "sheds light on",
    "a myriad of", "a plethora of", "in conclusion", "needless to say", "stay tuned", "will continue to monitor",
    "a pivotal moment", "a significant step", "a complex interplay", "the intricacies of", "multifaceted",
    "in the realm of", "serves as a reminder", "serves as a stark reminder", "at the forefront of",
    "a double-edged sword", "the importance of transparency", "transparency and accountability",
]
# Short function words ignored when comparing what two passages say.
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being that this these those it "
    "its their his her they them he she we you i not no has have had will would can could should may might do does "
    "did than then so such which who whom whose what when where while also into over under about after before more "
    "most other some any all both each there here".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_BULLET = re.compile(r"^\s*(?:[-•*‣◦–]|\d{1,2}[.)])\s+")


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


_MARKS_TO_SPACE = str.maketrans("#*:_", "    ")


def _heading_key(text: str) -> str:
    """The line lowercased, heading marks (# * : _) and runs of spaces made one space; the same as
    re.sub(r"[\\s#*:_]+", " ", text).strip().lower() (split() cuts at exactly the \\s characters)."""
    return " ".join(text.translate(_MARKS_TO_SPACE).split()).lower()


def _is_heading(line: str) -> bool:
    """A short line without an end mark that is not a bullet or a table row."""
    t = line.strip()
    if t.endswith((".", "?", "!", ",", ";", '"', "”")) or "|" in t:  # the cheap tests first
        return False
    return 0 < len(t.split()) <= 15 and not _BULLET.match(t)


# ---------------------------------------------------------------- headings
@check("formulaic_headings", "headings", headings=FORMULAIC_HEADINGS, generic_words=GENERIC_HEADING_WORDS,
       min_generic=2)
def formulaic_headings(s: TextStats, headings: list[str], generic_words: list[str], min_generic: int) -> Measure:
    """Headings that are stock section titles ("The Conclusion", "Key Takeaways") or built from
    at least `min_generic` generic title words ("Detailed Examination ... Implications")."""
    stock, generic, most, encoded = _heading_options(tuple(headings), tuple(generic_words))
    cand = _heading_candidates(s)
    sl = s.stripped_lines
    short = cand[s.line_word_counts[cand] <= most].tolist()
    why: dict[int, str] = {i: "stock title" for i in short if _heading_key(sl[i]) in stock}
    rest = [i for i in cand.tolist() if i not in why]
    for i in _maybe_generic(s, rest, encoded, min_generic):
        words = _lower_all(_WORD.findall(sl[i]))
        found = [w for w in words if w in generic]
        if len(found) >= min_generic and len(words) >= 3:
            why[i] = "generic words: " + ", ".join(found)
    hits = sorted(why)
    return Measure(len(hits), explain=lambda: (
        s.line_spans(hits[:20]), {"headings": [{"text": sl[i], "why": why[i]} for i in hits[:10]]}))


@functools.lru_cache(maxsize=64)
def _heading_options(
    headings: tuple[str, ...], generic_words: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], int, frozenset[bytes] | None]:
    """What formulaic_headings derives from its options, once per set of options, not per text:
    the stock titles, the generic words, the most words a stock title's key has (a line with more
    cannot be one: marks only add splits) and the generic words as bytes (None: not all ASCII)."""
    generic = frozenset(generic_words)
    most = max((len(h.split()) for h in headings), default=0)
    encoded = frozenset(w.encode() for w in generic) if all(w.isascii() for w in generic) else None
    return frozenset(headings), generic, most, encoded


def _heading_candidates(s: TextStats) -> np.ndarray:
    """Indices of the lines `_is_heading` accepts, the cheap tests on all lines at once."""
    sl = s.stripped_lines
    if not sl:
        return np.zeros(0, dtype=np.int64)
    wc = s.line_word_counts
    ok = (wc > 0) & (wc <= 15) & (s.pipe_counts == 0)
    ok &= ~s.lines_mask(map(str.endswith, sl, repeat((".", "?", "!", ",", ";", '"', "”"))))
    idx = np.flatnonzero(ok)
    # A stripped bullet line starts with a bullet mark or a digit; only those need the regex.
    maybe = [i for i in idx.tolist() if sl[i][0] in _BULLET_START or sl[i][0].isdecimal()]
    if maybe:
        bullets = [i for i in maybe if _BULLET.match(sl[i])]
        if bullets:
            ok[bullets] = False
            idx = np.flatnonzero(ok)
    return idx


_BULLET_START = "-•*‣◦–"  # _BULLET's marks; its other branch starts with a digit (\d: str.isdecimal)


def _maybe_generic(s: TextStats, index: list[int], generic: frozenset[bytes] | None, min_generic: int) -> list[int]:
    """The lines among `index` that may hold `min_generic` generic words. A generic word (ASCII
    letters) that `_WORD` finds is a whole run of ASCII letters in the lowercased line, so counting
    such runs (bytes.translate and split: C speed, no regex) bounds the count from above; only the
    lines that reach `min_generic` are checked word by word."""
    if min_generic <= 0:
        return index
    if generic is None:  # words not all ASCII: no bound from ASCII runs for these
        return index if index else []
    if not index or not generic:
        return []
    sl = s.stripped_lines
    runs = "\n".join([sl[i] for i in index]).lower().encode("ascii", "replace").translate(_LETTERS_ONLY)
    # Every run of letters, hashed as the word table hashes words; a run whose hash is a generic
    # word's is compared as bytes (exact), and counted on its line (the newlines before it).
    arr = np.frombuffer(runs, dtype=np.uint8)
    n = len(arr)
    padded = np.zeros(n + 2, dtype=np.int8)
    padded[1:-1] = arr >= 97  # a-z; the rest is a space or a newline
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return []
    hashes = run_hashes(arr, starts, ends)
    wanted = _generic_hashes(generic)
    k = np.minimum(np.searchsorted(wanted, hashes), len(wanted) - 1)
    hit = np.flatnonzero(wanted[k] == hashes).tolist()
    found = [starts[i] for i in hit if runs[starts[i] : ends[i]] in generic]
    if not found:
        return []
    per_line = np.bincount(_line_of(runs, found), minlength=len(index))
    return [index[k] for k in np.flatnonzero(per_line >= min_generic).tolist()]


@functools.lru_cache(maxsize=64)
def _generic_hashes(generic: frozenset[bytes]) -> np.ndarray:
    """The word table's hashes of the (ASCII) generic words, sorted."""
    return np.sort(word_hashes(tuple(w.decode() for w in generic)))


def _line_of(runs: bytes, positions: list[int]) -> np.ndarray:
    """The line (count of newlines before it) of each position in `runs`."""
    newlines = np.flatnonzero(np.frombuffer(runs, dtype=np.uint8) == 10)
    return np.searchsorted(newlines, np.asarray(positions, dtype=np.int64))


# Lowercase ASCII word characters, ' and - (a content word's characters) and newlines kept.
_RUN_CHARS = bytes(c if 97 <= c <= 122 or 48 <= c <= 57 or c in b"_'-\n" else 32 for c in range(256))
_LEAD = b"0123456789_'-"  # what a content word cannot start with

# Lowercase ASCII letters and newlines kept, every other byte a space ("?" stands for non-ASCII).
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 or c == 10 else 32 for c in range(256))


# ---------------------------------------------------------------- tables
@dataclass(slots=True)
class _Table:
    start: int
    end: int
    rows: list[list[str]]


def pipe_tables(s: TextStats) -> list[_Table]:
    """Runs of at least 3 consecutive lines that hold pipe-separated cells (Markdown-style tables)."""
    tables: list[_Table] = []
    if "|" not in s.text:
        return tables
    # Only lines in a run of 3 pipe lines can make a table: none, nothing more to look at.
    piped = s.pipe_counts >= 2
    if not (len(piped) >= 3 and (piped[:-2] & piped[1:-1] & piped[2:]).any()):
        return tables
    run: list[Piece] = []
    for ln in [*s.lines, None]:
        if ln is not None and ln.text.count("|") >= 2:
            if run and s.text[run[-1].end : ln.start].strip():
                run = []
            run.append(ln)
            continue
        if len(run) >= 3:
            rows = [[c.strip() for c in p.text.strip().strip("|").split("|")] for p in run]
            rows = [r for r in rows if not all(re.fullmatch(r":?-{2,}:?|", c) for c in r)]
            tables.append(_Table(run[0].start, run[-1].end, rows))
        run = []
    return tables


@check("generic_phrase_tables", "tables", max_cell_words=8, min_phrase_share=0.6)
def generic_phrase_tables(s: TextStats, max_cell_words: int, min_phrase_share: float) -> Measure:
    """Tables whose body cells are mostly short phrases without figures (e.g. "Improved identity
    verification | Outdated systems"): filler that looks like data. Tables of numbers do not count."""
    found: list[_Table] = []
    for t in pipe_tables(s):
        cells = [c for row in t.rows[1:] for c in row if c]
        phrases = [c for c in cells if 1 < len(c.split()) <= max_cell_words and not re.search(r"\d", c)]
        if cells and _ratio(len(phrases), len(cells)) >= min_phrase_share:
            found.append(t)
    return Measure(len(found), [Span(t.start, t.end) for t in found[:20]],
                   {"tables": [{"header": t.rows[0] if t.rows else [], "rows": len(t.rows) - 1} for t in found[:10]]})


# ---------------------------------------------------------------- stock phrases
@functools.lru_cache(maxsize=64)
def _phrase_keys(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Per phrase, the words whose absence from the text's lowercased words (`TextStats.has_word`)
    proves the phrase absent (none: search it). An inner word of the phrase (a space on both sides,
    no apostrophe: the search replaces ’ by ') is a whole whitespace token of the lowered text
    wherever the phrase occurs, so its punctuation-stripped form is among the words; every inner
    word must be. Saves most of ~55 substring scans of every text."""
    keys: list[tuple[str, ...]] = []
    for ph in phrases:
        inner = [w.strip(_STRIP) for w in ph.split(" ")[1:-1]]
        inner = [w for w in inner if w and "'" not in w and "’" not in w and not any(c.isspace() for c in w)]
        keys.append(tuple(dict.fromkeys(inner)))
    return tuple(keys)


@functools.lru_cache(maxsize=64)
def _phrase_gates(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Per phrase, a word of 5+ characters that is a part of it and of at least one other phrase
    ("importance" of five, "delve" of "delve into" and "delves into"), or "" where none is: a text
    without the word holds none of those phrases, so one scan stands for several. The word shared
    by the most phrases is taken, then the longest."""
    words = {w.strip(_STRIP) for ph in phrases for w in ph.split(" ")}
    share = {w: sum(w in ph for ph in phrases) for w in words if len(w) >= 5}
    gates: list[str] = []
    for ph in phrases:
        shared = [w for w in share if share[w] >= 2 and w in ph]
        gates.append(max(shared, key=lambda w: (share[w], len(w), w)) if shared else "")
    return tuple(gates)


@functools.lru_cache(maxsize=64)
def _distinct(keys: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The distinct key words, in order."""
    return tuple(dict.fromkeys(w for ws in keys for w in ws))


@functools.lru_cache(maxsize=64)
def _key_index(keys: tuple[tuple[str, ...], ...]) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """Per word of `_distinct(keys)`, the phrases whose key holds it; and the phrases without a key."""
    at = {w: n for n, w in enumerate(_distinct(keys))}
    holders: list[list[int]] = [[] for _ in at]
    for i, key in enumerate(keys):
        for w in key:
            holders[at[w]].append(i)
    return tuple(map(tuple, holders)), tuple(i for i, key in enumerate(keys) if not key)


def _possible(keys: tuple[tuple[str, ...], ...], present: list[bool]) -> list[int]:
    """The phrases (ascending) all of whose key words are present (`present`: per `_distinct(keys)`
    word): those the text may hold. Counted from the present words, which are few."""
    holders, keyless = _key_index(keys)
    hits = Counter(i for here, phrases in zip(present, holders, strict=True) if here for i in phrases)
    return sorted([*keyless, *(i for i, n in hits.items() if n == len(keys[i]))])


@check("stock_phrase_rate", "per 1,000 words", phrases=STOCK_PHRASES, min_count=2)
def stock_phrase_rate(s: TextStats, phrases: list[str], min_count: int) -> Measure:
    """Stock phrases and hedges ("it is crucial to", "underscores the need") per 1,000 words;
    0 when fewer than `min_count` occur (one is chance)."""
    low = s.lower.replace("’", "'") if "’" in s.text else s.lower  # s.lower is s.text.lower()
    spans: list[Span] = []
    keys = _phrase_keys(tuple(phrases))
    distinct = _distinct(keys)
    gates = _phrase_gates(tuple(phrases))
    gate_found: dict[str, bool] = {}
    for i in _possible(keys, s.have_words(distinct)):  # one search for all key words
        ph, gate = phrases[i], gates[i]
        if gate:  # a part of the phrase that several phrases share: one scan for all of them
            found = gate_found.get(gate)
            if found is None:
                found = gate_found[gate] = gate in low
            if not found:
                continue
        start = low.find(ph)
        while start != -1:
            spans.append(Span(start, start + len(ph)))
            start = low.find(ph, start + 1)
    spans.sort(key=lambda sp: sp.start)
    rate = 1000 * _ratio(len(spans), s.word_count) if len(spans) >= min_count else 0.0  # len(s.words)
    return Measure(rate, spans[:20], {"count": len(spans), "phrases": sorted({low[x.start:x.end] for x in spans})})


# ---------------------------------------------------------------- restated summary
def _lower_all(words: list[str]) -> list[str]:
    """[w.lower() for w in words] in one call: NUL never occurs in a word, and lower()'s one context
    rule (final sigma) does not reach across it, so each part lowers as it would alone."""
    return "\0".join(words).lower().split("\0") if words else []


def _content(text: str) -> set[str]:
    """Content words (longer than 2 letters, not function words), lowercased, ’ as '."""
    words = _WORD.findall(text)
    low = _lower_all(words)
    return {w.replace("’", "'") for w, orig in zip(low, words, strict=False) if len(orig) > 2 and w not in _STOP}


def closing_units(s: TextStats) -> tuple[list[Piece], int]:
    """The closing block (the trailing run of bullet lines, else the last paragraph) and where it starts."""
    raw = s.raw_lines
    n = 0
    while n < len(raw) and _BULLET.match(raw[len(raw) - 1 - n]):
        n += 1
    if n >= 2:
        tail = [s.line_piece(i) for i in range(len(raw) - n, len(raw))]
        return tail, tail[0].start
    starts, ends, texts = s.paragraph_table
    if len(texts) >= 3:
        return [Piece(starts[-1], ends[-1], texts[-1])], starts[-1]
    return [], len(s.text)


def _body(s: TextStats, start: int) -> int:
    """How many paragraphs end before `start` (the body: the first ones)."""
    return bisect.bisect_right(s.paragraph_table[1], start)


def _candidates(texts: list[str], unit_words: list[set[str]], min_overlap: float) -> list[int]:
    """The paragraphs (indices into `texts`) that may share `min_overlap` of a closing unit's content
    words. An ASCII content word is a whole run of [a-z0-9_'-] (leading non-letters off) in the text
    lowercased (’ as ', other non-ASCII characters as spaces), so counting the unit's ASCII words
    among the runs of a paragraph (C speed, no regex), plus its other words as if all present,
    bounds what `_content` would share from above; the paragraphs below the bound are left out."""
    need = min(min_overlap * len(ws) for ws in unit_words)
    wanted = {w.encode() for ws in unit_words for w in ws if w.isascii()}
    extra = max(len(ws) - sum(map(str.isascii, ws)) for ws in unit_words)
    if need - extra <= 0:
        return list(range(len(texts)))
    runs = "\n".join(texts).lower().replace("’", "'").encode("ascii", "replace")
    runs = b" " + runs.translate(_RUN_CHARS).replace(b"\n", b" \n ") + b" "
    found: list[int] = []
    # A word not even inside the runs' bytes is not one of them (a substring test per unit word,
    # instead of splitting every run of the body); the search below keeps the whole runs only.
    for w in [w for w in wanted if w in runs]:
        needle = w + b" "
        at = runs.find(needle)
        while at != -1:
            run_start = runs.rfind(b" ", 0, at) + 1
            if not runs[run_start:at].strip(_LEAD):  # the whole run, less leading non-letters
                found.append(at)
            at = runs.find(needle, at + 1)
    if not found:  # no paragraph shares a word: none reaches need > extra
        return []
    # A paragraph may hold newlines itself: the line a match is on tells the paragraph.
    last_line = list(accumulate(t.count("\n") + 1 for t in texts))
    per_para = Counter(bisect.bisect_right(last_line, runs.count(b"\n", 0, at)) for at in found)
    return [i for i in range(len(texts)) if per_para[i] + extra >= need]


@check("restated_summary", "share of closing units", min_overlap=0.5, min_words=8)
def restated_summary(s: TextStats, min_overlap: float, min_words: int) -> Measure:
    """Share of the closing bullets (or the closing paragraph) whose content words mostly (>= min_overlap)
    repeat what one earlier paragraph already said: a summary that restates instead of adding."""
    units, start = closing_units(s)
    unit_sets = [(u, ws) for u in units if len(ws := _content(u.text)) >= min_words]
    units = [u for u, _ in unit_sets]
    body = _body(s, start) if units else 0  # no closing unit: no body needed
    if not units or not body:
        return Measure(0.0, detail={"closing_units": len(units)})
    starts, ends, texts = s.paragraph_table
    body_sets = [(Piece(starts[i], ends[i], texts[i]), _content(texts[i]))
                 for i in _candidates(texts[:body], [ws for _, ws in unit_sets], min_overlap)]
    if not body_sets:  # no paragraph can reach min_overlap: none restated
        return Measure(0.0, [], {"closing_units": len(units), "restating": []})
    restating: list[dict[str, object]] = []
    spans: list[Span] = []
    for u, words in unit_sets:
        best, best_p = 0.0, body_sets[0][0]
        for p, ws in body_sets:
            ov = _ratio(len(words & ws), len(words))
            if ov > best:
                best, best_p = ov, p
        if best >= min_overlap:
            restating.append({"closing": u.text.strip()[:100], "restates": best_p.text.strip()[:100],
                              "overlap": round(best, 3)})
            spans += [Span(u.start, u.end), Span(best_p.start, best_p.end)]
    return Measure(_ratio(len(restating), len(units)), spans[:20],
                   {"closing_units": len(units), "restating": restating[:10]})


# ---------------------------------------------------------------- structure
@check("list_word_share", "share of words")
def list_word_share(s: TextStats) -> Measure:
    """Share of words that sit in bullet lines or table rows rather than running text."""
    listy = _bullet_lines(s)
    if "|" in s.text:
        listy = listy | (s.pipe_counts >= 2)
    n = int(s.line_word_counts[listy].sum())
    return Measure(_ratio(n, s.token_count), detail={"list_lines": int(listy.sum())})


def _bullet_lines(s: TextStats) -> np.ndarray:
    """Per non-blank line, whether `_BULLET` matches it. A match starts, after the line's leading
    spaces, with a bullet mark or a digit, which is where the stripped line starts; in an ASCII
    text a digit is 0-9, so `str.startswith` (C speed) picks the only lines the regex must try."""
    raw = s.raw_lines
    if not s.text.isascii():
        return s.lines_mask(map(_BULLET.match, raw))
    listy = np.zeros(len(raw), dtype=bool)
    maybe = np.flatnonzero(s.lines_mask(map(str.startswith, s.stripped_lines, repeat(_BULLET_FIRST))))
    for i in maybe.tolist():
        listy[i] = _BULLET.match(raw[i]) is not None
    return listy


_BULLET_FIRST = tuple(_BULLET_START + "0123456789")


@functools.lru_cache(maxsize=64)
def _default_key(name: str) -> tuple[object, ...]:
    """The memo key of a check with its registered defaults (worked out once, not per text)."""
    return memo_key(name, CHECKS[name].params)


@check("templated_signal_count", "signals", min_headings=2, min_tables=1, min_stock_rate=2.0, min_restated=0.5,
       min_list_share=0.3)
def templated_signal_count(
    s: TextStats, min_headings: int, min_tables: int, min_stock_rate: float, min_restated: float,
    min_list_share: float,
) -> Measure:
    """How many distinct templating signals are present (formulaic headings, generic-phrase tables,
    stock phrases, a restated summary, list-heavy structure), each with the default settings of its check."""
    # Each sub-check with its registered defaults, by keyword: the same options as the T10x rules
    # that use the defaults, so the measure is shared with them (TextStats.memo).
    parts = {
        name: (CHECKS[chk].measured(s, _default_key(chk), CHECKS[chk].params), bound)
        for name, chk, bound in (
            ("formulaic headings", "formulaic_headings", min_headings),
            ("generic-phrase tables", "generic_phrase_tables", min_tables),
            ("stock phrases", "stock_phrase_rate", min_stock_rate),
            ("restated summary", "restated_summary", min_restated),
            ("list-heavy", "list_word_share", min_list_share),
        )
    }
    present = {name: round(m.value, 4) for name, (m, bound) in parts.items() if m.value >= bound and m.value > 0}
    spans = [sp for name, (m, _) in parts.items() if name in present for sp in m.spans[:5]]
    return Measure(len(present), spans[:20], {"signals": present})
