"""The word table (one NumPy pass over the code points) equals the `str` definitions it replaces:
token bounds as `str.split`, Gopher's word and letter counts by regex, the lowercased stripped
words, and ids that group exactly the equal words; a forced hash clash falls back, never merges."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from auditor.score import signals, wordtable
from auditor.score.signals import _STRIP, TextStats, fast_top_ngram_chars
from auditor.score.wordtable import word_table

TEXTS = [
    "",
    " \n\t ",
    "one",
    "The cat. the CAT, (the) cat!! ... … “cat” — 3.5 ½ ² _ __ a_b",
    "ΟΔΟΣ οδός Σ. ΣΑΣ σας ſ K — «quoted» 'words' [1] and_under ## ** -- ... ....................",
    "a\u00a0b\u2003c\u3000d \x1c e\x1df\x1eg\x1fh\x85i\u2028j\u2029k\u202fl\u205fm\u1680n end",
    "Straße STRASSE ǅemal ǆ ǈ ﬁne ﬃ ÅNGSTRÖM Ångström",
    "..... ,,,, () [] {} '' \"\" a. .a .a. ..a.. ...",
    "line one\nline two here\n\n\n  indented line  \n\ttabbed\tline\t\nlast",
    "x" * 3000 + " " + "." * 40 + "y" + "." * 40 + " " + "!" * 30,
]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocab = ["a", "B", "The", "the.", "c,", "--", "(d)", "é", "É.", "", "f!", "\n", "\n\n", " ", "ß", "Σ",
             "σς", "_", "1", "½", "“x”", "..", "«", "\u00a0", "\t", "ǅ"]
    return ["".join(rng.choice(vocab) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(0, 90)))
            for _ in range(n)]


def _reference(text: str) -> dict:
    tokens = text.split()
    words = [t for t in tokens if re.search(r"\w", t)]
    lower = [t.strip(_STRIP) for t in text.lower().split()]
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return {
        "tokens": len(tokens), "word_count": len(words), "word_chars": sum(map(len, words)),
        "no_letter": sum(1 for w in words if not re.search(r"[^\W\d_]", w)), "lower": lower,
        "line_words": [len(ln.split()) for ln in lines],
    }


@pytest.fixture(params=["table", "str"])
def path(request, monkeypatch):
    """Run a test with every text on the word table (from 0 characters) or on the str path."""
    monkeypatch.setattr(signals, "_TABLE_FROM", 0 if request.param == "table" else 10**12)
    return request.param


@pytest.mark.parametrize("text", TEXTS + _random_texts(3, 150))
def test_word_table_measures_equal_the_str_definitions(text, path):
    ref = _reference(text)
    s = TextStats(text)
    assert (s.word_table is not None) == (path == "table")
    assert (s.token_count, s.word_count, s.word_chars, s.no_letter_words) == (
        ref["tokens"], ref["word_count"], ref["word_chars"], ref["no_letter"])
    assert s.lower_word_lengths.tolist() == list(map(len, ref["lower"]))
    assert s.line_word_counts.tolist() == ref["line_words"]
    # ids: equal words, and only those, share an id; the table's ids are dense
    ids = s.word_ids.tolist()
    assert len(set(zip(ids, ref["lower"], strict=True))) == len(set(ref["lower"])) == len(set(ids))
    if s.word_table is not None:
        assert sorted(set(ids)) == list(range(len(set(ids))))
    for w in {*ref["lower"], "the", "cat", "", "zzz", "Cat", "ς", "σ"}:
        assert s.has_word(w) == (w in ref["lower"]), w


def test_texts_that_need_the_str_path_still_measure_the_same(path):
    text = "İstanbul 𝐁old 😀 words here, the words."  # lowercase of İ is longer; beyond the BMP
    assert word_table(text, text.lower(), _STRIP) is None
    ref = _reference(text)
    s = TextStats(text)
    assert (s.word_count, s.word_chars, s.lower_word_lengths.tolist()) == (
        ref["word_count"], ref["word_chars"], list(map(len, ref["lower"])))


def test_a_hash_clash_is_caught_by_the_comparison_and_falls_back(monkeypatch):
    monkeypatch.setattr(signals, "_TABLE_FROM", 0)
    # With a length-only hash every word of a length collides: the table must refuse, not merge.
    text = "abc abd abc xyz"
    monkeypatch.setattr(wordtable, "_B", np.uint64(1))
    monkeypatch.setattr(wordtable, "_power_table", lambda size: (np.zeros(size + 1, np.uint64),) * 2)
    assert word_table(text, text, _STRIP) is None
    s = TextStats(text)
    assert s.word_table is None
    assert len(set(s.word_ids.tolist())) == 3 and s.has_word("abd") and not s.has_word("abe")


def _many_words_text(seed: int) -> str:
    """~300 distinct words (ids need 9 bits: 5-grams pack into one integer, 8-grams do not) with
    repeated passages, so that both ways of numbering n-grams directly have work to do."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)]
    passage = [rng.choice(words) for _ in range(12)]
    out: list[str] = []
    for _ in range(40):
        out += [rng.choice(words) for _ in range(rng.randint(3, 30))]
        if rng.random() < 0.5:
            out += passage[: rng.randint(4, 12)]
    return " ".join(out + words)


