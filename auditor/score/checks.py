"""The checks a rule can run: each measures one number on a text.

A check takes the text's `TextStats` and its own parameters and returns a
`Measure` (the value, and the spans it concerns). Whether the value is out of
bounds is decided by the rule's `min`/`max`, which every check accepts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import filterfalse
from typing import Any

from auditor.document import Span
from auditor.score.signals import TextStats, duplicates, fast_duplicated_ngram_chars, fast_top_ngram_chars


@dataclass(slots=True)
class Measure:
    """What a check measured: the value, where in the text, and what it saw (for the evidence)."""

    value: float
    spans: list[Span] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    func: Callable[..., Measure]
    params: dict[str, Any]  # the check's own parameters and their defaults (type = default's type)
    unit: str
    description: str


CHECKS: dict[str, Check] = {}


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def check(name: str, unit: str, **params: Any) -> Callable[[Callable[..., Measure]], Callable[..., Measure]]:
    """Register a check. Its measure is remembered on the text's `TextStats` per set of options,
    so rules (and T100's sub-checks) that ask again get the same Measure without re-measuring."""

    def register(func: Callable[..., Measure]) -> Callable[..., Measure]:
        @functools.wraps(func)
        def remembered(s: TextStats, **options: Any) -> Measure:
            key = (name, *sorted((k, _key(v)) for k, v in options.items()))
            found = s.memo.get(key)
            if found is None:
                found = s.memo[key] = func(s, **options)
            return found

        CHECKS[name] = Check(name, remembered, params, unit, (func.__doc__ or "").strip())
        return remembered

    return register


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


# ---------------------------------------------------------------- Gopher quality
@check("word_count", "words")
def word_count(s: TextStats) -> Measure:
    """Words, not counting tokens made of symbols only."""
    return Measure(len(s.words))


@check("mean_word_length", "characters")
def mean_word_length(s: TextStats) -> Measure:
    """Mean length of the words, in characters."""
    return Measure(_ratio(sum(map(len, s.words)), len(s.words)))


@check("symbol_word_ratio", "per word", symbols=["#", "...", "…"])
def symbol_word_ratio(s: TextStats, symbols: list[str]) -> Measure:
    """Occurrences of the given symbols per word."""
    return Measure(_ratio(sum(s.text.count(sym) for sym in symbols), len(s.words)))


@check("bullet_line_ratio", "share of lines", bullets=["•", "-", "*", "‣", "◦"])
def bullet_line_ratio(s: TextStats, bullets: list[str]) -> Measure:
    """Share of lines that start with a bullet."""
    hits = [ln for ln in s.lines if ln.text.lstrip().startswith(tuple(bullets))]
    return Measure(_ratio(len(hits), len(s.lines)))


@check("ellipsis_line_ratio", "share of lines")
def ellipsis_line_ratio(s: TextStats) -> Measure:
    """Share of lines that end with an ellipsis."""
    hits = [ln for ln in s.lines if ln.text.rstrip().endswith(("...", "…"))]
    return Measure(_ratio(len(hits), len(s.lines)), [Span(ln.start, ln.end) for ln in hits[:20]])


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@check("alpha_word_ratio", "share of words")
def alpha_word_ratio(s: TextStats) -> Measure:
    """Share of words with at least one letter."""
    # A word of letters only has a letter (isalpha is cheap); only the others need the search.
    others = list(filterfalse(str.isalpha, s.words))
    no_letter = list(map(_LETTER.search, others)).count(None)
    return Measure(_ratio(len(s.words) - no_letter, len(s.words)))


@check("stop_word_count", "stop words", stop_words=["the", "be", "to", "of", "and", "that", "have", "with"])
def stop_word_count(s: TextStats, stop_words: list[str]) -> Measure:
    """How many of the given stop words occur in the text (distinct)."""
    present = set(s.lower_words) & set(stop_words)
    return Measure(len(present))


# ---------------------------------------------------------------- Gopher repetition
@check("duplicate_line_ratio", "share of lines")
def duplicate_line_ratio(s: TextStats) -> Measure:
    """Share of lines that repeat an earlier line."""
    n, _, reps = duplicates(s.lines)
    return Measure(_ratio(n, len(s.lines)), [Span(p.start, p.end) for p in reps[:20]])


@check("duplicate_paragraph_ratio", "share of paragraphs")
def duplicate_paragraph_ratio(s: TextStats) -> Measure:
    """Share of paragraphs that repeat an earlier paragraph."""
    n, _, reps = duplicates(s.paragraphs)
    return Measure(_ratio(n, len(s.paragraphs)), [Span(p.start, p.end) for p in reps[:20]])


@check("duplicate_line_char_ratio", "share of characters", exclude_newlines=False)
def duplicate_line_char_ratio(s: TextStats, exclude_newlines: bool) -> Measure:
    """Share of characters in lines that repeat an earlier line (FineWeb: newlines not counted)."""
    _, chars, reps = duplicates(s.lines)
    total = len(s.text) - s.text.count("\n") if exclude_newlines else len(s.text)
    return Measure(_ratio(chars, total), [Span(p.start, p.end) for p in reps[:20]])


@check("duplicate_paragraph_char_ratio", "share of characters")
def duplicate_paragraph_char_ratio(s: TextStats) -> Measure:
    """Share of characters in paragraphs that repeat an earlier paragraph."""
    _, chars, reps = duplicates(s.paragraphs)
    return Measure(_ratio(chars, len(s.text)), [Span(p.start, p.end) for p in reps[:20]])


@check("top_ngram_char_ratio", "share of characters", n=2)
def top_ngram_char_ratio(s: TextStats, n: int) -> Measure:
    """Share of characters covered by the most frequent word n-gram."""
    return Measure(_ratio(fast_top_ngram_chars(s, n), s.lower_word_chars))


@check("duplicated_ngram_char_ratio", "share of characters", n=5)
def duplicated_ngram_char_ratio(s: TextStats, n: int) -> Measure:
    """Share of characters inside word n-grams that occur more than once."""
    return Measure(_ratio(fast_duplicated_ngram_chars(s, n), s.lower_word_chars))


# Further check families register themselves on import (they use `check` and `Measure` above).
from auditor.score import checks_template, checks_web  # noqa: E402,F401
