"""Hand features of the lines of a page, for the line classifier (auditor/clean/model.py).

Each non-blank line gets a vector of features of its own (length, punctuation,
stop-word share, capitalisation, boilerplate patterns), of its position in the page,
of its neighbours and of the run of short lines it sits in (menus), plus, for HTML
pages, what the markup says about its block (link density, tag, boilerplate-like
class names) and whether trafilatura kept it. The shapes follow boilerplate
classifiers from the literature: Kohlschütter et al. 2010 ("Boilerplate detection
using shallow text features": word counts, link density, neighbours), Finn et al.
2001 (Body Text Extraction: the densest stretch of prose) and jusText
(Pomikálek 2011: stop-word density, length classes).

The features of a page are computed for all its lines at once (feature_matrix): the
character classes the per-line regexes counted are counted per character and summed per
line (auditor/clean/chars.py), the other regexes run only on the lines a prefilter names,
and the page features are NumPy shifts and cumulative sums. The values are those of the
plain per-line code to the last bit (tests/test_clean_features.py holds that code as the
reference); a regex per line had been most of plain-text cleaning's time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from auditor.clean.chars import (
    ALPHA,
    BULLET_START,
    DECIMAL,
    SEP,
    SPACE,
    TERM,
    UPPER,
    WORD_CHAR,
    Segments,
    char_classes,
    lowered,
)
from auditor.clean.text import label_lines, pattern_reason

# The 80 most frequent English function words (jusText's stop-word idea, Pomikálek 2011).
STOP_WORDS = frozenset(
    "the of and to a in is that for it as was with be by on not he i this are or his from at which but have an "
    "they you were her she there been one all we their has would when if so no will can more its who what them "
    "out up about into than do could our some said these my other any may only him over also new".split()
)
_ALPHA_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SEPARATOR = re.compile(r"[|»›•·/>]")
_URLISH = re.compile(r"https?://|www\.|\.com\b|@\w+\.", re.IGNORECASE)
_DATEISH = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*([-*•·>»▪●◦]|\d+[.)])\s")
# Where a page's reader comments begin: generic comment-system vocabulary (WordPress, Disqus,
# Blogger: "34 responses to ...", "name says:", "Leave a Reply", "Posted by X at 6:34 am"),
# never one site's words. Comments are no part of an article (AEB's and Turku's gold).
_COMMENT_MARK = re.compile(
    r"^(\d+\s+)?(comments?|responses?|replies|reactions)\b(\s+(to|on|so far|for)\b.*)?\W*$|"
    r"^.{1,60}\b(says|said|wrote|writes):\s*$|"
    r"^(leave a (reply|comment)|post a comment|add (a|your) comment|join the (discussion|conversation)|"
    r"comments are closed|show comments|view comments|\d+ comments?\b.*|reply$|reply ↓$)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Block:
    """What the markup says about one line of a page's rendering (HTML input only)."""

    tag: str = ""  # the block element the line came from: p, li, h2, td, div, ...
    link_share: float = 0.0  # share of its characters inside <a>
    boiler_class: bool = False  # an ancestor's class/id looks like nav/footer/share/comment/...
    content_class: bool = False  # an ancestor's class/id looks like article/content/post body
    in_extractor: bool = False  # trafilatura's output has this line


@dataclass(slots=True)
class PageLines:
    """The non-blank lines of a page, with their markup facts where the page was HTML."""

    texts: list[str]
    blocks: list[Block] | None = None
    extractor_used: bool = False
    extra: dict[str, float] = field(default_factory=dict)


OWN_NAMES = [
    "log_words", "log_chars", "terminal", "stop_share", "title_share", "upper_share", "digit_share",
    "punct_share", "separators", "url", "date", "bullet", "pattern", "commas_per_word", "very_short",
    "short", "mean_word_len",
]  # fmt: skip
PAGE_NAMES = [
    "position", "in_prose_segment", "dup_in_page", "short_run", "prose_window", "page_log_lines",
    "comment_mark", "after_comment_mark", "segment_distance", "prose_window_wide", "prose_before",
    "prose_after", "words_vs_page_max",
]  # fmt: skip
HTML_NAMES = [
    "tag_p", "tag_li", "tag_h", "tag_td", "tag_a_or_span", "link_share", "boiler_class", "content_class",
    "in_extractor", "extractor_used",
]  # fmt: skip
NEIGHBOUR = ["log_words", "terminal", "stop_share", "pattern", "very_short"]


