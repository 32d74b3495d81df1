"""The line features, computed for a whole page at once (features.feature_matrix), equal those of a
plain per-line computation (the reference below, the shape the features were first written in)."""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pytest

from auditor import chars as C
from auditor.clean import features as F
from auditor.clean.features import PageLines, feature_matrix, line_features
from auditor.clean.lines import words_of
from auditor.clean.text import _TERMINAL, label_lines, pattern_reason


def _own(s: str) -> list[float]:
    words = words_of(s)
    n = len(words)
    alpha = F._ALPHA_WORD.findall(s)
    chars = len(s)
    stop = sum(w.lower() in F.STOP_WORDS for w in words)
    return [
        math.log1p(n), math.log1p(chars), 1.0 if _TERMINAL.search(s) else 0.0, stop / n if n else 0.0,
        sum(w[0].isupper() for w in alpha) / len(alpha) if alpha else 0.0,
        sum(c.isupper() for c in s) / chars if chars else 0.0,
        len(F._DIGIT.findall(s)) / chars if chars else 0.0, len(F._PUNCT.findall(s)) / chars if chars else 0.0,
        min(len(F._SEPARATOR.findall(s)), 5) / 5, 1.0 if F._URLISH.search(s) else 0.0,
        1.0 if F._DATEISH.search(s) else 0.0, 1.0 if F._BULLET.match(s) else 0.0,
        1.0 if pattern_reason(s) else 0.0, s.count(",") / n if n else 0.0, 1.0 if n <= 4 else 0.0,
        1.0 if 5 <= n <= 9 else 0.0, sum(len(w) for w in words) / n / 10 if n else 0.0,
    ]  # fmt: skip


def reference(texts: list[str]) -> list[list[float]]:
    n = len(texts)
    prose = [lab.keep for lab in label_lines("\n".join(texts))]
    own = [_own(t) for t in texts]
    words = [len(words_of(t)) for t in texts]
    short = [w <= 4 and not _TERMINAL.search(t) for t, w in zip(texts, words, strict=True)]
    runs = [0] * n
    for i in range(n):
        if short[i]:
            lo = hi = i
            while lo > 0 and short[lo - 1]:
                lo -= 1
            while hi < n - 1 and short[hi + 1]:
                hi += 1
            runs[i] = hi - lo + 1
    long_prose = [1.0 if w >= 10 and _TERMINAL.search(t) else 0.0 for t, w in zip(texts, words, strict=True)]
    marks = [1.0 if F._COMMENT_MARK.match(t.strip()) else 0.0 for t in texts]
    inside = [i for i, p in enumerate(prose) if p]
    first, last = (inside[0], inside[-1]) if inside else (n, -1)
    prose_words = [w * lp for w, lp in zip(words, long_prose, strict=True)]
    total = sum(prose_words) or 1.0
    stamps = [1.0 if w <= 10 and F._STAMP.search(t) else 0.0 for t, w in zip(texts, words, strict=True)]
    headline = [1.0 if 4 <= w <= 20 and not _TERMINAL.search(t) else 0.0 for t, w in zip(texts, words, strict=True)]
    stretches, run = [], []  # runs of long prose lines, one other line between two allowed
    for i in range(n):
        if long_prose[i]:
            if run and i - run[-1] > 2:
                stretches.append(run)
                run = []
            run.append(i)
    stretches += [run] if run else []
    core = max(stretches, key=lambda r: (sum(words[i] for i in r), -r[0]), default=[])
    c_first, c_last = (core[0], core[-1]) if core else (0, -1)
    core_words = sum(words[i] for i in core)
    idx = [F.OWN_NAMES.index(name) for name in F.NEIGHBOUR]
    rows = []
    for i, t in enumerate(texts):
        lo, hi = max(0, i - 3), min(n, i + 4)
        wlo, whi = max(0, i - 10), min(n, i + 11)
        dist = 0 if first <= i <= last else (first - i if i < first else i - last)
        before = sum(prose_words[:i])
        row = own[i] + [
            i / max(1, n - 1), 1.0 if prose[i] else 0.0, min(texts.count(t) - 1, 3) / 3, min(runs[i], 10) / 10,
            sum(long_prose[lo:hi]) / (hi - lo), math.log1p(n), marks[i], max(marks[:i], default=0.0),
            math.log1p(dist), sum(long_prose[wlo:whi]) / (whi - wlo), before / total,
            (total - before - prose_words[i]) / total, words[i] / (max(words) or 1),
            stamps[i], sum(stamps[max(0, i - 5) : i + 6]) / (min(n, i + 6) - max(0, i - 5)),
            sum(headline[lo:hi]) / (hi - lo), sum(headline[max(0, i - 8) : i + 9]) / (min(n, i + 9) - max(0, i - 8)),
            math.log1p(c_first - i if i < c_first else i - c_last if i > c_last else 0), 1.0 if i > c_last else 0.0,
            core_words / (sum(prose_words) or 1),
        ]  # fmt: skip
        for j in (i - 1, i + 1, i - 2, i + 2):
            row += [own[j][k] for k in idx] if 0 <= j < n else [0.0] * len(idx)
        rows.append(row)
    return rows