@pytest.mark.parametrize("seed", range(6))
def test_ngrams_numbered_directly_packed_or_word_by_word_equal_the_definitions(seed, path):
    from auditor.score.signals import duplicated_ngram_chars, fast_duplicated_ngram_chars, top_ngram_chars

    text = _many_words_text(seed)
    lower = [t.strip(_STRIP) for t in text.lower().split()]
    assert TextStats(text).word_ids.max() >= 256  # 9 bits per id
    for n in (2, 3, 5, 7, 8, 10):  # 5 and 7 pack (<= 63 bits); 8 and 10 go word by word
        s = TextStats(text)
        assert s._ngrams_direct(n).pos.tolist() == sorted(s._ngrams_direct(n).pos.tolist())
        assert fast_duplicated_ngram_chars(s, n) == duplicated_ngram_chars(lower, n)
        assert fast_top_ngram_chars(TextStats(text), n) == top_ngram_chars(lower, n)


def test_stripped_characters_are_those_whose_lowercase_is_stripped():
    # word_table tests the original characters for the marks to strip, and the lowercased ones
    # for the hash: the same wherever a character lowercases to one character (the table's texts)
    strip = set(_STRIP)
    for code in range(0x10000):
        ch = chr(code)
        low = ch.lower()
        if len(low) == 1:
            assert (ch in strip) == (low in strip), hex(code)


@pytest.mark.parametrize("text", [
    "  - item one\n-item\n1. first\n12) second\n123. third\n-\t\n*  star\n\n   \n7.x\n• dot\n– dash",
    "plain\nlines only\n9\n9 \n 9. nine\n",
    "٣. Arabic-Indic digit\n- ascii bullet\n߁) NKo digit",  # non-ASCII decimal digits: the regex path
])
def test_bullet_lines_equal_the_regex_on_every_line(text):
    from auditor.score.checks_template import _BULLET, _bullet_lines

    s = TextStats(text)
    assert _bullet_lines(s).tolist() == [_BULLET.match(line) is not None for line in s.raw_lines]


@pytest.mark.parametrize("patterns", [
    [r"^(share|tweet) this", r"^(copyright|©)", r"^(leave a (reply|comment)|comments?|\d+ comments?)$", r"\bnews\b"],
    [r"^\bfollow us\b", r"^[A-Cx-z]+:", r"^(?:tags|filed under):"],
    [r"^(a)?b", r"^x*y", r"^\w+ here", r"^[^q]x"],  # starts the prefilter cannot tell: every line tried
    [r"^K", r"^ſ", r"^st"],  # non-ASCII letters that fold to ASCII ones ignoring case
])
def test_anchored_patterns_prefiltered_by_first_character_match_as_the_regex(patterns):
    from auditor.score.checks_web import _match_lines

    rng = random.Random(5)
    pieces = ["share this", "Tweet This", "copyright 2024", "© me", "12 comments", "comment", "Leave a reply",
              "follow us", "FOLLOW US now", "ABC: x", "z:", "tags: a", "Filed under: b", "b", "ab", "xxy", "y",
              "kilo", "Kelvin", "st", "ST", "sx", "qx", "word here", "news", "-", "9"]
    lines = [rng.choice(pieces) + rng.choice(["", " x", "!"]) for _ in range(300)]
    text = "\n".join(lines)
    expected = [any(re.search(p, line, re.IGNORECASE) for p in patterns) for line in lines]
    assert _match_lines(patterns, lines, text) == expected
    assert _match_lines(patterns, lines, text + " ΟΔΟΣ") == expected  # not ASCII: every line tried


@pytest.mark.parametrize("text", [
    "", "One. Two. Three.", "a line without an end\nanother one here.\n\nThird line is kept! Yes? Yes.",
    "Kept line one here.\nKept line two here.\nKept line three.\nKept four here now.\nKept five here now.",
    "x.\n" * 3 + "A sentence. Another sentence. A third one here.\n" * 2,
])
def test_c4_sentence_count_is_at_least_its_bound_and_q304_fires_as_without_it(text):
    from auditor.score import load_rules
    from auditor.score.checks import CHECKS

    chk = CHECKS["c4_sentence_count"]
    s = TextStats(text)
    low, high = chk.bound(s, {"terminal_punct": True, "min_words": 3})
    assert low <= chk.func(s, terminal_punct=True, min_words=3).value <= high
    q304 = load_rules().get("Q304")
    fired = q304.evaluate(TextStats(text))
    value = q304.measure(TextStats(text)).value
    assert (fired is not None) == (value < q304.min)


def test_no_repeated_line_means_no_repeated_paragraph():
    # the premise of the paragraph rules' bound, on texts of varied paragraph shapes
    rng = random.Random(9)
    pieces = ["alpha beta", "  alpha beta", "gamma", "x" * 120, "delta\u00a0", "\t", "", " \x0b "]
    for _ in range(400):
        text = "\n".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 12)))
        s = TextStats(text)
        if s.line_repeats[0] == 0:
            assert s.paragraph_repeats == (0, 0), repr(text)
