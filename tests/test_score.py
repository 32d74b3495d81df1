"""The fast per-text measures (line table, C-speed word counts, prefilters) equal the straightforward
definitions they replace, on edge cases: empty, one word, Unicode, very long lines, odd whitespace."""

from __future__ import annotations

import random
import re

import pytest

from auditor.score.checks import CHECKS
from auditor.score.checks_template import _BULLET, _STOP, _WORD, _content, _heading_key, _is_heading, _lower_all
from auditor.score.checks_web import _C4_REASONS, _SENTENCE_END, _c4_codes, _c4_reason, _required_strings
from auditor.score.signals import TextStats, duplicates, fast_paragraphs
from auditor.segment import lines, paragraphs

EDGE = [
    "",
    " ",
    "\n\n\n",
    "one",
    "...",
    "x" * 3000,
    ("word " * 2500 + "\n") * 2,
    "a\r\nb\r\n\x0b\x1c c \u2028 d\u00a0e\n\n \t\n\nf",
    "ΟΔΟΣ οδός Σ. İstanbul ſubscribe K — “quoted” 'words' (here) [1] and_under 3.5 ½ ² ... … ## ** --",
    "Key Takeaways\n\n- It is crucial to act.\n- It's essential to act.\n\n| A | B |\n|---|---|\n"
    "| nice thing | good stuff |\n| other thing | more stuff |\n\nThe Conclusion\n",
    "Share on Facebook\nSubscribe to our newsletter\n  All rights reserved.  \n© 2020\nTags: a, b\n"
    "Javascript is off. [citation needed]\nOur privacy policy[1] applies.\n- \n* x\n1. item\n",
    "Detailed Analysis of the Strategic Implications\n\nThe 3key-role impact analysis, key/role.\n\n"
    "Strategic Insights Key Impacts Future Role\n",
    # a block whose only line over the wrapping width is blank (no-break spaces): one paragraph
    "short line\n" + "\u00a0" * 300 + "\nanother short line\n\nnext",
    "short line\n" + "x" * 300 + "\nanother short line",  # a wide line: each line its own paragraph
]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocab = ["a", "b", "The", "the.", "c,", "--", "(d)", "", "f!", "\n", "\n\n", "\n \n", "- ", "| x |", "…",
             "...", "#", "Conclusion\n", "\u00a0", "İ", "ß", "Σ", "2021", "{", "it is crucial to", "Share this\n",
             " \t", "x" * 120, "“q”", "_", "'", "analysis", "Key", "impact", "[1]", "javascript", "NEWSLETTER"]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 120))) for _ in range(n)]


TEXTS = EDGE + _random_texts(11, 60)


@pytest.mark.parametrize("text", TEXTS)
def test_line_table_and_paragraphs_equal_segment(text):
    s = TextStats(text)
    ref = lines(text)
    assert s.raw_lines == [p.text for p in ref]
    assert s.stripped_lines == [p.text.strip() for p in ref]
    assert [s.line_piece(i) for i in range(len(ref))] == ref
    assert [(sp.start, sp.end) for sp in s.line_spans(list(range(len(ref))))] == [(p.start, p.end) for p in ref]
    assert s.line_word_counts.tolist() == [len(p.text.split()) for p in ref]
    assert fast_paragraphs(text) == paragraphs(text)
    assert s.paragraph_keys == [p.text.strip() for p in paragraphs(text)]


@pytest.mark.parametrize("text", TEXTS)
def test_word_counts_equal_the_regex_definitions(text):
    s = TextStats(text)
    words = [t for t in re.findall(r"\S+", text) if re.search(r"\w", t)]
    assert s.word_count == len(words)
    assert s.word_chars == sum(map(len, words))
    assert s.no_letter_words == sum(1 for w in words if not re.search(r"[^\W\d_]", w))
    stop = ["the", "be", "to", "of", "and", "that", "have", "with", "a"]
    assert s.has_lower_words(stop) == len(set(s.lower_words) & set(stop))


