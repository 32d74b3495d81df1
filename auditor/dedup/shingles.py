"""Word n-gram shingles of many texts at once, hashed with NumPy over the UTF-8 bytes.

One Python call per shingle (or per word) is what makes MinHash slow in Python
(datasketch's `update_batch` hashes each shingle with SHA-1 in a list
comprehension). Here a batch of texts is lowercased and encoded once, joined
into one byte array, and every step after that is a whole-array NumPy operation:

1. word bytes: ASCII letters, digits and `_`, and every non-ASCII byte (letters of
   other scripts), except the UTF-8 forms of the General Punctuation block
   (U+2000..U+206F: curly quotes, dashes, ellipsis) and of Latin-1 punctuation
   (U+00A0..U+00BF: no-break space, guillemets): the same words as the regex
   `\\w+` on almost all text, so "America's" and "America’s" shingle alike;
2. each word is hashed with a polynomial hash over its bytes, taken from prefix
   sums modulo 2^64 (P is odd, so its inverse exists modulo 2^64);
3. each window of `n` consecutive word hashes of one text is combined into one
   64-bit shingle hash, finished with the MurmurHash3 64-bit finaliser.

Texts with fewer than `n` words get one shingle of all their words, so short
texts still compare exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_P = 0x100000001B3  # FNV-64 prime: odd, so invertible modulo 2^64
_P_INV = pow(_P, -1, 1 << 64)
_Q = 0x9E3779B97F4A7C15  # golden-ratio constant; odd; weights the words of a shingle by position
BATCH = 256  # texts per NumPy batch: large enough to amortise call overhead, small enough for cache


def _word_byte_table() -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
        table[c] = True
    table[0x80:] = True  # bytes of non-ASCII characters; punctuation among them is masked below
    return table


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection (wrapping uint64 arithmetic)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` for a 1-D integer array (sorted distinct values), by one sort and a
    comparison with the neighbour. NumPy 2.3+ answers a plain `np.unique` from a hash table,
    which on our 64-bit hashes and codes is 2.5-6x slower than this (NumPy 2.4: 41 vs 11 us
    at 600 shingles, 16 vs 2.5 ms at 60,000 codes)."""
    out = np.sort(values)
    if len(out) < 2:
        return out
    keep = np.empty(len(out), dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


@dataclass(slots=True)
class ShingleBatch:
    """Shingle hashes of a batch of texts: text i owns hashes[offsets[i]:offsets[i + 1]]."""

    hashes: np.ndarray  # uint64, in text order (not deduplicated)
    offsets: np.ndarray  # int64, len(texts) + 1
    line_words: np.ndarray | None = None  # words in the line where each shingle starts

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def of(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def lines_of(self, i: int) -> np.ndarray:
        assert self.line_words is not None
        return self.line_words[self.offsets[i] : self.offsets[i + 1]]

    def sets(self) -> list[np.ndarray]:
        """Each text's distinct shingle hashes, sorted (for exact Jaccard and containment)."""
        return [distinct(self.of(i)) for i in range(len(self))]


@dataclass(slots=True)
class Shingler:
    """Hashes word n-grams of texts in batches. Holds its power tables (grown on demand)."""

    n: int = 5
    _word: np.ndarray = field(default_factory=_word_byte_table, repr=False)
    _pow: np.ndarray = field(default_factory=lambda: np.ones(1, dtype=np.uint64), repr=False)
    _inv: np.ndarray = field(default_factory=lambda: np.ones(1, dtype=np.uint64), repr=False)

    def _powers(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self._pow) < size:
            size = max(size, 2 * len(self._pow))
            with np.errstate(over="ignore"):
                self._pow = np.cumprod(np.full(size, _P, dtype=np.uint64)) * np.uint64(_P_INV)
                self._inv = np.cumprod(np.full(size, _P_INV, dtype=np.uint64)) * np.uint64(_P)
        return self._pow, self._inv

    def words(self, texts: Sequence[str], lines: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Hashes of every word of every text (uint64), each text's word offsets and, with
        `lines`, the number of words in each word's line."""
        encoded = [t.lower().encode("utf-8", "replace") for t in texts]
        lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
        buf = np.frombuffer(b"\n".join(encoded) + b"\n", dtype=np.uint8)
        byte_ends = np.cumsum(lengths)  # text i's bytes end before byte_ends[i] (its separator)
        is_word = self._word[buf]
        # U+2000..U+206F is E2 80 xx / E2 81 xx; U+00A0..U+00BF is C2 A0..BF: not word characters.
        lead = np.flatnonzero(buf[:-2] == 0xE2)
        lead = lead[(buf[lead + 1] == 0x80) | (buf[lead + 1] == 0x81)]
        for k in range(3):
            is_word[lead + k] = False
        lat = np.flatnonzero(buf[:-1] == 0xC2)
        lat = lat[buf[lat + 1] >= 0xA0]
        is_word[lat] = False
        is_word[lat + 1] = False
        edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)  # exclusive
        pw, inv = self._powers(len(buf) + 1)
        with np.errstate(over="ignore"):
            prefix = np.zeros(len(buf) + 1, dtype=np.uint64)
            np.cumsum((buf.astype(np.uint64) + np.uint64(1)) * pw[: len(buf)], out=prefix[1:])
            word = (prefix[ends] - prefix[starts]) * inv[starts]
            word = fmix64(word + (ends - starts).astype(np.uint64))
        word_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        word_offsets[1:] = np.searchsorted(starts, byte_ends)
        line_words = None
        if lines:  # texts are joined by newlines, so a line never spans two texts
            line_of = np.searchsorted(np.flatnonzero(buf == 0x0A), starts)
            line_words = np.bincount(line_of)[line_of].astype(np.int32)
        return word, word_offsets, line_words

    def hash_batch(self, texts: Sequence[str], lines: bool = False) -> ShingleBatch:
        """Shingle hashes of each text (uint64; order follows the text, repeats kept).

        With `lines`, also the word count of the line each shingle starts in (the
        near-duplicate check uses it to tell shared prose from shared menus)."""
        if not texts:
            return ShingleBatch(np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64),
                                np.zeros(0, dtype=np.int32) if lines else None)
        word, woff, wlines = self.words(texts, lines)
        n = self.n
        counts = np.diff(woff)
        with np.errstate(over="ignore"):
            if len(word) >= n:
                grams = word[: len(word) - n + 1].copy()
                q = np.uint64(_Q)
                for k in range(1, n):
                    grams = grams * q + word[k : len(word) - n + 1 + k]
                grams = fmix64(grams)
            else:
                grams = np.zeros(0, dtype=np.uint64)
            # keep windows that start in a text and end in the same text
            per_text = np.maximum(counts - n + 1, 0)
            keep_start = np.repeat(woff[:-1], per_text) + _ranges(per_text)
            hashes = grams[keep_start] if len(keep_start) else np.zeros(0, dtype=np.uint64)
            offsets = np.zeros(len(texts) + 1, dtype=np.int64)
            offsets[1:] = np.cumsum(per_text)
            line_words = wlines[keep_start] if wlines is not None else None
            short = np.flatnonzero((counts > 0) & (counts < n))
            if len(short):
                hashes, offsets, line_words = _add_short(hashes, offsets, short, word, woff, line_words)
        return ShingleBatch(hashes, offsets, line_words)

    def hash_all(self, texts: Sequence[str], lines: bool = False, chunk: int = BATCH) -> ShingleBatch:
        """`hash_batch` over chunks of `chunk` texts (arrays that fit in cache), joined."""
        parts = [self.hash_batch(texts[s : s + chunk], lines) for s in range(0, len(texts), chunk)]
        return concat(parts) if parts else self.hash_batch([], lines)

    def hash_text(self, text: str) -> np.ndarray:
        return self.hash_batch([text]).hashes


def concat(parts: Sequence[ShingleBatch]) -> ShingleBatch:
    hashes = np.concatenate([p.hashes for p in parts])
    bases = np.cumsum([0] + [len(p.hashes) for p in parts[:-1]])  # one per part: 0, then the sizes before
    offsets = np.concatenate([[0]] + [p.offsets[1:] + base for p, base in zip(parts, bases, strict=True)])
    lines = None
    if all(p.line_words is not None for p in parts):
        lines = np.concatenate([p.line_words for p in parts if p.line_words is not None])
    return ShingleBatch(hashes, offsets.astype(np.int64), lines)


def _ranges(counts: np.ndarray) -> np.ndarray:
    """[0..c0), [0..c1), ... concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)


def _add_short(hashes: np.ndarray, offsets: np.ndarray, short: np.ndarray, word: np.ndarray,
               woff: np.ndarray, line_words: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One shingle of all the words for each text shorter than n words (rare: a loop is fine)."""
    extra = np.zeros(len(offsets) - 1, dtype=np.int64)
    extra[short] = 1
    new_offsets = np.zeros_like(offsets)
    new_offsets[1:] = np.cumsum(np.diff(offsets) + extra)
    out = np.zeros(int(new_offsets[-1]), dtype=np.uint64)
    q = np.uint64(_Q)
    mask = np.ones(len(out), dtype=bool)
    with np.errstate(over="ignore"):
        for i in short:
            h = np.uint64(0)
            for w in word[woff[i] : woff[i + 1]]:
                h = h * q + w
            out[new_offsets[i]] = fmix64(np.array([h], dtype=np.uint64))[0]
            mask[new_offsets[i]] = False
    out[mask] = hashes
    if line_words is not None:
        lw = np.zeros(len(out), dtype=np.int32)
        lw[mask] = line_words
        lw[~mask] = np.diff(woff)[short]
        line_words = lw
    return out, new_offsets, line_words