def feature_names(html: bool) -> list[str]:
    names = list(OWN_NAMES) + list(PAGE_NAMES)
    for side in ("prev", "next", "prev2", "next2"):
        names += [f"{side}_{n}" for n in NEIGHBOUR]
    if html:
        names += HTML_NAMES
        names += [f"{side}_in_extractor" for side in ("prev", "next")]
    return names


# log1p of the small integers (word, character and distance counts): math.log1p's own values,
# looked up, so that the vectorised features are those of the per-line code to the last bit.
_LOG1P = np.array([math.log1p(i) for i in range(4096)], dtype=np.float64)
_LOG1P.flags.writeable = False
_STOP_MAX = max(map(len, STOP_WORDS))


def _stop_code(w: str) -> int:
    code = 0
    for k in range(_STOP_MAX):
        code = code * 32 + (ord(w[k]) - 96 if k < len(w) else 0)
    return code


_STOP_CODES = np.array(sorted(map(_stop_code, STOP_WORDS)), dtype=np.int64)
_STOP_CODES.flags.writeable = False
# Prefilters, found in the lower-cased page (see chars.lowered): a line without one of the words cannot
# match the pattern (_COMMENT_MARK, _URLISH), so the pattern is not tried on it.
_COMMENT_WORDS = ("comment", "respons", "repl", "reaction", "says", "said", "wrote", "writes", "join the")
_URL_WORDS = ("http", "www.", ".com", "@")


def _date_candidates(cp: np.ndarray, f: np.ndarray, seg: Segments, low: str | None) -> list[int]:
    """The lines _DATEISH may match: each of its forms holds a digit, "/", "." or "-" and a digit
    (12/03/2020, 2020-03-12), or an ASCII letter or "." then " " and a digit ("March 12, 2020"); with no
    character that IGNORECASE folds to ASCII (`low` not None), [a-z] matches ASCII letters alone."""
    if low is None or len(cp) < 3:
        return list(range(len(seg.starts)))
    digit = (f & DECIMAL) != 0
    mid = cp[1:-1]
    before = cp[:-2] | 0x20
    letter_or_dot = ((before >= 97) & (before <= 122)) | (cp[:-2] == 46)
    dated = digit[2:] & (((mid == 32) & letter_or_dot) | (digit[:-2] & ((mid == 47) | (mid == 46) | (mid == 45))))
    return np.unique(seg.lines_of((np.flatnonzero(dated) + 1).tolist())).tolist()


def _stop_word_starts(cp: np.ndarray, word: np.ndarray, word_start: np.ndarray) -> np.ndarray:
    """Per character: does a word (\\w+ run) start here whose lower case is a stop word. Stop words are
    ASCII letters without a k, and only ASCII letters and the Kelvin sign lower-case to ASCII letters
    (tests/test_clean_features.py), so a stop word is a run of 1-5 ASCII letters: coded 5 bits a letter."""
    starts = np.flatnonzero(word_start)
    word_end = word.copy()
    word_end[:-1] &= ~word[1:]
    length = np.flatnonzero(word_end) - starts + 1
    short = length <= _STOP_MAX
    starts, length = starts[short], length[short]
    letters = np.zeros(len(cp) + _STOP_MAX, dtype=np.int64)  # a-z (either case) 1..26, else 0
    low = cp.astype(np.int64) | 0x20
    letters[: len(cp)] = np.where((low >= 97) & (low <= 122), low - 96, 0)
    code = np.zeros(len(starts), dtype=np.int64)
    ok = np.ones(len(starts), dtype=bool)
    for k in range(_STOP_MAX):
        within = k < length
        c = letters.take(starts + k)
        ok &= ~within | (c > 0)
        code = code * 32 + np.where(within, c, 0)
    at = np.minimum(np.searchsorted(_STOP_CODES, code), len(_STOP_CODES) - 1)
    out = np.zeros(len(cp), dtype=bool)
    out[starts[ok & (_STOP_CODES.take(at) == code)]] = True
    return out


def _log1p(a: np.ndarray) -> np.ndarray:
    """math.log1p of each non-negative integer of `a`."""
    out = _LOG1P.take(np.minimum(a, len(_LOG1P) - 1))
    big = a >= len(_LOG1P)
    if big.any():
        out[big] = [math.log1p(v) for v in a[big].tolist()]
    return out


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0.0 where den is 0 (the per-line code's `x / n if n else 0.0`)."""
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)


