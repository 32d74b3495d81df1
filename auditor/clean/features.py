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
line (auditor/chars.py), the other regexes run only on the lines a prefilter names,
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

from auditor.chars import WORD_CHAR, Segments, char_classes, ends_sentence, lowered
from auditor.clean.text import LabelledPage, label_lines, pattern_reason

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
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBER_DATES = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
_WORD_DATES = rf"({'|'.join(_MONTHS)})[a-z]*\.? \d{{1,2}},? \d{{4}}"
_DATEISH = re.compile(rf"\b({_NUMBER_DATES}|{_WORD_DATES})\b", re.IGNORECASE)
# _DATEISH's forms apart, each tried only where it may match: a line matches _DATEISH when it matches either
_DATE_NUMBERS = re.compile(rf"\b({_NUMBER_DATES})\b", re.IGNORECASE)
_DATE_WORDS = re.compile(rf"\b({_WORD_DATES})\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*([-*•·>»▪●◦]|\d+[.)])\s")
# A short line that stamps an item of a list of comments or teasers: a time ("2 days ago", "7:52 am"),
# votes, a reply or share button. Generic list vocabulary, never one site's.
_STAMP = re.compile(
    r"\b\d+\s*(s|m|h|d|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b|"
    r"\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\b|\bvotes?\b|\breply\b|\bshares?\b",
    re.IGNORECASE,
)
_STAMP_WORDS = 10  # at most, for a stamp line
_STAMP_PREFILTER = ("vote", "repl", "share")  # with a digit: what a _STAMP match holds (lower-cased)
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
    "prose_after", "words_vs_page_max", "stamp", "stamp_window", "headline_window", "headline_window_wide",
    "core_distance", "after_core", "core_share",
]  # fmt: skip
HTML_NAMES = [
    "tag_p", "tag_li", "tag_h", "tag_td", "tag_a_or_span", "link_share", "boiler_class", "content_class",
    "in_extractor", "extractor_used",
]  # fmt: skip
NEIGHBOUR = ["log_words", "terminal", "stop_share", "pattern", "very_short"]
_NEAR = [OWN_NAMES.index(name) for name in NEIGHBOUR]


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
# Prefilters, found in the lower-cased page (see chars.lowered): a line without one of the words cannot
# match the pattern (_COMMENT_MARK, _URLISH), so the pattern is not tried on it.
_COMMENT_WORDS = ("comment", "respons", "repl", "reaction", "says", "said", "wrote", "writes", "join the")
_URL_WORDS = ("http", "www.", ".com", "@")


# The fewest digits (\d) a line holds where _DATE_NUMBERS may match ("1/2/20"), and where _DATE_WORDS may
# ("May 1 2020"); and three characters that any match holds, as the lines' prefilters: a digit, "/", "."
# or "-" and a digit (12/03/2020, 2020-03-12); an ASCII letter or "." then " " and a digit ("March 12,
# 2020", with a month)
_DATE_NUMBER_DIGITS = 4
_DATE_WORD_DIGITS = 5
_DATE_NUMBER_HOLDS = re.compile(r"\d[/.-]\d")
_DATE_WORD_HOLDS = re.compile(r"[A-Za-z.] \d")


def _date_candidates(texts: list[str], digits: np.ndarray, low: str | None) -> tuple[list[int], list[int]]:
    """The lines (of `texts`, with `digits` \\d each) that _DATE_NUMBERS may match, and those _DATE_WORDS
    may match (_DATEISH is the two): with enough digits, and the three characters their matches hold;
    the words with a month too. With no character in the page that IGNORECASE folds to ASCII (`low`,
    chars.lowered of the page, not None), [a-z] matches ASCII letters alone, and a lower-cased line holds
    the month; else every line with enough digits may hold the words. Most lines have too few digits
    (a line of one in ten measured has enough), so the prefilters search few lines."""
    numbered = (digits >= _DATE_NUMBER_DIGITS).nonzero()[0].tolist()
    if not numbered:
        return [], []
    by_numbers = [i for i in numbered if _DATE_NUMBER_HOLDS.search(texts[i])]
    worded = [i for i in numbered if digits[i] >= _DATE_WORD_DIGITS]
    if low is None:
        return by_numbers, worded
    return by_numbers, [i for i in worded if _names_month(texts[i].lower()) and _DATE_WORD_HOLDS.search(texts[i])]


