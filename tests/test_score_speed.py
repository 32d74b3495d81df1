"""The fast measures (NumPy n-grams, joined regexes, shared intermediate results) equal the
straightforward definitions they replace, and T100 shares its sub-checks' measures."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from auditor.score.checks import CHECKS
from auditor.score.checks_template import _heading_key, _is_heading
from auditor.score.checks_web import _any_pattern
from auditor.score.signals import (
    TextStats,
    duplicated_ngram_chars,
    fast_duplicated_ngram_chars,
    fast_top_ngram_chars,
    top_ngram_chars,
)

TEXTS = [
    "",
    "one",
    "the the the the",
    "Buy now! buy NOW, buy now... best price best price best price.\n\n- a\n- a\n",
    "ΟΔΟΣ οδός Σ. İstanbul ſ K — “quoted” 'words' (here) [1] and_under 3.5 ½ ² ... … ## ** --",
    "a b c d e f a b c d e f g a b c d e f g h " * 3,
    "x y " * 40 + "z " * 7,
]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocab = ["a", "b", "The", "the.", "c,", "--", "(d)", "e", "", "f!", "g"]
    return [" ".join(rng.choice(vocab[: rng.randint(2, len(vocab))]) for _ in range(rng.randint(0, 80)))
            for _ in range(n)]


def _reference_tokens(text: str) -> tuple[list[str], list[str], list[str]]:
    """The round-one definitions: regex tokens, \\w-bearing words, per-token lowercase and strip."""
    tokens = re.findall(r"\S+", text)
    words = [t for t in tokens if re.search(r"\w", t)]
    lower = [w.lower().strip(".,;:!?\"'()[]{}“”‘’«»") for w in tokens]
    return tokens, words, lower


@pytest.mark.parametrize("text", TEXTS + _random_texts(7, 120))
def test_fast_ngram_measures_equal_the_counter_definitions(text):
    s = TextStats(text)
    tokens, words, lower = _reference_tokens(text)
    assert (s.tokens, s.words, s.lower_words) == (tokens, words, lower)
    for n in range(2, 11):
        assert fast_top_ngram_chars(s, n) == top_ngram_chars(lower, n)
        assert fast_duplicated_ngram_chars(s, n) == duplicated_ngram_chars(lower, n)


def test_top_ngram_ties_go_to_the_earliest_ngram_as_counter_does():
    text = "aa b aa b cccc d cccc d"  # both 2-grams occur twice; the first one is shorter
    assert Counter([("aa", "b"), ("aa", "b")]).most_common(1)[0][0] == ("aa", "b")
    assert fast_top_ngram_chars(TextStats(text), 2) == top_ngram_chars(text.split(), 2) == 6


@pytest.mark.parametrize("line", ["## Key Takeaways:", "  **The   Conclusion**  ", "Foo_bar\u00a0#baz", "", "a\tb"])
def test_heading_key_equals_the_regex_definition(line):
    assert _heading_key(line) == re.sub(r"[\s#*:_]+", " ", line).strip().lower()
    assert _is_heading(line) == (0 < len(line.split()) <= 15 and not line.strip().endswith(
        (".", "?", "!", ",", ";", '"', "”")) and not re.match(r"^\s*(?:[-•*‣◦–]|\d{1,2}[.)])\s+", line.strip())
        and "|" not in line)


@pytest.mark.parametrize("patterns", [
    [r"^(share|tweet) this", r"\bnewsletter\b", r"^follow us\b", r"^comments?$"],
    [r"^a|b"],  # an alternation that is not anchored as a whole
    [r"(a)\1", r"^x"],  # a back-reference: patterns are searched one by one
])
@pytest.mark.parametrize("line", ["Share this", "our NEWSLETTER", "xx follow us", "comments", "aa", "cb", "x"])
def test_joined_patterns_match_as_the_patterns_one_by_one(patterns, line):
    expected = any(re.search(p, line, re.IGNORECASE) for p in patterns)
    assert _any_pattern(patterns)(line) == expected


def test_a_check_is_measured_once_per_text_and_options():
    s = TextStats("## Key Takeaways\n\nIt is crucial to act. It is essential to plan.\n\n## Conclusion\n")
    chk = CHECKS["formulaic_headings"]
    first = chk.func(s, **chk.params)
    total = CHECKS["templated_signal_count"]
    total.func(s, **total.params)
    assert chk.func(s, **chk.params) is first  # T100 reused the T101 measure instead of measuring again
    other = chk.func(s, **{**chk.params, "min_generic": 1})
    assert other is not first
