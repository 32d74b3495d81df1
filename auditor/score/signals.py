"""Numbers measured on one text, computed once and shared by every rule that needs them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import count, repeat
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
        self._grams: dict[int, Grams] = {}

    @cached_property
    def tokens(self) -> list[str]:
        # str.split() splits on exactly the characters re's \s matches (Py_UNICODE_ISSPACE), at C speed.
        return self.text.split()

    @cached_property
    def words(self) -> list[str]:
        """Whitespace tokens that are not symbols alone (Gopher's word count)."""
        # isalnum() is \w without the underscore, and cheap; only the other tokens need the search.
        tokens = self.tokens
        return [t for t, ok in zip(tokens, map(str.isalnum, tokens), strict=False) if ok or _WORDCHAR.search(t)]

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
        return list(map(str.strip, self.text.lower().split(), repeat(_STRIP)))

    @cached_property
    def lower_word_lengths(self) -> np.ndarray:
        return np.fromiter(map(len, self.lower_words), dtype=np.int64, count=len(self.lower_words))

    @cached_property
    def lower_word_chars(self) -> int:
        return int(self.lower_word_lengths.sum())

    @cached_property
    def word_ids(self) -> np.ndarray:
        """An id per distinct lowercased word, numbered by first appearance (so already dense)."""
        vocab: dict[str, int] = {}
        return np.fromiter(map(vocab.setdefault, self.lower_words, count()), dtype=np.int64,
                           count=len(self.lower_words))

    def repeated_ngrams(self, n: int) -> Grams:
        """The word n-grams (over `lower_words`) that may occur more than once, with their counts.

        Exact, without hashing: an n-gram can repeat only where the (n-1)-grams at i and at i+1
        both repeat, so only those positions are compared, pairing the (n-1)-gram's id with the
        next word's id (np.unique numbers the pairs). Texts thin out fast: few 5-grams repeat."""
        if n in self._grams:
            return self._grams[n]
        ids = self.word_ids
        if n == 1:
            counts = np.bincount(ids) if len(ids) else np.zeros(0, dtype=np.int64)
            out = Grams(np.arange(len(ids)), ids, counts[ids])
        else:
            prev = self.repeated_ngrams(n - 1)
            ngrams = len(ids) - n + 1
            repeated = np.zeros(max(ngrams + 1, 0), dtype=bool)
            if ngrams > 0:
                repeated[prev.pos[prev.count > 1]] = True
            cand = np.flatnonzero(repeated[:-1] & repeated[1:]) if ngrams > 0 else np.zeros(0, dtype=np.int64)
            if len(cand) == 0:
                out = Grams.empty()
            else:
                prev_id = np.full(ngrams + 1, -1, dtype=np.int64)
                prev_id[prev.pos] = prev.gid
                keys = prev_id[cand] * (int(ids.max()) + 1) + ids[cand + n - 1]
                _, gid, counts = np.unique(keys, return_inverse=True, return_counts=True)
                gid = gid.reshape(-1)
                out = Grams(cand, gid, counts[gid])
        self._grams[n] = out
        return out


@dataclass(slots=True)
class Grams:
    """N-grams that may repeat: start positions, an id per distinct n-gram, and how often it occurs
    in the text. Every occurrence of every repeated n-gram is here; n-grams left out occur once."""

    pos: np.ndarray
    gid: np.ndarray
    count: np.ndarray

    @staticmethod
    def empty() -> Grams:
        z = np.zeros(0, dtype=np.int64)
        return Grams(z, z, z)


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


def fast_top_ngram_chars(s: TextStats, n: int) -> int:
    """`top_ngram_chars(s.lower_words, n)` from the repeated n-grams: the most frequent one (the
    earliest among equals, as Counter.most_common picks), its characters times its count."""
    g = s.repeated_ngrams(n)
    top = int(g.count.max()) if len(g.count) else 0
    if top < 2:
        return 0
    first = int(g.pos[g.count == top].min())
    return int(s.lower_word_lengths[first : first + n].sum()) * top


def fast_duplicated_ngram_chars(s: TextStats, n: int) -> int:
    """`duplicated_ngram_chars(s.lower_words, n)` from the repeated n-grams: characters of the words
    inside any n-gram that occurs more than once."""
    nwords = len(s.lower_words)
    g = s.repeated_ngrams(n)
    starts = g.pos[g.count > 1]
    if nwords < n or len(starts) == 0:
        return 0
    # +1 where a repeated n-gram starts, -1 n words later: the running sum is > 0 inside one.
    delta = np.zeros(nwords + 1, dtype=np.int64)
    delta[starts] += 1  # starts are distinct, so plain fancy indexing adds once each
    delta[starts + n] -= 1
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
    return sum(len(w) for w, c in zip(words, covered, strict=False) if c)