def _names_month(low: str) -> bool:
    """Does the lower-cased `low` hold a month's first three letters?"""
    return any(m in low for m in _MONTHS)


def _stamp_candidates(classes: np.ndarray, seg: Segments, low: str | None) -> list[int]:
    """The lines short enough for a stamp that _STAMP may match: each of its forms holds a digit or one
    of _STAMP_PREFILTER (in `low`, chars.lowered of the text; all lines where None)."""
    short = np.flatnonzero(classes[:, 7] <= _STAMP_WORDS).tolist()
    if not short:
        return []
    digits = classes[:, 1].tolist()
    worded = set(seg.with_words(low, _STAMP_PREFILTER))
    return [i for i in short if digits[i] or i in worded]


# Stop words are ASCII letters without a k, and only ASCII letters and the Kelvin sign lower-case to ASCII
# letters (tests/test_clean_features.py): a word is a stop word when it is a run of ASCII letters whose lower
# case is one. The page is spelt as bytes for that, one a character, in which a word's bytes are those of its
# lower case where it is ASCII letters: the lower-cased page (chars.lowered: no Kelvin sign, each character
# lower-cased to one) encoded to ASCII with "?" for the rest; else an ASCII letter as its lower case, any other
# word character "_", anything else " ". A word's first bytes, up to 8 (stop words have at most 5), read as a
# number, are looked up among the stop words' (no Python object a word).
_STOP_BYTES = frozenset(w.encode("ascii") for w in STOP_WORDS)
_STOP_SPELLING = np.array([ord(chr(i).lower()) if chr(i).isalpha() else 95 if chr(i).isalnum() or i == 95 else 32
                           for i in range(128)], dtype=np.uint8)  # fmt: skip
_WORD_SPELLING = np.where((np.arange(256) & WORD_CHAR) != 0, 95, 32).astype(np.uint8)  # by class flags
_STOP_CODES = np.array(sorted(int.from_bytes(w, "little") for w in _STOP_BYTES), dtype=np.uint64)
_FIRST_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)  # masks of a word's first k bytes


def _stop_counts(flags: np.ndarray, cp: np.ndarray, words: np.ndarray, low: str | None) -> np.ndarray:
    """Per line of a text (its characters' class `flags` and code points `cp`, chars.lowered of it `low`; its
    lines hold `words` \\w+ words each, in order): the words whose lower case is a stop word."""
    if low is not None:
        spelling = low.encode("ascii", "replace")
    elif cp.dtype == np.uint8:  # ASCII
        spelling = _STOP_SPELLING.take(cp).tobytes()
    else:
        spelt = _WORD_SPELLING.take(flags)
        ascii_ = cp < 128
        spelt[ascii_] = _STOP_SPELLING.take(cp[ascii_])
        spelling = spelt.tobytes()
    # the words: runs of word characters, from `starts` to `ends`
    word = np.zeros(len(flags) + 2, dtype=bool)
    word[1:-1] = (flags & WORD_CHAR) != 0
    edges = (word[1:] != word[:-1]).nonzero()[0]
    starts, ends = edges[0::2], edges[1::2]
    padded = spelling + b" " * 8  # 8 bytes from any start
    eights = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))  # the 8 bytes from each
    codes = eights.take(starts) & _FIRST_BYTES.take(np.minimum(ends - starts, 8))
    stop = codes == _STOP_CODES.take(np.searchsorted(_STOP_CODES, codes), mode="clip")
    cs = np.zeros(len(stop) + 1, dtype=np.int64)
    cs[1:] = stop.cumsum()
    last = words.cumsum()
    return cs.take(last) - cs.take(last - words)


def _log1p(a: np.ndarray) -> np.ndarray:
    """math.log1p of each non-negative integer of `a`."""
    out = _LOG1P.take(a, mode="clip")  # past the table: its last value, put right below
    big = a >= len(_LOG1P)
    if np.count_nonzero(big):
        out[big] = [math.log1p(v) for v in a[big].tolist()]
    return out


