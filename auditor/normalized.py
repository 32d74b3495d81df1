"""A text's normalized words (`segment.normalize`: lowercase \\w+ runs joined by single spaces) as one
array of code points, found from the characters' class flags (chars.char_classes) rather than by a regex
that builds a string per word; and the same for any stretch of the text cut at whitespace (a paragraph).

The filter worker needs both for every document: the exact-duplicate hash of the whole text, and the
keys of its paragraphs for repeated passages (D003)."""

from __future__ import annotations

import numpy as np

from auditor.chars import WORD_CHAR, char_classes


class NormalizedText:
    """`segment.normalize` of a text and of its stretches. `aligned` is False when lower-casing changed
    the text's length (a character such as "İ" becomes two): the text's offsets then do not hold in its
    lower case, and only the whole text's words are known."""

    def __init__(self, text: str) -> None:
        low = text.lower()
        self.aligned = len(low) == len(text)
        flags, cp = char_classes(low)
        at = np.flatnonzero((flags & WORD_CHAR) != 0)  # the word characters, in order
        opens = np.empty(len(at), dtype=bool)  # the character opens a run of them
        if len(at):
            opens[0] = True
            np.not_equal(at[1:] - 1, at[:-1], out=opens[1:])
        runs = np.zeros(len(at) + 1, dtype=np.int64)  # runs opened before each word character
        np.cumsum(opens, out=runs[1:])
        place = np.arange(len(at)) + runs[1:] - 1  # its place in the normalized text, after the spaces
        out = np.full(len(at) + max(0, int(runs[-1]) - 1), 32, dtype=np.uint32)
        out[place] = cp[at]
        self.code_points = out  # the whole text's normalized words
        self._at, self._runs, self._place = at, runs, place

    def words_in(self, starts: list[int], ends: list[int]) -> tuple[list[int], list[bytes]]:
        """For stretches [start, end) of the text, each cut at whitespace (no word runs across its
        ends): how many words it holds, and its normalized words (code points as bytes; b"" for none).
        Needs `aligned`."""
        a = np.searchsorted(self._at, starts).tolist()
        b = np.searchsorted(self._at, ends).tolist()
        runs, place, out = self._runs.tolist(), self._place.tolist(), self.code_points
        counts = [runs[j] - runs[i] for i, j in zip(a, b, strict=True)]
        keys = [out[place[i] : place[j - 1] + 1].tobytes() if j > i else b"" for i, j in zip(a, b, strict=True)]
        return counts, keys