PROSE = "The council voted on Tuesday to expand the bus network into the northern districts of the town."
PAGES = {
    "one line": ["Just one line here."],
    "empty strings": ["", "", ""],
    "blank only": [" ", "\t", "\u3000"],
    "menu then prose": ["Home", "News", "Sport", PROSE, PROSE + " It did.", "Share on Facebook", "Related Posts"],
    "unicode": ["Ünïcödé ŝtüff — «quoted» text, it says “hello”.", "日本語のテキストです。", "Σίσυφος ΣΟΦΟΣ.",
                "ǅemal Ⅻ ½ ² ٣ 𝟘 _under_ score", "\u00a0padded\u2003", PROSE],
    "folds to ascii": ["İstanbul cookie policy: accept", "\u212aelvin sign in", "\u017fhare on twitter",
                       "ı log in now", "The \u212aey said: ſays", PROSE],
    "unstripped and CR": ["  leading", "trailing.  ", "\tcarriage\r", "a\r\nb", "x" * 5000 + ".", PROSE],
    "stamps": ["Nick A", "2 days ago at 07:52 am", PROSE, "Rating: 36 Votes", "Reply", "32M ago", PROSE + " Yes.",
               "x", PROSE, "Share", "1H ago", "Published 7:05 AM EST", "Breaking news from the council today", PROSE],
    "many patterns": ["Share this on Facebook | Twitter | Email » Print", "Log in or register. We use cookies.",
                      "© 2020 All rights reserved", "Read more", "12/03/2020 www.example.com @user.name",
                      "March 3, 2021", "2020-01-02", "- bullet one", "• bullet", "12) numbered", "34 comments",
                      "John says:", "Leave a Reply", "Join the discussion", "http://x.org", PROSE, PROSE],
    "long lines": [("word " * 3000).strip(), "The " * 2000 + "end.", "a" * 10000, PROSE],
    "stop words": ["THE Of AnD tO a In iS tHaT", "there their these them then thence", "a_b the_ 3the i I", PROSE],
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_features_equal_the_per_line_reference(name):
    texts = PAGES[name]
    got = feature_matrix(PageLines(texts))
    want = np.asarray(reference(texts), dtype=np.float64)
    assert got.shape == (len(texts), len(F.feature_names(False)))
    assert np.array_equal(got, want), [F.feature_names(False)[k] for k in np.nonzero(got != want)[1]]
    assert line_features(PageLines(texts)) == want.tolist()


def test_no_lines_no_features():
    assert feature_matrix(PageLines([])).shape == (0, len(F.feature_names(False)))
    assert line_features(PageLines([])) == []


def test_character_classes_are_those_of_the_regexes_over_all_of_unicode():
    """feature_matrix counts regex character classes per character: the flags must be the regexes'."""
    chars = "".join(map(chr, range(sys.maxunicode + 1)))
    flags, cp = C.char_classes(chars)
    assert len(flags) == len(chars) and cp[0x10FFFF] == 0x10FFFF

    def where(rx: str) -> np.ndarray:
        out = np.zeros(len(chars), dtype=bool)
        out[[m.start() for m in re.finditer(rx, chars)]] = True
        return out

    def flag(bit: int) -> np.ndarray:
        return (flags & bit) != 0

    assert np.array_equal(flag(C.WORD_CHAR), where(r"\w"))
    assert np.array_equal(flag(C.SPACE), where(r"\s"))
    assert np.array_equal(flag(C.DECIMAL), where(r"\d"))
    assert np.array_equal(flag(C.ALPHA), where(r"[^\W\d_]"))
    assert np.array_equal(flag(C.SEP), where(F._SEPARATOR.pattern))
    assert np.array_equal(flag(C.UPPER), np.array([c.isupper() for c in chars]))
    terminal = _TERMINAL.pattern.removesuffix(r"\s*$")
    assert re.fullmatch(terminal, "x") is None and all(re.fullmatch(terminal, c) for c in C.TERMINALS)
    assert len(C.TERMINALS) == 9 and np.array_equal(flag(C.SPACE), np.array([c.isspace() for c in chars]))
    for text in ["", " ", "end.", "end. \u3000", "end.x", "»", "a\u2019\t"]:  # _TERMINAL: the last solid character
        assert C.ends_sentence(text) == (_TERMINAL.search(text) is not None)


def test_only_ascii_letters_and_the_kelvin_sign_lower_case_to_ascii_letters():
    """Stop words are found as runs of ASCII letters (features._stop_counts): no other character
    lower-cases to ASCII letters, the Kelvin sign's k is in no stop word, and no character is both a word
    character and space (features: punctuation is what is neither)."""
    ascii_lower = set("abcdefghijklmnopqrstuvwxyz")
    odd = [c for c in map(chr, range(128, sys.maxunicode + 1)) if set(c.lower()) <= ascii_lower and c.lower()]
    assert odd == ["\u212a"] and not any("k" in w for w in F.STOP_WORDS)
    assert all(set(w) <= ascii_lower for w in F.STOP_WORDS)
    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and re.match(r"\w", c)]