@dataclass(slots=True)
class _LineFacts:
    """What each line's features are worked out from, however it was counted (feature_matrix from the
    lines alone, page_features from text.py's labelled page)."""

    texts: list[str]
    classes: np.ndarray  # (lines, 8) int: chars.Segments.counts of the line
    punct: np.ndarray  # characters neither word nor space (_PUNCT)
    terminal: np.ndarray  # bool: _TERMINAL finds a sentence end
    stop: np.ndarray  # words that are stop words
    prose: np.ndarray  # bool: text.py's labeller keeps the line
    reasons: list[str]  # the boilerplate pattern naming it, or ""
    dated: tuple[list[int], list[int]]  # the lines _DATE_NUMBERS, _DATE_WORDS may match (prefilters')
    urlish: list[int]  # the lines _URLISH may match
    commented: list[int]  # the lines _COMMENT_MARK may match
    stamped: list[int]  # the lines _STAMP may match and that are short enough for a stamp


def _matching(rx: re.Pattern[str], texts: list[str], candidates: list[int], strip: bool = False) -> np.ndarray:
    """Per line: does `rx` find a match in it (`rx.match` of the stripped line with `strip`); tried only
    on the `candidates`, the lines a prefilter says it may match."""
    out = np.zeros(len(texts), dtype=bool)
    for i in candidates:
        out[i] = (rx.match(texts[i].strip()) if strip else rx.search(texts[i])) is not None
    return out


# The OWN_NAMES columns that are shares (x / n, 0.0 where n is 0), in the order _own_columns divides them.
_SHARES = [OWN_NAMES.index(name) for name in (
    "stop_share", "title_share", "upper_share", "digit_share", "punct_share", "commas_per_word", "mean_word_len")]
# What _own_columns counts per line, as the columns of one array: chars.Segments.counts' eight classes
# (upper case, decimal, word characters, space, alpha words, alpha words opening with a capital,
# separators, words), then these.
_N_STOP, _N_PUNCT, _N_COMMAS, _N_CHARS = 8, 9, 10, 11
_N_UPPER, _N_DECIMAL, _N_WORD_CHARS, _N_ALPHA_WORDS, _N_TITLE_WORDS, _N_WORDS = 0, 1, 2, 4, 5, 7
# The shares' parts and wholes (in the order of _SHARES): stop words per word, alpha words opening with a
# capital per alpha word, upper case, digits and punctuation per character, commas per word, word
# characters per word (a tenth of it)
_SHARE_PARTS = np.array([_N_STOP, _N_TITLE_WORDS, _N_UPPER, _N_DECIMAL, _N_PUNCT, _N_COMMAS, _N_WORD_CHARS])
_SHARE_WHOLES = np.array([_N_WORDS, _N_ALPHA_WORDS, _N_CHARS, _N_CHARS, _N_CHARS, _N_WORDS, _N_WORDS])
_LOG_COUNTS = np.array([_N_WORDS, _N_CHARS])  # log_words, log_chars


def _own_columns(facts: _LineFacts, out: np.ndarray) -> None:
    """Each line's own features (OWN_NAMES) into the first columns of `out` (see the reference in
    tests/test_clean_features.py)."""
    texts, classes = facts.texts, facts.classes
    n = len(texts)
    words = classes[:, _N_WORDS]
    counts = np.empty((n, _N_CHARS + 1), dtype=np.int64)
    counts[:, :_N_STOP] = classes
    counts[:, _N_STOP] = facts.stop
    counts[:, _N_PUNCT] = facts.punct
    counts[:, _N_COMMAS] = [t.count(",") for t in texts]
    counts[:, _N_CHARS] = [len(t) for t in texts]
    part, whole = counts.take(_SHARE_PARTS, axis=1), counts.take(_SHARE_WHOLES, axis=1)
    shares = np.divide(part, whole, out=np.zeros(part.shape), where=whole > 0)
    shares[:, -1] /= 10
    out[:, _SHARES] = shares
    out[:, :2] = _log1p(counts.take(_LOG_COUNTS, axis=1))
    out[:, 2] = facts.terminal
    out[:, 8] = np.minimum(classes[:, 6], 5) / 5  # separators
    out[:, 9] = _matching(_URLISH, texts, facts.urlish)
    out[:, 10] = _matching(_DATE_NUMBERS, texts, facts.dated[0]) | _matching(_DATE_WORDS, texts, facts.dated[1])
    out[:, 11] = [_BULLET.match(t) is not None for t in texts]
    out[:, 12] = [bool(r) for r in facts.reasons]
    out[:, 14] = words <= 4
    out[:, 15] = (words >= 5) & (words <= 9)


