"""Character classes of a whole text at once, and its lines as spans: what the line cleaner counts per line.

The line features (features.py) and the rule labeller (text.py) count regex character
classes per line (words, digits, punctuation, capitals). Running a regex per line was most
of plain-text cleaning's time; instead each character of the text gets its classes as bit
flags (str methods equal to the regex classes: tests/test_clean_features.py checks them over
all of Unicode), and per-line counts are differences of one cumulative sum at the lines'
offsets. Patterns that need words are tried only on lines where a lower-cased copy of the
text holds one of the words (`Segments.with_words`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

# The characters beyond ASCII that IGNORECASE matches with an ASCII letter (İ ı ſ K: Python's case
# equivalences; tests/test_clean.py checks the list): in a text without them, the lower-cased text
# holds every stretch of ASCII letters a case-insensitive pattern could match.
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")

# Per-character classes, as bit flags: the regex character classes counted per line, decided per
# character (tests/test_clean_features.py checks them against the regexes over all of Unicode).
UPPER, DECIMAL, WORD_CHAR, SPACE, ALPHA, SEP, TERM, BULLET_START = (1 << k for k in range(8))
_SEPARATORS = "|»›•·/>"  # features._SEPARATOR's characters
_TERMINALS = ".!?…\"”’»)"  # text._TERMINAL's characters
_BULLET_MARKS = "-*•·>»▪●◦"  # features._BULLET's marks


def char_flags(c: str) -> int:
    """The classes of one character: isupper (str.isupper), \\d (isdecimal), \\w (isalnum or _),
    \\s (isspace), [^\\W\\d_] (isalnum, not decimal), a separator, a sentence end, a bullet's start."""
    word = c.isalnum() or c == "_"
    return (
        (UPPER if c.isupper() else 0) | (DECIMAL if c.isdecimal() else 0) | (WORD_CHAR if word else 0)
        | (SPACE if c.isspace() else 0) | (ALPHA if c.isalnum() and not c.isdecimal() else 0)
        | (SEP if c in _SEPARATORS else 0) | (TERM if c in _TERMINALS else 0)
        | (BULLET_START if c in _BULLET_MARKS or c.isdecimal() else 0)
    )


_ASCII_FLAGS = np.array([char_flags(chr(i)) for i in range(128)], dtype=np.uint8)
_ASCII_FLAGS.flags.writeable = False


def char_classes(doc: str) -> tuple[np.ndarray, np.ndarray]:
    """The class flags (uint8) and the code point of each character of `doc`."""
    if doc.isascii():
        cp = np.frombuffer(doc.encode("ascii"), dtype=np.uint8)
        return _ASCII_FLAGS.take(cp), cp
    cp = np.frombuffer(doc.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = np.empty(len(cp), dtype=np.uint8)
    low = cp < 128
    out[low] = _ASCII_FLAGS.take(cp[low])
    uniq, inverse = np.unique(cp[~low], return_inverse=True)  # the page's few distinct non-ASCII characters
    out[~low] = np.array([char_flags(chr(c)) for c in uniq.tolist()], dtype=np.uint8).take(inverse)
    return out, cp


def lowered(doc: str) -> str | None:
    """doc.lower() where it maps each character to one, and no character of `doc` is one of those that
    IGNORECASE matches with an ASCII letter: then an ASCII word of a case-insensitive pattern occurs in
    `doc` only where its lower case occurs in the result, at the same position. None otherwise."""
    if doc.isascii():
        return doc.lower()
    if FOLDS_TO_ASCII.search(doc):
        return None
    low = doc.lower()
    return low if len(low) == len(doc) else None


@dataclass(slots=True)
class Segments:
    """Lines as [start, end) spans of their texts joined by "\\n", for per-line sums of per-character flags."""

    starts: np.ndarray
    ends: np.ndarray

    def count(self, per_char: np.ndarray) -> np.ndarray:
        cs = np.zeros(len(per_char) + 1, dtype=np.int64)
        np.cumsum(per_char, out=cs[1:])
        return cs.take(self.ends) - cs.take(self.starts)

    def last_solid_is(self, flags: np.ndarray, bit: int) -> np.ndarray:
        """Per line: is its last character that is not space (the last of str.rstrip()) of class `bit`."""
        out = np.zeros(len(self.starts), dtype=bool)
        if not len(flags):
            return out
        pos = np.arange(len(flags), dtype=np.int64)
        last_solid = np.maximum.accumulate(np.where((flags & SPACE) != 0, -1, pos))
        at = last_solid.take(np.maximum(self.ends - 1, 0))
        has = (self.ends > self.starts) & (at >= self.starts)
        out[has] = (flags.take(at[has]) & bit) != 0
        return out

    def lines_of(self, positions: list[int]) -> np.ndarray:
        """The line index of each character position."""
        return np.searchsorted(self.starts, np.asarray(positions, dtype=np.int64), side="right") - 1

    def with_words(self, low: str | None, words: tuple[str, ...]) -> list[int]:
        """The lines where the lower-cased page `low` holds one of `words` (all lines when None)."""
        if low is None:
            return list(range(len(self.starts)))
        starts, ends = self.starts.tolist(), self.ends.tolist()
        found: set[int] = set()
        for w in words:
            at = low.find(w)
            while at >= 0:
                line = bisect_right(starts, at) - 1
                found.add(line)
                at = low.find(w, ends[line])  # on from the next line
        return sorted(found)

    def matching(self, rx: re.Pattern[str], texts: list[str], candidates: list[int], strip: bool = False,
                 ) -> np.ndarray:
        """Per line: does `rx` find a match in it (`rx.match` of the stripped line with `strip`); tried only
        on the `candidates`, the lines a prefilter says it may match."""
        out = np.zeros(len(self.starts), dtype=bool)
        for i in candidates:
            out[i] = (rx.match(texts[i].strip()) if strip else rx.search(texts[i])) is not None
        return out