@dataclass(slots=True)
class _OwnColumns:
    """The OWN_NAMES features of every line, as columns, and the per-line facts the page features reuse."""

    matrix: np.ndarray  # (lines, len(OWN_NAMES))
    words: np.ndarray  # \w+ words per line
    terminal: np.ndarray  # bool: _TERMINAL finds a sentence end


def _own_columns(texts: list[str], doc: str, low: str | None, seg: Segments, reasons: list[str]) -> _OwnColumns:
    """Each line's own features, for all lines at once from the flags of the joined text `doc`: what the
    per-line regexes count, counted per character and summed per line (see the reference in
    tests/test_clean_features.py)."""
    n = len(texts)
    f, cp = char_classes(doc)
    word = (f & WORD_CHAR) != 0
    alpha = (f & ALPHA) != 0
    space = (f & SPACE) != 0
    # starts of maximal runs (the lines' "\n" separators are in no run)
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    alpha_start = alpha.copy()
    alpha_start[1:] &= ~alpha[:-1]
    words = seg.count(word_start)
    n_alpha = seg.count(alpha_start)
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    stop = seg.count(_stop_word_starts(cp, word, word_start))
    terminal = seg.last_solid_is(f, TERM)  # rstrip()'s last character ends a sentence
    # the first character that is not space, per line (len(doc) where none)
    pos = np.arange(len(f), dtype=np.int64)
    first_solid = np.minimum.accumulate(np.where(space, len(f), pos)[::-1])[::-1] if len(f) else pos
    nonempty = seg.ends > seg.starts
    at_start = first_solid.take(np.minimum(seg.starts, max(len(f) - 1, 0))) if len(f) else np.full(n, 0)
    may_bullet = nonempty & (at_start < seg.ends)
    may_bullet[may_bullet] = (f.take(at_start[may_bullet]) & BULLET_START) != 0
    bullet = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(may_bullet).tolist():  # the few lines opening with a mark or a digit
        bullet[i] = _BULLET.match(texts[i]) is not None
    cols = [
        _log1p(words),
        _log1p(chars),
        terminal,
        _share(stop, words),
        _share(seg.count(alpha_start & ((f & UPPER) != 0)), n_alpha),
        _share(seg.count((f & UPPER) != 0), chars),
        _share(seg.count((f & DECIMAL) != 0), chars),
        _share(seg.count(~(word | space)), chars),
        np.minimum(seg.count((f & SEP) != 0), 5) / 5,
        seg.matching(_URLISH, texts, seg.with_words(low, _URL_WORDS)),
        seg.matching(_DATEISH, texts, _date_candidates(cp, f, seg, low)),
        bullet,
        np.fromiter(map(bool, reasons), dtype=bool, count=n),
        _share(seg.count(cp == 44), words),  # commas
        words <= 4,
        (words >= 5) & (words <= 9),
        _share(seg.count(word), words) / 10,
    ]
    matrix = np.empty((n, len(cols)), dtype=np.float64)
    for k, col in enumerate(cols):
        matrix[:, k] = col
    return _OwnColumns(matrix, words, terminal)


def _window_share(flags: np.ndarray, before: int, after: int) -> np.ndarray:
    """Per line: the share of lines i-before..i+after (clipped to the page) with `flags` set."""
    n = len(flags)
    cs = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(flags, out=cs[1:])
    i = np.arange(n)
    lo, hi = np.maximum(0, i - before), np.minimum(n, i + after + 1)
    return (cs.take(hi) - cs.take(lo)) / (hi - lo)