# The page features that are the share of flagged lines in a window around the line: the column, and the
# lines before and after it in the window (_context passes the flags, one row per window, in this order).
_WINDOWS = [("prose_window", 3, 3), ("prose_window_wide", 10, 10), ("stamp_window", 5, 5),
            ("headline_window", 3, 3), ("headline_window_wide", 8, 8)]
_WINDOW_COLUMNS = [PAGE_NAMES.index(name) for name, _, _ in _WINDOWS]
_WINDOW_BEFORE = np.array([[before] for _, before, _ in _WINDOWS])
_WINDOW_AFTER = np.array([[after] for _, _, after in _WINDOWS])
_WINDOW_ROWS = np.arange(len(_WINDOWS))[:, None]


def _window_shares(flags: np.ndarray) -> np.ndarray:
    """Per window of _WINDOWS (row) and line (column): the share of lines i-before..i+after (clipped to
    the page) with the window's flag (`flags`: a row per window) set. All windows at once: a page's
    lines are few, and the cost is the number of NumPy calls."""
    n = flags.shape[1]
    cs = np.zeros((len(_WINDOWS), n + 1), dtype=np.int64)  # the flags' cumulative sums, from 0
    cs[:, 1:] = flags.cumsum(axis=1)
    i = np.arange(n)
    lo, hi = np.maximum(0, i - _WINDOW_BEFORE), np.minimum(n, i + _WINDOW_AFTER + 1)
    return (cs[_WINDOW_ROWS, hi] - cs[_WINDOW_ROWS, lo]) / (hi - lo)


def _core(long_prose: np.ndarray, words: np.ndarray) -> tuple[int, int, int]:
    """(first, last, words) of the run of long prose lines with the most words, a single other line
    allowed between two of them; (0, -1, 0) without long prose (Finn et al. 2001's densest stretch, on
    prose lines alone)."""
    best = (0, -1, 0)
    at = long_prose.nonzero()[0].tolist()
    counts = words.tolist()
    k = 0
    while k < len(at):
        first = last = at[k]
        total = counts[first]
        k += 1
        while k < len(at) and at[k] - last <= 2:
            last = at[k]
            total += counts[last]
            k += 1
        if total > best[2]:
            best = (first, last, total)
    return best


def _short_runs(short: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive short lines it belongs to (0 if long)."""
    starts = short.copy()
    starts[1:] &= ~short[:-1]
    run = starts.cumsum()  # run number of each short line (1-based)
    lengths = np.bincount(run[short], minlength=int(run[-1]) + 1 if len(run) else 1)
    return np.where(short, lengths.take(run), 0)


def _context(facts: _LineFacts, words: np.ndarray, long_prose: np.ndarray, out: np.ndarray) -> None:
    """Page features per line into the columns of `out` (PAGE_NAMES, in order): position, the rules'
    prose stretch, repeats, menus, prose density, and block-level context: reader comments begun,
    distance from the main stretch of prose, the prose density of a wide window, and how much of the
    page's prose lies before and after."""
    texts = facts.texts
    n = len(texts)
    counts = Counter(texts)
    dups = np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=n)
    marks = _matching(_COMMENT_MARK, texts, facts.commented, strip=True)
    inside = facts.prose.nonzero()[0]
    first, last = (int(inside[0]), int(inside[-1])) if len(inside) else (n, -1)
    i = np.arange(n)
    prose_words = words * long_prose
    upto = prose_words.cumsum()
    before = upto - prose_words
    total = float(upto[-1]) or 1.0  # the page's prose words (1 where none)
    out[:, 0] = i / max(1, n - 1)
    out[:, 1] = facts.prose
    out[:, 2] = np.minimum(dups - 1, 3) / 3
    out[:, 3] = np.minimum(_short_runs((words <= 4) & ~facts.terminal), 10) / 10
    out[:, 5] = math.log1p(n)
    out[:, 6] = marks
    out[1:, 7] = np.logical_or.accumulate(marks)[:-1]  # a mark on an earlier line
    out[:, 8] = _log1p(np.where(i < first, first - i, np.where(i > last, i - last, 0)))
    out[:, 10] = before / total
    out[:, 11] = (total - before - prose_words) / total
    out[:, 12] = words / (int(words.max()) or 1)
    # lists of comments or teasers: stamp lines, and headline-like lines (4-20 words, no sentence end)
    stamps = _matching(_STAMP, texts, facts.stamped)
    out[:, 13] = stamps
    headline = (words >= 4) & (words <= 20) & ~facts.terminal
    # the prose density of a narrow and a wide window, and the density of stamps and of headlines
    out[:, _WINDOW_COLUMNS] = _window_shares(np.array([long_prose, long_prose, stamps, headline, headline])).T
    # the article's core: the run of long prose lines (one other line between two allowed) with most words
    first, last, core = _core(long_prose, words)
    out[:, 17] = _log1p(np.where(i < first, first - i, np.where(i > last, i - last, 0)))
    out[:, 18] = i > last
    out[:, 19] = core / total