def test_stop_words_fit_the_eight_bytes_a_word_is_looked_up_by():
    """features._stop_counts reads a word's first 8 bytes as a number: a longer stop word would never be found."""
    assert max(map(len, F.STOP_WORDS)) <= 8


@pytest.mark.parametrize("name", sorted(name for name, lines in PAGES.items() if any(t.strip() for t in lines)))
def test_features_of_a_labelled_page_equal_the_reference_of_its_stripped_lines(name):
    """classify_lines takes the features from text.py's labelled page (features.page_features: its
    counts over unstripped lines, blank lines between): they must be the reference's of the page's
    non-blank lines, stripped."""
    from auditor.clean.text import label_page

    lines = PAGES[name]
    text = "\n".join(f" {t}\t" if k % 2 else t for k, t in enumerate(lines)) + "\n\n  \n" + "\n".join(lines[::-1])
    page = label_page(text)
    idx = [i for i, t in enumerate(page.stripped) if t]
    want = np.asarray(reference([page.stripped[i] for i in idx]), dtype=np.float64)
    got = F.page_features(page, idx)
    assert np.array_equal(got, want), [F.feature_names(False)[k] for k in np.nonzero(got != want)[1]]


def test_packed_class_counts_equal_one_sum_per_class():
    """chars.Segments.counts sums four classes per uint64 (texts under 2**16 characters) and one class
    at a time beyond: both must be the per-line counts of each class."""
    for text in ["\n".join(PAGES["unicode"] + PAGES["many patterns"]), "Ab cD\n\n" + "Ǆx Yz, » 1 " * 7000]:
        flags, _ = C.char_classes(text)
        lines = text.split("\n")
        seg = C.Segments.joined(lines)
        assert [text[a:b] for a, b in zip(seg.starts.tolist(), seg.ends.tolist(), strict=True)] == lines
        want = [[sum(c.isupper() for c in t), len(re.findall(r"\d", t)), len(re.findall(r"\w", t)),
                 len(re.findall(r"\s", t)), len(re.findall(r"[^\W\d_]+", t)),
                 sum(w[0].isupper() for w in re.findall(r"[^\W\d_]+", t)), len(F._SEPARATOR.findall(t)),
                 len(re.findall(r"\w+", t))] for t in lines]  # fmt: skip
        assert seg.counts(flags).tolist() == want
    assert len(text) > C.PACKED_MAX


