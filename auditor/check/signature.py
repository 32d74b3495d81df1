"""Signatures of one cleaned text, small enough to cache: its shingles and its terms.

Shingles are word n-grams of the normalised text (lowercase words, punctuation
dropped; as auditor.dedup), hashed to 64 bits: each word with xxh3-64 (the hash
text-dedup uses, REFERENCES.md), an n-gram as a polynomial of its words' hashes
(wrapping uint64 arithmetic). Comparing sets of them gives exact Jaccard and
containment, and their positions give the passages two texts share.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import xxhash

from auditor.segment import WORD, normalize

# English function words, left out of the terms that same-story similarity weighs: on a
# handful of seeds inverse document frequency cannot tell them from content words. (As
# scikit-learn's stop_words="english", which auditor.dedup.rewrites uses; importing
# scikit-learn costs seconds at every commit, so the hook carries its own short list.)
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either else even ever every few for
from further had has have having he her here hers herself him himself his how however i if in into is
it its itself just least less may me might more most much must my myself neither no nor not now of off
on once one only or other our ours ourselves out over own per rather same shall she should since so some
such than that the their theirs them themselves then there these they this those though through thus to
too under until up upon us very was we were what when where whether which while who whom whose why will
with within without would yet you your yours yourself yourselves said says say
""".split())

_MULT = np.uint64(0x100000001B3)  # FNV-64 prime: any odd 64-bit multiplier mixes the words' order in


@dataclass(slots=True)
class Tokens:
    """The words of a text with their character spans, and their 64-bit hashes."""

    starts: np.ndarray  # int64 character offsets of each word
    ends: np.ndarray
    hashes: np.ndarray  # uint64, one per word
    words: list[str]  # lowercased


def tokenize(text: str) -> Tokens:
    spans = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    return Tokens(
        starts=np.fromiter((s for s, _, _ in spans), dtype=np.int64, count=len(spans)),
        ends=np.fromiter((e for _, e, _ in spans), dtype=np.int64, count=len(spans)),
        hashes=np.fromiter((xxhash.xxh3_64_intdigest(w.encode()) for _, _, w in spans), dtype=np.uint64,
                           count=len(spans)),
        words=[w for _, _, w in spans],
    )


def shingle_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """One uint64 per word n-gram, in text order (position i covers words i..i+n-1)."""
    if len(word_hashes) < n:
        if not len(word_hashes):
            return np.zeros(0, dtype=np.uint64)
        n = len(word_hashes)  # a short text is one shingle of all its words
    out = np.zeros(len(word_hashes) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            out = out * _MULT + word_hashes[k : len(word_hashes) - n + 1 + k]
    return out


def median_line_words(text: str) -> float:
    """Median words per non-empty line: prose runs to long lines, menus and link lists do not."""
    counts = sorted(len(WORD.findall(line)) for line in text.split("\n") if line.strip())
    if not counts:
        return 0.0
    mid = len(counts) // 2
    return float(counts[mid]) if len(counts) % 2 else (counts[mid - 1] + counts[mid]) / 2


def unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs. (np.unique does the same, but on
    numpy 2 its first call imports numpy.ma: 0.15 s of every hook run.)"""
    s = np.sort(values)
    if not len(s):
        return s, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate([[True], s[1:] != s[:-1]]))
    return s[first], np.diff(np.append(first, len(s)))


@dataclass(slots=True)
class Signature:
    """What the comparison needs of one document: no text, only numbers (cached as arrays)."""

    words: int
    text_hash: str  # SHA-1 of the normalised text: equal for exact duplicates
    shingles: np.ndarray  # sorted unique uint64
    terms: np.ndarray  # sorted unique uint64 word hashes
    counts: np.ndarray  # int32 occurrences of each term


def sign(text: str, ngram: int) -> tuple[Signature, Tokens]:
    toks = tokenize(text)
    content = [h for h, w in zip(toks.hashes.tolist(), toks.words, strict=True)
               if len(w) > 2 and not w.isdigit() and w not in STOP_WORDS]
    terms, counts = unique_counts(np.array(content, dtype=np.uint64))
    sig = Signature(
        words=len(toks.hashes),
        text_hash=hashlib.sha1(normalize(text).encode()).hexdigest(),
        shingles=unique_counts(shingle_hashes(toks.hashes, ngram))[0],
        terms=terms,
        counts=counts.astype(np.int32),
    )
    return sig, toks