def feature_matrix(page: PageLines, labelled: tuple[list[bool], list[str]] | None = None) -> np.ndarray:
    """The features of all lines of `page` at once: a (lines, features) array, columns in the order of
    `feature_names(page.blocks is not None)`.

    `labelled`: what text.py's labeller already found for these lines (a caller that labelled the
    page they came from, blank lines and all: the same labels as of the lines joined), per line:
    whether it keeps the line and the boilerplate pattern naming it; further items are ignored.
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
    flags, cp = char_classes(doc)
    low = lowered(doc)
    classes = seg.counts(flags)
    terminal = np.fromiter(map(ends_sentence, texts), dtype=bool, count=n)
    facts = _LineFacts(
        texts, classes, lengths - classes[:, 2] - classes[:, 3], terminal,
        _stop_counts(flags, cp, classes[:, 7], low), np.fromiter(prose_list, dtype=bool, count=n), reasons,
        _date_candidates(texts, classes[:, 1], low), seg.with_words(low, _URL_WORDS),
        seg.with_words(low, _COMMENT_WORDS),
        _stamp_candidates(classes, seg, low),
    )  # fmt: skip
    return _features(facts, page)


def page_features(page: LabelledPage, idx: list[int]) -> np.ndarray:
    """feature_matrix of the lines `idx` of text.py's labelled `page` (its non-blank lines, stripped),
    from what the labeller counted on the way: a line's characters of each class but space are those of
    its stripped text, and its space characters those of the stripped text plus what strip() removed."""
    text_lines = [lab.line.text for lab in page.labels]
    texts = [page.stripped[i] for i in idx]
    classes = page.classes.take(idx, axis=0)
    full = np.fromiter((len(text_lines[i]) for i in idx), dtype=np.int64, count=len(idx))
    seg = page.seg
    where = {line: k for k, line in enumerate(idx)}

    def kept(lines: list[int]) -> list[int]:
        return [where[i] for i in lines if i in where]

    stop = _stop_counts(page.flags, page.code_points, page.classes[:, 7], page.low).take(idx)
    facts = _LineFacts(
        texts, classes, full - classes[:, 2] - classes[:, 3], np.array([page.terminal[i] for i in idx], dtype=bool),
        stop, np.array([page.labels[i].keep for i in idx], dtype=bool), [page.reasons[i] for i in idx],
        _date_candidates(texts, classes[:, 1], page.low), kept(seg.with_words(page.low, _URL_WORDS)),
        kept(seg.with_words(page.low, _COMMENT_WORDS)), kept(_stamp_candidates(page.classes, seg, page.low)),
    )  # fmt: skip
    return _features(facts, PageLines(texts))


def _features(facts: _LineFacts, page: PageLines) -> np.ndarray:
    n = len(facts.texts)
    out = np.zeros((n, len(feature_names(page.blocks is not None))), dtype=np.float64)
    k = len(OWN_NAMES)
    _own_columns(facts, out)
    words = facts.classes[:, 7]
    _context(facts, words, (words >= 10) & facts.terminal, out[:, k : k + len(PAGE_NAMES)])
    k += len(PAGE_NAMES)
    near = out[:, _NEAR]
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