PATTERN_PAGE = [
    "Home", "  Share on Facebook ", "Tweet", "pinned to the top of the page, this note explains the rules.",
    "Log in", "Forgot your password?", "We use cookies to improve your experience.", "COOKIE POLICY: we use them",
    "© 2024 Example Media", "(C) Example", "Read more", "5 min read", "Tags: buses, trains", "Leave a Reply",
    "Your email address will not be published.", "Example is not responsible for the content of external sites.",
    PROSE, "", "   ", "Search", "Related Posts", "Latest news from the town hall, tagged and filed.",
]


@pytest.mark.parametrize("extra", ["", "\u017fhare on Twitter", "\u0130f you log in", "Cooкie settings: accept",
                                   "Ünïcödé Σ SIGN IN"])
def test_page_pattern_reasons_equal_each_lines_pattern_reason(extra):
    """text.py finds pattern reasons for a whole page (a pattern tried only on lines whose lower case
    holds one of its words); they must be pattern_reason's of each line, with characters that fold
    to ASCII (the whole page falls back to the per-line test) and without."""
    from auditor.clean.text import label_lines_with_reasons

    page = "\n".join([*PATTERN_PAGE, extra, *PATTERN_PAGE[::-1]])
    _labels, reasons, counts = label_lines_with_reasons(page)
    lines = page.split("\n")
    assert reasons == [pattern_reason(line) for line in lines]
    assert counts == [len(words_of(line)) for line in lines]
    assert sum(map(bool, reasons)) >= 20


def test_word_count_of_a_long_text_counts_the_words_findall_finds():
    """lines.word_count counts runs of word characters in texts of 300 characters or more: the count must
    be that of \\w+ (words_of) on every kind of text, the whole of Unicode included."""
    from auditor.clean.lines import word_count

    every = "".join(map(chr, range(0, sys.maxunicode + 1, 7)))
    texts = [every, " " + every, "\n".join(PAGES["unicode"] * 9), "x" * 400, " " * 400, "a_b 3c " * 60,
             "\n".join(PAGES["folds to ascii"] * 9), "Ab" * 149 + " cd", "Ab" * 150 + " cd"]  # fmt: skip
    for text in texts:
        assert word_count(text) == len(words_of(text)), text[:40]
    assert word_count(texts[0]) > 100


def test_dates_are_the_two_forms_apart_and_their_prefilters_miss_none():
    """features tries _DATE_NUMBERS and _DATE_WORDS, each on the lines its prefilter names: a line must
    match _DATEISH exactly when it matches either, and every such line must be named (page_features)."""
    from auditor.clean.text import label_page

    assert F._DATEISH.pattern == (r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
                                  r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})\b")
    lines = ["12/03/2020", "on 1.2.99 we", "2020-01-02", "x2020-01-02", "March 3, 2021", "MAR. 3 2021", "sept 30, 1999",
             "Decemberish 12 2000", "mayor 5 2020", "in 2020 we", "3.5 times", "a 1/2 cup", "Posted Jan 5, 2019.",
             "jan 5, 20199", "\u212aelvin Jan 5, 2019", "\u017fept 5, 2019", "İn May 5, 2019", "Mayo 12 2000 x",
             "Ünïcödé May 5, 2019", "12-12-12", "1-1-1", "on 12 March 2020", "ſep 1, 2000"]  # fmt: skip
    for line in lines:
        assert (F._DATEISH.search(line) is not None) == (
            F._DATE_NUMBERS.search(line) is not None or F._DATE_WORDS.search(line) is not None), line
    for text in ["\n".join(lines), "\n".join(lines[:14] + lines[19:])]:  # with and without characters folding to ASCII
        page = label_page(text)
        idx = [i for i, t in enumerate(page.stripped) if t]
        got = F.page_features(page, idx)[:, F.OWN_NAMES.index("date")]
        want = [1.0 if F._DATEISH.search(page.stripped[i]) else 0.0 for i in idx]
        assert got.tolist() == want and sum(want) >= 8