@pytest.mark.parametrize("text", TEXTS)
def test_line_checks_equal_per_line_definitions(text):
    s = TextStats(text)
    ref = lines(text)
    n = len(ref)
    # C4: every line's reason as _c4_reason gives it, and sentences counted line by line.
    codes = _c4_codes(s).tolist()
    assert [_C4_REASONS[c] for c in codes] == [_c4_reason(p.text.strip(), True, 3, 1000, ["terms of use",
        "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]) for p in ref]
    kept = [p for p, c in zip(ref, codes, strict=True) if c == 0]
    chk = CHECKS["c4_sentence_count"]
    assert chk.func(s, **chk.params).value == sum(max(1, len(_SENTENCE_END.findall(p.text))) for p in kept)
    # Gopher line shares and repeats.
    value = CHECKS["bullet_line_ratio"].func(s, bullets=["•", "-", "*"]).value
    assert value == (sum(p.text.lstrip().startswith(("•", "-", "*")) for p in ref) / n if n else 0.0)
    reps = duplicates(ref)
    m = CHECKS["duplicate_line_char_ratio"].func(s, exclude_newlines=False)
    assert m.value == (reps[1] / len(text) if text else 0.0)
    assert [(sp.start, sp.end) for sp in m.spans] == [(p.start, p.end) for p in reps[2][:20]]
    preps = duplicates(paragraphs(text))
    m = CHECKS["duplicate_paragraph_ratio"].func(s)
    assert [(sp.start, sp.end) for sp in m.spans] == [(p.start, p.end) for p in preps[2][:20]]


BOILERPLATE = [r"^(share|tweet) this", r"\b(newsletter|unsubscribe)\b", r"^follow us\b", r"\ball rights reserved\b",
               r"\b(we|this site) uses? cookies\b", r"^(comments?|\d+ comments?)$", r"(?:ab)+c?"]


@pytest.mark.parametrize("text", TEXTS)
def test_pattern_lines_equal_searching_each_line(text):
    s = TextStats(text)
    got = CHECKS["pattern_line_count"].func(s, patterns=BOILERPLATE, max_words=12)
    want = [p for p in lines(text) if len(p.text.split()) <= 12
            and any(re.search(pat, p.text.strip(), re.IGNORECASE) for pat in BOILERPLATE)]
    assert got.value == len(want)
    assert [(sp.start, sp.end) for sp in got.spans] == [(p.start, p.end) for p in want[:20]]


def test_required_strings_are_in_every_match():
    assert _required_strings([r"\b(newsletter|unsubscribe)\b", r"x*y"]) == {"newsletter", "unsubscribe", "y"}
    assert _required_strings([r"[a-z]+"]) is None  # no literal: no prefilter
    # IGNORECASE equates ſ with s and K (Kelvin) with k, which str.lower() does not: still found.
    s = TextStats("ſubscribe to the newsletter now\nUNSUBSCRIBE here")
    assert CHECKS["pattern_line_count"].func(s, patterns=[r"\bunsubscribe\b"], max_words=12).value == 1
    s = TextStats("our newſletter")
    assert CHECKS["pattern_line_count"].func(s, patterns=[r"newsletter"], max_words=12).value == 1


def _reference_headings(text: str, min_generic: int = 2) -> list[tuple[int, str]]:
    from auditor.score.checks_template import FORMULAIC_HEADINGS, GENERIC_HEADING_WORDS

    stock, generic, out = set(FORMULAIC_HEADINGS), set(GENERIC_HEADING_WORDS), []
    for p in lines(text):
        if not _is_heading(p.text.strip()):
            continue
        if _heading_key(p.text.strip()) in stock:
            out.append((p.start, "stock title"))
            continue
        words = _lower_all(_WORD.findall(p.text.strip()))
        found = [w for w in words if w in generic]
        if len(found) >= min_generic and len(words) >= 3:
            out.append((p.start, "generic words: " + ", ".join(found)))
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_headings_equal_checking_every_line(text):
    s = TextStats(text)
    chk = CHECKS["formulaic_headings"]
    for min_generic in (0, 1, 2, 3):
        m = chk.func(s, **{**chk.params, "min_generic": min_generic})
        ref = _reference_headings(text, min_generic)
        assert m.value == len(ref)
        assert [(sp.start, h["why"]) for sp, h in zip(m.spans, m.detail["headings"], strict=False)] == ref[:10]


def _reference_restated(text: str, min_overlap: float = 0.5, min_words: int = 8) -> float:
    paras = paragraphs(text)
    tail = []
    for p in reversed(lines(text)):
        if not _BULLET.match(p.text):
            break
        tail.append(p)
    units, start = (tail[::-1], tail[-1].start) if len(tail) >= 2 else (
        ([paras[-1]], paras[-1].start) if len(paras) >= 3 else ([], len(text)))
    units = [u for u in units if len(_content(u.text)) >= min_words]
    body = [_content(p.text) for p in paras if p.end <= start]
    if not units or not body:
        return 0.0
    hits = sum(1 for u in units if max(len(_content(u.text) & b) / len(_content(u.text)) for b in body) >= min_overlap)
    return hits / len(units)


RESTATED = [
    "The council approved the new library budget after a long debate on Tuesday night.\n\n"
    "Several residents spoke about parking near the river and the old mill site.\n\n"
    "- The council approved the new library budget after a long debate on Tuesday.\n"
    "- Residents spoke about parking near the river and the old mill, at length.\n",
    "Intro paragraph about 3d-modelling and the co-op's plans for 2024 expansion work.\n\n"
    "The co-op's 3d-modelling plans for expansion work in 2024 were approved quickly.\n\n"
    "In short: the co-op's 3d-modelling plans for 2024 expansion work were approved.",
]


@pytest.mark.parametrize("text", TEXTS + RESTATED)
def test_restated_summary_equals_comparing_every_paragraph(text):
    s = TextStats(text)
    chk = CHECKS["restated_summary"]
    assert chk.func(s, **chk.params).value == _reference_restated(text)
    for overlap in (0.2, 0.9):
        assert chk.func(s, **{**chk.params, "min_overlap": overlap}).value == _reference_restated(text, overlap)


def test_measures_of_passing_rules_build_no_spans():
    s = TextStats("Just one plain line of prose that ends well.")
    m = CHECKS["short_line_ratio"].func(s, max_chars=30)
    assert m._explain is not None  # nothing built yet
    assert m.spans == [] and m.detail == {"lines": 1, "short": 0}
    assert _STOP  # the shared stop list is what _content uses
