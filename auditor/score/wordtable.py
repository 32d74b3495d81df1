"""One NumPy pass over a text's code points that yields its whole word table.

What `TextStats` needs of the words (token count, Gopher's word and letter counts, the
lowercased, punctuation-stripped words' lengths and an id per distinct one, the line each
token is on) used to take a dozen Python-level passes, each building a list of `str`. Here the
text's code points are classified through one lookup table (whitespace as `str.split` cuts,
`\\w`, a letter `[^\\W\\d_]`, the punctuation stripped from words), token bounds come from the
edges of the non-space mask, and every stripped, lowercased word gets a 64-bit polynomial hash
from a cumulative sum. Ids are numbered from the hashes (np.unique), and every word is then
compared code point by code point with the first word of its id, so a hash collision can never
merge two words: the table is exact or, on a collision, not built (the caller falls back to the
`str` path). Texts with a code point beyond the BMP, or whose lowercase changes length, also take
the `str` path.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

SPACE, WORD, LETTER, STRIP, DIGIT = 1, 2, 4, 8, 16
_B = np.uint64(0x9E3779B97F4A7C15 | 1)  # odd: invertible modulo 2**64
_B_INV = np.uint64(pow(int(_B), -1, 2**64))
_LEN_MIX = np.uint64(0xC2B2AE3D27D4EB4F)


@functools.lru_cache(maxsize=4)
def char_classes(strip: str) -> np.ndarray:
    """Per BMP code point, the bits SPACE (`str.isspace`: where `str.split()` cuts), WORD (re's
    `\\w`), LETTER (re's `[^\\W\\d_]`), DIGIT (re's `\\d`) and STRIP (a character of `strip`).
    Built once per process from the definitions themselves (a few ms)."""
    everything = "".join(map(chr, range(0x10000)))
    table = np.fromiter(map(str.isspace, everything), dtype=np.uint8, count=0x10000) * SPACE
    for bit, pattern in ((WORD, r"\w"), (LETTER, r"[^\W\d_]"), (DIGIT, r"\d")):
        marked = re.sub(pattern, "\U00010000", everything)  # one character for one: positions kept
        table |= (_code_points(marked) == 0x10000).astype(np.uint8) * np.uint8(bit)
    for ch in set(strip):
        if ord(ch) < 0x10000:
            table[ord(ch)] |= STRIP
    table.setflags(write=False)
    return table


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@dataclass(slots=True)
class WordTable:
    """Per whitespace token (`text.split()`): start and end in the text, whether it holds a `\\w`
    character (a word) and a letter; per token, its lowercased, stripped form's span (in the
    lowercased text, which has the same positions here), length, hash and id."""

    starts: np.ndarray
    ends: np.ndarray
    is_word: np.ndarray
    has_letter: np.ndarray
    lower_starts: np.ndarray
    lower_lengths: np.ndarray
    ids: np.ndarray
    hashes: np.ndarray  # sorted, distinct: the hash of id k is hashes[k]
    first: np.ndarray  # a token of each id (the one its words were compared with)
    cp: np.ndarray  # the text's code points
    classes: np.ndarray  # their class bits

    def present(self, lower: str, words: tuple[str, ...]) -> list[bool]:
        """Per word, whether it is among the lowercased, stripped words (one search for all)."""
        out = [False] * len(words)
        if not len(self.hashes):
            return out
        hashes = word_hashes(words)
        k = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        for j in np.flatnonzero(self.hashes[k] == hashes).tolist():  # compared as text: exact
            i = int(self.first[k[j]])
            a = int(self.lower_starts[i])
            out[j] = lower[a : a + int(self.lower_lengths[i])] == words[j]
        return out

    lookup: dict[int, int] | None = None  # hash -> the token standing for it, built on first use

    def index_of(self, lower: str, word: str) -> int:
        """A token whose lowercased, stripped form is `word`, or -1 (exact: the text is compared)."""
        h = _word_hash(word)
        if h is None:
            return -1  # never in a table (texts with such characters take the str path)
        if self.lookup is None:
            self.lookup = dict(zip(self.hashes.tolist(), self.first.tolist(), strict=True))
        i = self.lookup.get(h, -1)
        if i < 0:
            return -1
        a = int(self.lower_starts[i])
        return i if lower[a : a + int(self.lower_lengths[i])] == word else -1


@functools.lru_cache(maxsize=64)
def word_hashes(words: tuple[str, ...]) -> np.ndarray:
    """`_word_hash` of each word (a word beyond the BMP: a hash no table holds for it, and the
    comparison of `present` rules it out anyway)."""
    return np.array([h if (h := _word_hash(w)) is not None else 0 for w in words], dtype=np.uint64)


@functools.lru_cache(maxsize=4096)
def _word_hash(word: str) -> int | None:
    """The table's hash of one word (None: a code point beyond the BMP), in Python integers."""
    if any(ord(c) >= 0x10000 for c in word):
        return None
    b, mask, h, p = int(_B), 2**64 - 1, 0, 1
    for c in word:
        h = (h + ord(c) * p) & mask
        p = (p * b) & mask
    return (h + len(word) * int(_LEN_MIX)) & mask


def _powers(base: np.uint64, n: int) -> np.ndarray:
    """base**i modulo 2**64 for i in 0..n (n + 1 values)."""
    p = np.full(n + 1, base, dtype=np.uint64)
    p[0] = 1
    return np.cumprod(p, dtype=np.uint64)


