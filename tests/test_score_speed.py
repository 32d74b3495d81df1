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


def _rule_findings_without_bounds(rules, text):
    """Every document rule measured in full (no bound may skip one), as dicts."""
    s = TextStats(text)
    out = []
    for r in rules:
        if r.scope != "document":
            continue
        value = r.measure(s).value
        if (r.min is not None and value < r.min) or (r.max is not None and value > r.max):
            out.append(r.evaluate(TextStats(text)).to_dict())
    return out


BOUND_TEXTS = [
    "",
    "word",
    "a b c d e " * 30,  # every n-gram repeats: the 5..10-gram rules all fire
    "one two three four five six seven eight nine ten eleven " * 2 + "fresh words follow here now",
    " ".join(f"w{i}" for i in range(400)) + " a b c d a b c d",  # repeated 4-grams, no repeated 5-gram
    "x y z w v u " * 3 + " ".join(f"t{i}" for i in range(300)),  # 6-grams repeat, 7-grams once, 0.1 share
]


@pytest.mark.parametrize("text", BOUND_TEXTS + _random_texts(11, 40))
def test_rules_skipped_by_a_bound_would_not_have_fired(text):
    from auditor.score import load_rules

    rules = load_rules()
    s = TextStats(text)
    fired = [f.to_dict() for f in rules.evaluate(None, s)]  # type: ignore[arg-type]
    assert fired == _rule_findings_without_bounds(rules, text)


def test_duplicated_ngram_share_never_grows_with_n():
    # the bound's premise: a word inside a repeated n-gram is inside a repeated (n-1)-gram
    for text in BOUND_TEXTS + _random_texts(5, 60):
        lower = _reference_tokens(text)[2]
        values = [duplicated_ngram_chars(lower, n) for n in range(1, 12)]
        assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("text", [
    "", "It is crucial to act. it’s crucial to plan; IT IS ESSENTIAL TO see",
    "bit is crucial tone (it is worth noting)", "delve into, delves into a myriad of things multifaceted",
    "a testament to\na testament to", "in today’s fast-paced world, in today's fast-paced one",
    "it is\u00a0crucial to", "ΟΔΟΣ it is important to note, it is important to note.",
    # phrases searched only where a word they share occurs (importance, shockwaves, delve, complex)
    "Underscoring the importance and the importance of transparency; sending shockwaves, sent shockwaves",
    "importance alone, shockwaves alone, delved, complexity: none of the phrases", "DELVES INTO the complexities",
])
def test_stock_phrases_found_as_by_searching_every_phrase(text):
    from auditor.score.checks_template import STOCK_PHRASES

    low = text.lower().replace("’", "'")
    expected = sorted(
        (at, at + len(ph)) for ph in STOCK_PHRASES for at in range(len(low)) if low.startswith(ph, at)
    )
    chk = CHECKS["stock_phrase_rate"]
    m = chk.func(TextStats(text), **chk.params)
    assert m.detail["count"] == len(expected)
    assert [(sp.start, sp.end) for sp in m.spans] == expected[:20]


@pytest.mark.parametrize("text", [
    "Our privacy policy.\nJavaScript is off here now.\nno policy\nPrivacy Policy and Terms of Use apply here.",
    "x\n\nuse cookies\n  we USE COOKIES today.\n", "İ privacy policy\nΣ javascript", "plain text. with nothing.",
])
def test_c4_policy_and_javascript_lines_as_line_by_line(text):
    from auditor.score.checks_web import C4_POLICY, _c4_codes, _c4_reason

    s = TextStats(text)
    expected = [_c4_reason(line, True, 3, 1000, C4_POLICY) for line in s.stripped_lines]
    from auditor.score.checks_web import _C4_REASONS

    assert [_C4_REASONS[c] for c in _c4_codes(s).tolist()] == expected


@pytest.mark.parametrize("text", TEXTS + BOUND_TEXTS + _random_texts(13, 80))
def test_ngrams_worked_out_without_the_smaller_n_equal_the_definitions(text):
    lower = _reference_tokens(text)[2]
    for n in range(2, 11):
        s = TextStats(text)  # fresh: no smaller n worked out, so n > 2 is numbered directly
        assert fast_duplicated_ngram_chars(s, n) == duplicated_ngram_chars(lower, n)
        assert fast_top_ngram_chars(TextStats(text), n) == top_ngram_chars(lower, n)
        assert fast_top_ngram_chars(s, n + 1) == top_ngram_chars(lower, n + 1)  # then built on n


@pytest.mark.parametrize("text", BOUND_TEXTS + _random_texts(17, 60))
def test_ngram_bounds_hold(text):
    from auditor.score.checks import _duplicated_ngram_bound, _top_ngram_bound

    lower = _reference_tokens(text)[2]
    chars = sum(map(len, lower))
    for n in range(1, 11):
        low, high = _top_ngram_bound(TextStats(text), {"n": n})
        assert low <= (top_ngram_chars(lower, n) / chars if chars else 0.0) <= high
        low, high = _duplicated_ngram_bound(TextStats(text), {"n": n})
        assert low <= (duplicated_ngram_chars(lower, n) / chars if chars else 0.0) <= high
