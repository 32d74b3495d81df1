"""The checks a rule can run: each measures one number on a text.

A check takes the text's `TextStats` and its own parameters and returns a
`Measure` (the value, and the spans it concerns). Whether the value is out of
bounds is decided by the rule's `min`/`max`, which every check accepts.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from auditor.document import Span
from auditor.score.signals import (
    TextStats,
    fast_duplicated_ngram_chars,
    fast_top_ngram_chars,
    repeat_indices,
)


class Measure:
    """What a check measured: the value, where in the text, and what it saw (for the evidence).

    Spans and detail may be given as `explain`, a function returning (spans, detail) that runs
    only when they are read: most texts pass most rules, and a passing rule reports nothing, so
    the offsets and the evidence of what a check saw are built only for the rules that fire.
    (A small class rather than a dataclass: `spans` and `detail` are properties over that.)
    """

    __slots__ = ("value", "_spans", "_detail", "_explain")

    def __init__(
        self, value: float, spans: list[Span] | None = None, detail: dict[str, Any] | None = None,
        explain: Callable[[], tuple[list[Span], dict[str, Any]]] | None = None,
    ) -> None:
        self.value = value
        self._spans = spans
        self._detail = detail
        self._explain = explain

    def _resolve(self) -> None:
        if self._explain is not None:
            spans, detail = self._explain()
            self._explain = None
            self._spans = spans if self._spans is None else self._spans
            self._detail = detail if self._detail is None else {**detail, **self._detail}

    @property
    def spans(self) -> list[Span]:
        self._resolve()
        if self._spans is None:
            self._spans = []
        return self._spans

    @property
    def detail(self) -> dict[str, Any]:
        self._resolve()
        if self._detail is None:
            self._detail = {}
        return self._detail

    def __repr__(self) -> str:
        return f"Measure(value={self.value!r})"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    func: Callable[..., Measure]
    params: dict[str, Any]  # the check's own parameters and their defaults (type = default's type)
    unit: str
    description: str
    raw: Callable[..., Measure] | None = None  # the measuring function itself, without the memo
    # (low, high) bounds on the value from what the text's stats already hold, or None: lets a rule
    # that cannot fire skip the measure (`Rule.evaluate`); never changes a value or a finding
    bound: Callable[[TextStats, dict[str, Any]], tuple[float, float] | None] | None = None

    def measured(self, s: TextStats, key: tuple[Any, ...], options: dict[str, Any]) -> Measure:
        """`func(s, **options)` for a caller that holds `memo_key(name, options)` already (a rule
        computes it once at load, not once per text)."""
        found = s.memo.get(key)
        if found is None:
            found = s.memo[key] = self.raw(s, **options) if self.raw is not None else self.func(s, **options)
        return found  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        """A registered check pickles by name (to process-pool and Ray workers, which have the same
        registries): its `func` is a memo wrapper that pickle cannot find under its own name."""
        from auditor.score.source_checks import SOURCE_CHECKS

        for registry, checks in (("document", CHECKS), ("source", SOURCE_CHECKS)):
            if checks.get(self.name) is self:
                return _registered_check, (registry, self.name)
        return Check, (self.name, self.func, self.params, self.unit, self.description, self.raw, self.bound)


def _registered_check(registry: str, name: str) -> Check:
    """The check of that name in its registry (the other side of `Check.__reduce__`)."""
    if registry == "source":
        from auditor.score.source_checks import SOURCE_CHECKS

        return SOURCE_CHECKS[name]
    return CHECKS[name]


CHECKS: dict[str, Check] = {}


def memo_key(name: str, options: dict[str, Any]) -> tuple[Any, ...]:
    """The key a check's measure is remembered under, per set of options."""
    # (inlined `_key`: this runs per rule and text where a caller passes options, as `auditor filter` does)
    return (name, *sorted([(k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()]))


def check(name: str, unit: str, **params: Any) -> Callable[[Callable[..., Measure]], Callable[..., Measure]]:
    """Register a check. Its measure is remembered on the text's `TextStats` per set of options,
    so rules (and T100's sub-checks) that ask again get the same Measure without re-measuring."""

    def register(func: Callable[..., Measure]) -> Callable[..., Measure]:
        @functools.wraps(func)
        def remembered(s: TextStats, **options: Any) -> Measure:
            key = memo_key(name, options)
            found = s.memo.get(key)
            if found is None:
                found = s.memo[key] = func(s, **options)
            return found

        CHECKS[name] = Check(name, remembered, params, unit, (func.__doc__ or "").strip(), func)
        return remembered

    return register


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


# ---------------------------------------------------------------- Gopher quality
@check("word_count", "words")
def word_count(s: TextStats) -> Measure:
    """Words, not counting tokens made of symbols only."""
    return Measure(s.word_count)


@check("mean_word_length", "characters")
def mean_word_length(s: TextStats) -> Measure:
    """Mean length of the words, in characters."""
    return Measure(_ratio(s.word_chars, s.word_count))


@check("symbol_word_ratio", "per word", symbols=["#", "...", "…"])
def symbol_word_ratio(s: TextStats, symbols: list[str]) -> Measure:
    """Occurrences of the given symbols per word."""
    return Measure(_ratio(sum(map(s.text.count, symbols)), s.word_count))


@check("bullet_line_ratio", "share of lines", bullets=["•", "-", "*", "‣", "◦"])
def bullet_line_ratio(s: TextStats, bullets: list[str]) -> Measure:
    """Share of lines that start with a bullet."""
    marks = tuple(bullets)
    # A line's start is the same stripped or left-stripped unless a bullet holds a space.
    spaced = any(ch.isspace() for mark in marks for ch in mark)
    lines = list(map(str.lstrip, s.raw_lines)) if spaced else s.stripped_lines
    hits = list(map(str.startswith, lines, repeat(marks))).count(True)
    return Measure(_ratio(hits, s.line_count))


@check("ellipsis_line_ratio", "share of lines")
def ellipsis_line_ratio(s: TextStats) -> Measure:
    """Share of lines that end with an ellipsis."""
    hits = s.lines_ending(("...", "…"))
    return Measure(_ratio(int(hits.sum()), s.line_count),
                   explain=lambda: (s.line_spans(np.flatnonzero(hits)[:20]), {}))


@check("alpha_word_ratio", "share of words")
def alpha_word_ratio(s: TextStats) -> Measure:
    """Share of words with at least one letter."""
    return Measure(_ratio(s.word_count - s.no_letter_words, s.word_count))


@check("stop_word_count", "stop words", stop_words=["the", "be", "to", "of", "and", "that", "have", "with"])
def stop_word_count(s: TextStats, stop_words: list[str]) -> Measure:
    """How many of the given stop words occur in the text (distinct)."""
    return Measure(s.has_lower_words(stop_words))


# ---------------------------------------------------------------- Gopher repetition
def _line_repeats(s: TextStats) -> Callable[[], tuple[list[Span], dict[str, Any]]]:
    return lambda: (s.line_spans(repeat_indices(s.stripped_lines)), {})


def _paragraph_repeats(s: TextStats) -> Callable[[], tuple[list[Span], dict[str, Any]]]:
    def explain() -> tuple[list[Span], dict[str, Any]]:
        starts, ends, _ = s.paragraph_table
        return [Span(starts[i], ends[i]) for i in repeat_indices(s.paragraph_keys)], {}

    return explain


@check("duplicate_line_ratio", "share of lines")
def duplicate_line_ratio(s: TextStats) -> Measure:
    """Share of lines that repeat an earlier line."""
    n, _ = s.line_repeats
    return Measure(_ratio(n, s.line_count), explain=_line_repeats(s))


@check("duplicate_paragraph_ratio", "share of paragraphs")
def duplicate_paragraph_ratio(s: TextStats) -> Measure:
    """Share of paragraphs that repeat an earlier paragraph."""
    keys = s.paragraph_keys
    n, _ = s.paragraph_repeats
    return Measure(_ratio(n, len(keys)), explain=_paragraph_repeats(s))


@check("duplicate_line_char_ratio", "share of characters", exclude_newlines=False)
def duplicate_line_char_ratio(s: TextStats, exclude_newlines: bool) -> Measure:
    """Share of characters in lines that repeat an earlier line (FineWeb: newlines not counted)."""
    _, chars = s.line_repeats
    total = len(s.text) - s.newlines if exclude_newlines else len(s.text)
    return Measure(_ratio(chars, total), explain=_line_repeats(s))


@check("duplicate_paragraph_char_ratio", "share of characters")
def duplicate_paragraph_char_ratio(s: TextStats) -> Measure:
    """Share of characters in paragraphs that repeat an earlier paragraph."""
    _, chars = s.paragraph_repeats
    return Measure(_ratio(chars, len(s.text)), explain=_paragraph_repeats(s))


@check("top_ngram_char_ratio", "share of characters", n=2)
def top_ngram_char_ratio(s: TextStats, n: int) -> Measure:
    """Share of characters covered by the most frequent word n-gram."""
    return Measure(_ratio(fast_top_ngram_chars(s, n), s.lower_word_chars))


@check("duplicated_ngram_char_ratio", "share of characters", n=5)
def duplicated_ngram_char_ratio(s: TextStats, n: int) -> Measure:
    """Share of characters inside word n-grams that occur more than once."""
    return Measure(_ratio(fast_duplicated_ngram_chars(s, n), s.lower_word_chars))


def _no_repeated_line_bound(s: TextStats, options: dict[str, Any]) -> tuple[float, float] | None:
    """(0, 0) where no line repeats: a repeated paragraph's lines, stripped, each repeat an earlier
    line, so without repeated lines no paragraph repeats (the line counts are the line rules')."""
    if options:
        return None
    return (0.0, 0.0) if s.line_repeats[0] == 0 else None


for _name in ("duplicate_paragraph_ratio", "duplicate_paragraph_char_ratio"):
    CHECKS[_name] = dataclasses.replace(CHECKS[_name], bound=_no_repeated_line_bound)


def _top_ngram_bound(s: TextStats, options: dict[str, Any]) -> tuple[float, float] | None:
    """The most frequent n-gram occurs at most as often as the rarest of its words (each occurrence
    puts each of its words at a distinct place), so its characters times its count are at most, over
    every window of n words, the window's characters times its rarest word's count (0 under 2: a
    top n-gram seen once counts 0). Word counts, no n-grams: most texts skip the n-gram work."""
    n = options.get("n")
    if not isinstance(n, int) or n < 1 or set(options) != {"n"}:
        return None
    if s.has_grams(n):  # the measure itself is at hand
        return None
    counts, cum = s.word_count_profile
    windows = len(counts) - n + 1
    if windows <= 0:
        return (0.0, 0.0)
    rarest = _rarest_in_windows(s, n)
    chars = cum[n:] - cum[:windows]
    best = int((chars * rarest)[rarest >= 2].max(initial=0))
    return (0.0, _ratio(best, s.lower_word_chars))


def _rarest_in_windows(s: TextStats, n: int) -> np.ndarray:
    """Per window of n words, the count of its rarest word; from the windows of n - 1 (remembered
    on the text's stats: the bounds for n = 2, 3, 4 build on each other)."""
    key = ("rarest_in_windows", n)
    found = s.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    counts, _ = s.word_count_profile
    windows = len(counts) - n + 1
    if n == 1:
        out = counts
    else:
        out = np.minimum(_rarest_in_windows(s, n - 1)[:windows], counts[n - 1 : n - 1 + windows])
    s.memo[key] = out
    return out


CHECKS["top_ngram_char_ratio"] = dataclasses.replace(CHECKS["top_ngram_char_ratio"], bound=_top_ngram_bound)


def _duplicated_ngram_bound(s: TextStats, options: dict[str, Any]) -> tuple[float, float] | None:
    """The share for n is at most the share for any m < n: every word inside a repeated n-gram is
    inside a repeated m-gram (its first m words, or its last m for the tail). So the measures for
    smaller n already taken bound it, as does the one for n - 1 where its n-grams are at hand (the
    Gopher 2..4-gram rules number them): most texts then skip the 5..10-gram work altogether."""
    n = options.get("n")
    if not isinstance(n, int) or set(options) != {"n"}:
        return None
    high = None
    for m in range(1, n):
        found = s.memo.get(("duplicated_ngram_char_ratio", ("n", m)))
        if found is not None:
            high = found.value if high is None else min(high, found.value)
    if n >= 2 and s.has_grams(n - 1) and ("duplicated_ngram_char_ratio", ("n", n - 1)) not in s.memo:
        value = duplicated_ngram_char_ratio(s, n=n - 1).value  # remembered, as the rule for n - 1 would
        high = value if high is None else min(high, value)
    if high is None and n >= 1:
        # Every word of a repeated n-gram occurs at least twice, so the n-gram lies in a run of at
        # least n consecutive words that each occur twice or more: those runs' characters bound it.
        starts, ends, chars = s.repeated_word_runs
        high = _ratio(int(chars[(ends - starts) >= n].sum()), s.lower_word_chars)
    return None if high is None else (0.0, high)


CHECKS["duplicated_ngram_char_ratio"] = dataclasses.replace(
    CHECKS["duplicated_ngram_char_ratio"], bound=_duplicated_ngram_bound)


# Further check families register themselves on import (they use `check` and `Measure` above).
from auditor.score import checks_template, checks_web  # noqa: E402,F401
