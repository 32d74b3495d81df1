"""Character classes of a whole text at once, and its lines as spans: what the line cleaner counts per line.

A module of its own, outside the `auditor.clean` package, so that what else needs the classes
(`auditor.normalized`, and through it the passage finder that `auditor score --no-clean` runs)
does not import the cleaner, trafilatura's lxml and the line model with them.

The line features (clean/features.py) and the rule labeller (clean/text.py) count regex character
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
from dataclasses import dataclass, field

import numpy as np

# The characters beyond ASCII that IGNORECASE matches with an ASCII letter (İ ı ſ K: Python's case
# equivalences; tests/test_clean.py checks the list): in a text without them, the lower-cased text
# holds every stretch of ASCII letters a case-insensitive pattern could match.
FOLDS_TO_ASCII_CHARS = "\u0130\u0131\u017f\u212a"
FOLDS_TO_ASCII = re.compile(f"[{FOLDS_TO_ASCII_CHARS}]")

# Per-character classes, as bit flags: the regex character classes counted per line, decided per
# character (tests/test_clean_features.py checks them against the regexes over all of Unicode).
UPPER, DECIMAL, WORD_CHAR, SPACE, ALPHA, SEP = (1 << k for k in range(6))
_SEPARATORS = "|»›•·/>"  # features._SEPARATOR's characters
TERMINALS = ".!?…\"”’»)"  # text._TERMINAL's characters


def char_flags(c: str) -> int:
    """The classes of one character: isupper (str.isupper), \\d (isdecimal), \\w (isalnum or _),
    \\s (isspace), [^\\W\\d_] (isalnum, not decimal), a separator."""
    word = c.isalnum() or c == "_"
    return (
        (UPPER if c.isupper() else 0) | (DECIMAL if c.isdecimal() else 0) | (WORD_CHAR if word else 0)
        | (SPACE if c.isspace() else 0) | (ALPHA if c.isalnum() and not c.isdecimal() else 0)
        | (SEP if c in _SEPARATORS else 0)
    )


# The flags of the first code points (Latin, Greek, Cyrillic, general punctuation, ...: the characters
# of nearly every page measured), looked up; the page's characters beyond are worked out one by one.
_TABLE_SIZE = 0x3000
_TABLE_FLAGS = np.array([char_flags(chr(i)) for i in range(_TABLE_SIZE)], dtype=np.uint8)
_TABLE_FLAGS.flags.writeable = False
_ASCII_FLAGS = _TABLE_FLAGS[:128]


def char_classes(doc: str) -> tuple[np.ndarray, np.ndarray]:
    """The class flags (uint8) and the code point of each character of `doc`."""
    if doc.isascii():
        cp = np.frombuffer(doc.encode("ascii"), dtype=np.uint8)
        return _ASCII_FLAGS.take(cp), cp
    cp = np.frombuffer(doc.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    beyond = cp >= _TABLE_SIZE
    if not beyond.any():
        return _TABLE_FLAGS.take(cp), cp
    out = _TABLE_FLAGS.take(np.where(beyond, 0, cp))
    uniq, inverse = np.unique(cp[beyond], return_inverse=True)  # the page's few distinct characters beyond
    out[beyond] = np.array([char_flags(chr(c)) for c in uniq.tolist()], dtype=np.uint8).take(inverse)
    return out, cp


def lowered(doc: str) -> str | None:
    """doc.lower() where it maps each character to one, and no character of `doc` is one of those that
    IGNORECASE matches with an ASCII letter: then an ASCII word of a case-insensitive pattern occurs in
    `doc` only where its lower case occurs in the result, at the same position. None otherwise."""
    if doc.isascii():
        return doc.lower()
    # Four substring searches (C's fast find) cost far less than the character class's scan of the text
    if any(c in doc for c in FOLDS_TO_ASCII_CHARS):
        return None
    low = doc.lower()
    return low if len(low) == len(doc) else None


# Per-line counts of several classes from one cumulative sum: each character's classes are looked up as
# one uint64 holding four 16-bit counters (a table per flag byte), so that summed over the text no counter
# carries into the next as long as the text is shorter than 2**16 characters (longer texts: one sum per
# class). PACKED_BY_FLAGS: upper, decimal, word, space characters; PACKED_BY_STARTS, indexed by
# flags | run starts << 8 (run starts: flags & ~previous flags): alpha runs, alpha runs that open with a
# capital, separators, word runs.
PACKED_MAX = 1 << 16
_BYTE = np.arange(256, dtype=np.uint64)


def _packed(*bits: np.ndarray) -> np.ndarray:
    out = np.zeros(len(bits[0]), dtype=np.uint64)
    for k, b in enumerate(bits):
        out |= b.astype(np.uint64) << np.uint64(16 * k)
    return out


def _bit(x: np.ndarray, flag: int) -> np.ndarray:
    return (x & flag) != 0


PACKED_BY_FLAGS = _packed(_bit(_BYTE, UPPER), _bit(_BYTE, DECIMAL), _bit(_BYTE, WORD_CHAR), _bit(_BYTE, SPACE))
_FLAGS16, _STARTS16 = np.arange(1 << 16, dtype=np.uint64) & 0xFF, np.arange(1 << 16, dtype=np.uint64) >> 8
PACKED_BY_STARTS = _packed(_bit(_STARTS16, ALPHA), _bit(_STARTS16, ALPHA) & _bit(_FLAGS16, UPPER),
                           _bit(_FLAGS16, SEP), _bit(_STARTS16, WORD_CHAR))
del _FLAGS16, _STARTS16
PACKED_BY_FLAGS.flags.writeable = False
PACKED_BY_STARTS.flags.writeable = False
_FIELD_SHIFTS = np.array([0, 16, 32, 48], dtype=np.uint64)


def ends_sentence(text: str) -> bool:
    """text._TERMINAL.search(text): the last character of text.rstrip() is one of TERMINALS."""
    solid = text.rstrip()
    return bool(solid) and solid[-1] in TERMINALS


@dataclass(slots=True)
class Segments:
    """Lines as [start, end) spans of their texts joined by "\\n", for per-line sums of per-character flags."""

    starts: np.ndarray
    ends: np.ndarray
    _bounds: tuple[list[int], list[int]] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def joined(cls, parts: list[str]) -> Segments:
        """The spans of `parts` in "\\n".join(parts)."""
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        ends = np.cumsum(lengths + 1) - 1
        return cls(ends - lengths, ends)

    def count(self, per_char: np.ndarray) -> np.ndarray:
        cs = np.zeros(len(per_char) + 1, dtype=np.int64)
        per_char.cumsum(out=cs[1:])  # the array method: np.cumsum's dispatch wrapper costs more per call
        return cs.take(self.ends) - cs.take(self.starts)

    def counts(self, flags: np.ndarray) -> np.ndarray:
        """Per line (rows), the counts of the eight classes (columns) of PACKED_BY_FLAGS then
        PACKED_BY_STARTS, from the class `flags` of the text's characters."""
        starts = flags.copy()
        starts[1:] &= ~flags[:-1]
        if len(flags) >= PACKED_MAX:  # a counter could carry into the next: one sum per class
            cols = [_bit(flags, UPPER), _bit(flags, DECIMAL), _bit(flags, WORD_CHAR), _bit(flags, SPACE),
                    _bit(starts, ALPHA), _bit(starts, ALPHA) & _bit(flags, UPPER), _bit(flags, SEP),
                    _bit(starts, WORD_CHAR)]  # fmt: skip
            return np.stack([self.count(c) for c in cols], axis=1)
        cs = np.zeros((len(flags) + 1, 2), dtype=np.uint64)
        cs[1:, 0] = PACKED_BY_FLAGS.take(flags)
        cs[1:, 1] = PACKED_BY_STARTS.take((starts.astype(np.uint16) << 8) | flags)
        cs.cumsum(axis=0, out=cs)
        per_line = cs.take(self.ends, axis=0) - cs.take(self.starts, axis=0)
        return ((per_line[:, :, None] >> _FIELD_SHIFTS) & 0xFFFF).reshape(len(self.starts), 8).astype(np.int64)

    def with_words(self, low: str | None, words: tuple[str, ...]) -> list[int]:
        """The lines where the lower-cased page `low` holds one of `words` (all lines when None)."""
        if low is None:
            return list(range(len(self.starts)))
        if self._bounds is None:  # as lists, once per text: a page asks for a score of word lists
            self._bounds = (self.starts.tolist(), self.ends.tolist())
        starts, ends = self._bounds
        found: set[int] = set()
        for w in words:
            at = low.find(w)
            while at >= 0:
                line = bisect_right(starts, at) - 1
                if line < 0 or at >= ends[line]:  # between the spans (where they leave text out)
                    at = low.find(w, at + 1)
                    continue
                found.add(line)
                at = low.find(w, ends[line])  # on from the next line
        return sorted(found)
