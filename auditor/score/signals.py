"""Numbers measured on one text, computed once and shared by every rule that needs them."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from auditor.segment import Piece, lines, paragraphs

_TOKEN = re.compile(r"\S+")
_ALPHA = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDCHAR = re.compile(r"\w", re.UNICODE)


class TextStats:
    """Lazily computed measures of one text (Gopher's definitions, as in datatrove)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def tokens(self) -> list[str]:
        return _TOKEN.findall(self.text)

    @cached_property
    def words(self) -> list[str]:
        """Whitespace tokens that are not symbols alone (Gopher's word count)."""
        return [t for t in self.tokens if _WORDCHAR.search(t)]

    @cached_property
    def lines(self) -> list[Piece]:
        return lines(self.text)

    @cached_property
    def paragraphs(self) -> list[Piece]:
        return paragraphs(self.text)

    @cached_property
    def lower_words(self) -> list[str]:
        return [w.lower().strip(".,;:!?\"'()[]{}“”‘’«»") for w in self.tokens]


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
