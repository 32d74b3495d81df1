"""MinHash signatures over word n-gram shingles of the cleaned text (datasketch)."""

from __future__ import annotations

from datasketch import LeanMinHash, MinHash

from auditor.segment import normalize


def shingles(text: str, n: int = 5) -> set[bytes]:
    """Word n-grams of the normalised text (lowercase, punctuation dropped), as UTF-8 bytes."""
    toks = normalize(text).split()
    if len(toks) < n:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i : i + n]).encode() for i in range(len(toks) - n + 1)}


def signature(shingle_set: set[bytes], num_perm: int = 128, seed: int = 1) -> LeanMinHash:
    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch(sorted(shingle_set))
    return LeanMinHash(m)