def _short_runs(short: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive short lines it belongs to (0 if long)."""
    starts = short.copy()
    starts[1:] &= ~short[:-1]
    run = np.cumsum(starts)  # run number of each short line (1-based)
    lengths = np.bincount(run[short], minlength=int(run[-1]) + 1 if len(run) else 1)
    return np.where(short, lengths.take(run), 0)


def _context(texts: list[str], low: str | None, seg: Segments, words: np.ndarray, prose: np.ndarray,
             long_prose: np.ndarray) -> list[np.ndarray]:
    """Block-level context per line: reader comments begun, distance from the main stretch of prose,
    the prose density of a wide window, and how much of the page's prose lies before and after."""
    n = len(texts)
    marks = seg.matching(_COMMENT_MARK, texts, seg.with_words(low, _COMMENT_WORDS), strip=True)
    seen_mark = np.zeros(n, dtype=bool)  # a mark on an earlier line
    seen_mark[1:] = np.logical_or.accumulate(marks)[:-1]
    inside = np.flatnonzero(prose)
    first, last = (int(inside[0]), int(inside[-1])) if len(inside) else (n, -1)
    i = np.arange(n)
    dist = np.where(i < first, first - i, np.where(i > last, i - last, 0))
    prose_words = words * long_prose
    before = np.cumsum(prose_words) - prose_words
    total = float(prose_words.sum()) or 1.0
    most = int(words.max()) or 1
    return [marks, seen_mark, _log1p(dist), _window_share(long_prose, 10, 10), before / total,
            (total - before - prose_words) / total, words / most]


def feature_matrix(page: PageLines, labelled: tuple[list[bool], list[str]] | None = None) -> np.ndarray:
    """The features of all lines of `page` at once: a (lines, features) array, columns in the order of
    `feature_names(page.blocks is not None)`.

    `labelled`: what text.py's labeller already found for these lines (a caller that labelled the
    page they came from, blank lines and all: the same labels as of the lines joined), per line:
    whether it keeps the line and the boilerplate pattern naming it (see classify.py); further
    items are ignored.
    """
    texts = page.texts
    n = len(texts)
    if not n:
        return np.zeros((0, len(feature_names(page.blocks is not None))))
    if labelled is None:
        prose_list = [lab.keep for lab in label_lines("\n".join(texts))]
        reasons = [pattern_reason(t) for t in texts]
    else:
        prose_list, reasons = labelled[0], labelled[1]
    doc = "\n".join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    ends = np.cumsum(lengths + 1) - 1
    seg = Segments(ends - lengths, ends)
    low = lowered(doc)
    own = _own_columns(texts, doc, low, seg, reasons)
    words = own.words
    prose = np.fromiter(prose_list, dtype=bool, count=n)
    counts = Counter(texts)
    dups = np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=n)
    long_prose = (words >= 10) & own.terminal
    cols = [
        np.arange(n) / max(1, n - 1),
        prose,
        np.minimum(dups - 1, 3) / 3,
        np.minimum(_short_runs((words <= 4) & ~own.terminal), 10) / 10,
        _window_share(long_prose, 3, 3),
        np.full(n, math.log1p(n)),
        *_context(texts, low, seg, words, prose, long_prose),
    ]
    width = len(feature_names(page.blocks is not None))
    out = np.zeros((n, width), dtype=np.float64)
    k = own.matrix.shape[1]
    out[:, :k] = own.matrix
    for col in cols:
        out[:, k] = col
        k += 1
    near = own.matrix[:, [OWN_NAMES.index(name) for name in NEIGHBOUR]]
    m = len(NEIGHBOUR)
    for shift in (-1, 1, -2, 2):  # prev, next, prev2, next2; zeros beyond the page
        if shift < 0:
            out[-shift:, k : k + m] = near[: n + shift]
        else:
            out[: n - shift, k : k + m] = near[shift:]
        k += m
    if page.blocks is not None:
        out[:, k:] = _block_columns(page)
    return out


def _block_columns(page: PageLines) -> list[list[float]]:
    blocks = page.blocks or []
    n = len(blocks)
    rows = []
    for i, b in enumerate(blocks):
        rows.append([
            1.0 if b.tag == "p" else 0.0,
            1.0 if b.tag in ("li", "dd", "dt") else 0.0,
            1.0 if b.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "title") else 0.0,
            1.0 if b.tag in ("td", "th", "tr") else 0.0,
            1.0 if b.tag in ("a", "span", "") else 0.0,
            b.link_share,
            1.0 if b.boiler_class else 0.0,
            1.0 if b.content_class else 0.0,
            1.0 if b.in_extractor else 0.0,
            1.0 if page.extractor_used else 0.0,
            *(1.0 if 0 <= j < n and blocks[j].in_extractor else 0.0 for j in (i - 1, i + 1)),
        ])  # fmt: skip
    return rows


def line_features(page: PageLines, labelled: tuple[list[bool], list[str]] | None = None) -> list[list[float]]:
    """feature_matrix as one list of floats per line."""
    return feature_matrix(page, labelled).tolist()
