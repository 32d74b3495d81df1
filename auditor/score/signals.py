"""Numbers measured on one text, computed once and shared by every rule that needs them."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property
from typing import Any

import numpy as np

from auditor.segment import Piece, lines, paragraphs

_TOKEN = re.compile(r"\S+")
_ALPHA = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDCHAR = re.compile(r"\w", re.UNICODE)


_STRIP = ".,;:!?\"'()[]{}“”‘’«»"


class TextStats:
    """Lazily computed measures of one text (Gopher's definitions, as in datatrove).

    Everything is computed at most once per text and shared by every rule: the token
    lists, the word n-gram ids for all n, and (through `memo`) each check's measure for
    a given set of options, so two rules on one check, or T100 and its sub-checks,
    do the work once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[Any, Any] = {}  # (check, options) -> Measure; intermediate results of checks
        self._grams: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @cached_property
    def tokens(self) -> list[str]:
        # str.split() splits on exactly the characters re's \s matches (Py_UNICODE_ISSPACE), at C speed.
        return self.text.split()

    @cached_property
    def words(self) -> list[str]:
        """Whitespace tokens that are not symbols alone (Gopher's word count)."""
        # isalnum() is \w without the underscore, so most tokens skip the regular expression.
        return [t for t in self.tokens if t.isalnum() or _WORDCHAR.search(t)]

    @cached_property
    def stripped_lines(self) -> list[str]:
        return [ln.text.strip() for ln in self.lines]

    @cached_property
    def lines(self) -> list[Piece]:
        return lines(self.text)

    @cached_property
    def paragraphs(self) -> list[Piece]:
        return paragraphs(self.text)

    @cached_property
    def lower_words(self) -> list[str]:
        # Lowering the whole text then splitting equals lowering each token: lower() never makes
        # or removes whitespace, and its one context rule (final sigma) stops at whitespace.
        return [w.strip(_STRIP) for w in self.text.lower().split()]

    @cached_property
    def lower_word_lengths(self) -> np.ndarray:
        return np.fromiter(map(len, self.lower_words), dtype=np.int64, count=len(self.lower_words))

    @cached_property
    def lower_word_chars(self) -> int:
        return int(self.lower_word_lengths.sum())

    def ngram_ids(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(id of each word n-gram in text order, count of each id, first position of each id) over
        `lower_words`. Ids are exact (no hashing): the n-gram's id pairs the (n-1)-gram's id with
        the last word's id, and np.unique renumbers them densely at each step."""
        if n in self._grams:
            return self._grams[n]
        if n == 1:
            vocab: dict[str, int] = {}
            ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in self.lower_words), dtype=np.int64,
                              count=len(self.lower_words))
            out = _dense(ids)
        else:
            prev = self.ngram_ids(n - 1)[0]
            words = self.ngram_ids(1)[0]
            if len(prev) < 2:
                empty = np.zeros(0, dtype=np.int64)
                out = (empty, empty, empty)
            else:
                width = int(words.max()) + 1
                out = _dense(prev[:-1] * width + words[n - 1 :])
        self._grams[n] = out
        return out


def duplicates(pieces: list[Piece]) -> tuple[int, int, list[Piece]]:
    """(repeated elements, characters in them, the repeats): each copy after the first counts."""
    seen: set[str] = set()
    count = chars = 0
    repeats: list[Piece] = []
    for p in pieces:
        key = p.text.strip()
        if key in seen:
            count += 1
            chars += len(key)
            repeats.append(p)
        else:
            seen.add(key)
    return count, chars, repeats


def _dense(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    uniq, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    return inverse.astype(np.int64, copy=False), counts, first


def fast_top_ngram_chars(s: TextStats, n: int) -> int:
    """`top_ngram_chars(s.lower_words, n)` on the n-gram ids: the most frequent n-gram (the earliest
    one among equals, as Counter.most_common picks), its characters times its count."""
    ids, counts, first = s.ngram_ids(n)
    if len(ids) == 0:
        return 0
    top = int(counts.max())
    if top < 2:
        return 0
    pos = int(first[counts == top].min())
    lengths = s.lower_word_lengths
    return int(lengths[pos : pos + n].sum()) * top


def fast_duplicated_ngram_chars(s: TextStats, n: int) -> int:
    """`duplicated_ngram_chars(s.lower_words, n)` on the n-gram ids: characters of the words inside
    any n-gram that occurs more than once."""
    nwords = len(s.lower_words)
    if nwords < n:
        return 0
    ids, counts, _ = s.ngram_ids(n)
    if len(ids) == 0:
        return 0
    dup = (counts[ids] > 1).astype(np.int64)
    if not dup.any():
        return 0
    # +1 where a repeated n-gram starts, -1 n words later: the running sum is > 0 inside one.
    delta = np.zeros(nwords + 1, dtype=np.int64)
    delta[: len(dup)] += dup
    delta[n : n + len(dup)] -= dup
    covered = np.cumsum(delta[:nwords]) > 0
    return int(s.lower_word_lengths[covered].sum())


def top_ngram_chars(words: list[str], n: int) -> int:
    """Characters covered by the most frequent word n-gram, counted over its occurrences."""
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    if count < 2:
        return 0
    return sum(len(w) for w in gram) * count


def duplicated_ngram_chars(words: list[str], n: int) -> int:
    """Characters of words inside any word n-gram that occurs more than once (Gopher)."""
    if len(words) < n:
        return 0
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts = Counter(grams)
    covered = [False] * len(words)
    for i, g in enumerate(grams):
        if counts[g] > 1:
            for k in range(i, i + n):
                covered[k] = True
    return sum(len(w) for w, c in zip(words, covered) if c)
