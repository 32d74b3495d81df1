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
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from auditor.clean.lines import words_of
from auditor.clean.text import _TERMINAL, label_lines, pattern_reason

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


def _own(s: str, words: list[str], pattern: bool) -> list[float]:
    """A line's own features; `words` its \\w+ words, `pattern` whether a boilerplate pattern names it."""
    n = len(words)
    alpha = _ALPHA_WORD.findall(s)
    chars = len(s)
    upper_first = sum([w[0].isupper() for w in alpha])
    stop = sum(map(STOP_WORDS.__contains__, map(str.lower, words)))
    return [
        math.log1p(n),
        math.log1p(chars),
        1.0 if _TERMINAL.search(s) else 0.0,
        stop / n if n else 0.0,
        upper_first / len(alpha) if alpha else 0.0,
        sum(map(str.isupper, s)) / chars if chars else 0.0,
        len(_DIGIT.findall(s)) / chars if chars else 0.0,
        len(_PUNCT.findall(s)) / chars if chars else 0.0,
        min(len(_SEPARATOR.findall(s)), 5) / 5,
        1.0 if _URLISH.search(s) else 0.0,
        1.0 if _DATEISH.search(s) else 0.0,
        1.0 if _BULLET.match(s) else 0.0,
        1.0 if pattern else 0.0,
        s.count(",") / n if n else 0.0,
        1.0 if n <= 4 else 0.0,
        1.0 if 5 <= n <= 9 else 0.0,
        sum(map(len, words)) / n / 10 if n else 0.0,
    ]


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


def _short_runs(texts: list[str], words: list[int], short_words: int = 4) -> list[int]:
    """For each line, the length of the run of consecutive short lines it belongs to (0 if long)."""
    short = [w <= short_words and not _TERMINAL.search(t) for t, w in zip(texts, words)]
    out = [0] * len(texts)
    i = 0
    while i < len(texts):
        if not short[i]:
            i += 1
            continue
        j = i
        while j < len(texts) and short[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out


def _context(texts: list[str], words: list[int], prose: list[bool], long_prose: list[float]) -> list[list[float]]:
    """Block-level context per line: reader comments begun, distance from the main stretch of prose,
    the prose density of a wide window, and how much of the page's prose lies before and after."""
    n = len(texts)
    marks = [1.0 if _COMMENT_MARK.match(t.strip()) else 0.0 for t in texts]
    inside = [i for i, p in enumerate(prose) if p]
    first, last = (inside[0], inside[-1]) if inside else (n, -1)
    prose_words = [w * lp for w, lp in zip(words, long_prose, strict=True)]
    total = sum(prose_words) or 1.0
    most = max(words) or 1
    out: list[list[float]] = []
    seen_mark, before = 0.0, 0.0
    for i in range(n):
        lo, hi = max(0, i - 10), min(n, i + 11)
        dist = 0 if first <= i <= last else (first - i if i < first else i - last)
        out.append([
            marks[i], seen_mark, math.log1p(dist), sum(long_prose[lo:hi]) / (hi - lo), before / total,
            (total - before - prose_words[i]) / total if total else 0.0, words[i] / most,
        ])  # fmt: skip
        seen_mark = max(seen_mark, marks[i])
        before += prose_words[i]
    return out


def line_features(page: PageLines, labelled: tuple[list[bool], list[str], list[list[str]]] | None = None,
                  ) -> list[list[float]]:
    """One feature vector per line of `page`, in the order of `feature_names(page.blocks is not None)`.

    `labelled`: what text.py's labeller already found for these lines (a caller that labelled the
    page they came from, blank lines and all: the same labels as of the lines joined), per line:
    whether it keeps the line, the boilerplate pattern naming it, its words (see classify.py).
    """
    texts = page.texts
    n = len(texts)
    if not n:
        return []
    if labelled is None:
        prose = [lab.keep for lab in label_lines("\n".join(texts))]
        reasons = [pattern_reason(t) for t in texts]
        line_words = [words_of(t) for t in texts]
    else:
        prose, reasons, line_words = labelled
    own = [_own(t, w, bool(r)) for t, w, r in zip(texts, line_words, reasons)]
    words = [len(w) for w in line_words]
    counts: dict[str, int] = {}
    for t in texts:
        counts[t] = counts.get(t, 0) + 1
    runs = _short_runs(texts, words)
    long_prose = [1.0 if w >= 10 and _TERMINAL.search(t) else 0.0 for t, w in zip(texts, words)]
    context = _context(texts, words, prose, long_prose)
    idx = [OWN_NAMES.index(name) for name in NEIGHBOUR]
    near = [[o[k] for k in idx] for o in own]
    empty = [0.0] * len(NEIGHBOUR)
    rows: list[list[float]] = []
    for i, t in enumerate(texts):
        lo, hi = max(0, i - 3), min(n, i + 4)
        row = own[i] + [
            i / max(1, n - 1),
            1.0 if prose[i] else 0.0,
            min(counts[t] - 1, 3) / 3,
            min(runs[i], 10) / 10,
            sum(long_prose[lo:hi]) / (hi - lo),
            math.log1p(n),
            *context[i],
        ]
        for j in (i - 1, i + 1, i - 2, i + 2):
            row += near[j] if 0 <= j < n else empty
        if page.blocks is not None:
            b = page.blocks[i]
            row += [
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
            ]
            row += [1.0 if 0 <= j < n and page.blocks[j].in_extractor else 0.0 for j in (i - 1, i + 1)]
        rows.append(row)
    return rows