def word_table(text: str, lower: str, strip: str) -> WordTable | None:
    """The table, or None where the text must take the `str` path (see the module docstring)."""
    if len(lower) != len(text):
        return None
    cp = _code_points(text)
    n = len(cp)
    if n == 0:
        z = np.zeros(0, dtype=np.int64)
        return WordTable(z, z, z.astype(bool), z.astype(bool), z, z, z, z.astype(np.uint64), z, cp, cp.astype(np.uint8))
    if int(cp.max()) >= 0x10000:
        return None
    classes = char_classes(strip)
    cls = classes[cp]
    solid = (cls & SPACE) == 0
    padded = np.zeros(n + 2, dtype=np.int8)
    padded[1:-1] = solid
    edges = (padded[1:] != padded[:-1]).nonzero()[0]  # a token's start, then its end, alternately
    starts = edges[0::2]
    ends = edges[1::2]
    if len(starts) == 0:
        z = np.zeros(0, dtype=np.int64)
        return WordTable(z, z, z.astype(bool), z.astype(bool), z, z, z, z.astype(np.uint64), z, cp, cp.astype(np.uint8))
    # A token's class bits OR-ed over its characters (the spaces after it add no WORD or LETTER).
    bits = np.bitwise_or.reduceat(cls, starts)
    is_word = (bits & WORD) != 0
    has_letter = (bits & LETTER) != 0
    # The lowercased token stripped of `strip` at both ends: its bounds moved inwards while the
    # character there is one to strip (a round per stripped character, over the tokens still moving).
    # (A character is one to strip exactly when its lowercase is: none of them has a case, and no
    # other character lowercases to one of them; checked over the BMP by the tests.)
    lcp = cp if lower == text else _code_points(lower)
    stripped = np.zeros(n + 1, dtype=bool)
    np.not_equal(cls & STRIP, 0, out=stripped[:n])
    lstart, lend = _strip_bounds(stripped, starts, ends)
    lengths = lend - lstart
    h = run_hashes(lcp, lstart, lend)
    # Ids from the hashes: sorted, numbered by group; any member stands for its group.
    order = np.argsort(h, kind="stable")
    ordered = h[order]
    new_group = np.empty(len(h), dtype=bool)
    new_group[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_group[1:])
    ids = np.empty(len(h), dtype=np.int64)
    ids[order] = np.cumsum(new_group) - 1
    first = order[new_group]
    hashes = ordered[new_group]
    # Exactness: every word equals the word standing for its id, code point by code point.
    rep = first[ids]
    other = np.flatnonzero(rep != np.arange(len(ids)))
    if len(other):
        if (lengths[other] != lengths[rep[other]]).any():
            return None
        span = lengths[other]
        total = int(span.sum())
        if total:
            # a: every code point of those words; b: the same place in the word standing for each
            a = np.repeat(lstart[other] - (np.cumsum(span) - span), span) + np.arange(total)
            b = a + np.repeat(lstart[rep[other]] - lstart[other], span)
            if (lcp[a] != lcp[b]).any():
                return None
    return WordTable(starts, ends, is_word, has_letter, lstart, lengths, ids, hashes, first, cp, cls)


def run_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The hash of each codes[starts[i]:ends[i]]: the polynomial (H[end] - H[start]) / B**start over
    the prefix sums H, plus the length mixed in (`_word_hash` of the same characters)."""
    n = len(codes)
    powers, inverse = _power_tables(n)
    acc = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(codes * powers[:n], out=acc[1:])
    return (acc[ends] - acc[starts]) * inverse[starts] + (ends - starts).astype(np.uint64) * _LEN_MIX


def _strip_bounds(stripped: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each token's bounds moved inwards past the characters to strip (`stripped`, with a False
    after the text's end): a round per character over the tokens still moving, which is a round or
    two for words; a long run of marks (a line of dots) takes the nearest kept character at once."""
    lstart, lend = starts.copy(), ends.copy()
    moving = np.flatnonzero(stripped[lstart])
    for _ in range(8):
        if not len(moving):
            break
        lstart[moving] += 1
        moving = moving[stripped[lstart[moving]] & (lstart[moving] < ends[moving])]
    if len(moving):
        where = np.arange(len(stripped))
        after = np.where(stripped, len(stripped), where)  # the next kept place at or after each
        np.minimum.accumulate(after[::-1], out=after[::-1])
        lstart[moving] = np.minimum(after[lstart[moving]], ends[moving])
    moving = np.flatnonzero(stripped[lend - 1] & (lend > lstart))
    for _ in range(8):
        if not len(moving):
            break
        lend[moving] -= 1
        moving = moving[stripped[lend[moving] - 1] & (lend[moving] > lstart[moving])]
    if len(moving):
        where = np.arange(len(stripped))
        before = np.where(stripped, -1, where)  # the last kept place at or before each
        np.maximum.accumulate(before, out=before)
        lend[moving] = np.maximum(before[lend[moving] - 1] + 1, lstart[moving])
    return lstart, lend


@functools.lru_cache(maxsize=8)
def _power_table(size: int) -> tuple[np.ndarray, np.ndarray]:
    powers, inverse = _powers(_B, size), _powers(_B_INV, size)
    powers.setflags(write=False)
    inverse.setflags(write=False)
    return powers, inverse


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B**i and B**-i modulo 2**64 for i in 0..n at least (one table per power of two of sizes)."""
    return _power_table(max(1 << 14, 1 << n.bit_length()))
