"""MinHash signatures of many texts at once, bit-identical to datasketch's "affine32" scheme.

datasketch 2.0 (the version pinned in pyproject.toml) computes, for each 32-bit
shingle hash h, `a_k * fmix32(h) + b_k` modulo 2^32 for each permutation k and
keeps the minimum; the permutations (a_k, b_k) come from
`np.random.RandomState(seed)`. We take the permutations from datasketch itself
and apply them to a whole batch of shingles in one NumPy expression, so our
signatures equal those of `MinHash(num_perm, seed, hashfunc=...).update_batch`
fed the same shingle hashes, and `LeanMinHash(seed=, hashvalues=, scheme=)`
wraps them for datasketch's `MinHashLSH`. The scheme is recorded wherever
signatures are stored (datasketch 1.x signatures, "legacy", are not comparable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from auditor.dedup.shingles import ShingleBatch

if TYPE_CHECKING:
    from datasketch import LeanMinHash

SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK = 4096  # shingles per block: a 128 x 4096 uint32 block (2 MiB) stays in cache


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (datasketch pre-mixes every hash with it)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def to_hash32(hashes: np.ndarray) -> np.ndarray:
    """The 32-bit shingle hash MinHash sees: the high half of the 64-bit shingle hash."""
    return (hashes >> np.uint64(32)).astype(np.uint32)


@dataclass(slots=True)
class MinHasher:
    num_perm: int = 128
    seed: int = 1
    a: np.ndarray = field(init=False, repr=False)
    b: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Imported here, not at module level: datasketch pulls in scipy.integrate (about
        # 1.5 s), and importing auditor.config (hence auditor.dedup) must stay quick for
        # the auditor-seeds pre-commit hook.
        from datasketch import MinHash

        perms = MinHash(num_perm=self.num_perm, seed=self.seed, scheme=SCHEME).permutations
        self.a = np.asarray(perms[0], dtype=np.uint32)
        self.b = np.asarray(perms[1], dtype=np.uint32)

    def signatures(self, batch: ShingleBatch) -> np.ndarray:
        """One row of `num_perm` uint32 minima per text; a text without shingles gets all 2^32-1."""
        out = np.full((len(batch), self.num_perm), _EMPTY, dtype=np.uint32)
        counts = np.diff(batch.offsets)
        if not len(batch.hashes):
            return out
        mixed = fmix32(to_hash32(batch.hashes))
        owner = np.repeat(np.arange(len(batch)), counts)
        # Blocks of whole texts (a text longer than a block gets a block of its own).
        start = 0
        total = len(mixed)
        while start < total:
            stop = min(total, start + _CHUNK)
            if stop < total:  # end the block at a text boundary (a long text gets a block of its own)
                boundary = int(batch.offsets[owner[stop]])
                stop = boundary if boundary > start else int(batch.offsets[owner[start] + 1])
            # Permutations along rows, shingles along columns: reduceat over contiguous rows
            # is several times faster than over axis 0 of the transposed block.
            block = self.a[:, None] * mixed[None, start:stop]
            block += self.b[:, None]
            first = owner[start:stop]
            seg_starts = np.concatenate(([0], np.flatnonzero(np.diff(first)) + 1))
            out[first[seg_starts]] = np.minimum.reduceat(block, seg_starts, axis=1).T
            start = stop
        return out

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        return self.signatures(ShingleBatch(hashes, np.array([0, len(hashes)], dtype=np.int64)))[0]

    def lean(self, sig: np.ndarray) -> LeanMinHash:
        """A datasketch LeanMinHash of one signature (for MinHashLSH and friends)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=sig, scheme=SCHEME)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))
