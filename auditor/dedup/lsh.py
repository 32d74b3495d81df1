"""Locality-sensitive hashing over MinHash signatures: band keys and candidate pairs.

A signature of `bands * rows` values is cut into `bands` bands; two documents are
candidates when all `rows` values of at least one band agree, which happens with
probability 1 - (1 - J^rows)^bands for Jaccard J (Leskovec, Rajaraman & Ullman,
"Mining of Massive Datasets", ch. 3.4). Each band is reduced to one 64-bit key so
that a whole batch is grouped by sorting instead of one dictionary insert per band.
(datasketch's `MinHashLSH` indexes the same signatures through `MinHasher.lean`;
this is the batch form of the same banding.)
"""

from __future__ import annotations

import numpy as np

from auditor.dedup.shingles import distinct, fmix64

MAX_BUCKET = 20  # a bucket this full is a shared template, not copies: its pairs are not all listed
# (200 listed 7.6M candidate pairs on 50,000 make_neardup --extra documents, 20 listed 1.9M;
# neardup F1 on seed 1 is the same either way)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n_docs, bands) uint64 keys; key j hashes the values of band j (and j itself)."""
    n = len(sigs)
    v = sigs[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        key = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), (n, bands)).copy()
        for r in range(rows):
            key = fmix64(key * np.uint64(0x9E3779B97F4A7C15) + v[:, :, r])
    return key


def probability(jaccard: float, bands: int, rows: int) -> float:
    """Chance that a pair with this Jaccard similarity becomes a candidate."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows (bands * rows <= num_perm) whose S-curve turns at about `threshold`:
    the approximate threshold of banding is (1 / bands) ** (1 / rows) (MMDS, ch. 3.4.3);
    among the settings near it, the one using the most permutations."""
    best: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        err = abs((1 / bands) ** (1 / rows) - threshold)
        if best is None or err < best[0] - 1e-9:
            best = (err, bands, rows)
    assert best is not None
    return best[1], best[2]


def candidate_chunks(keys: np.ndarray, max_bucket: int = MAX_BUCKET, chunk: int = 1 << 20):
    """(i, j), i < j, pairs of rows sharing a key in some band, as (m, 2) int64 arrays of at
    most about `chunk` rows, band by band: memory stays bounded however many pairs there are
    (a pair sharing several bands comes once per band; the caller verifies and dedupes).

    A bucket with more than `max_bucket` members contributes only pairs of adjacent
    members (a chain), so the cluster still forms but the count stays linear."""
    pending: list[np.ndarray] = []
    held = 0
    for band in range(keys.shape[1]):
        for part in _band_pairs(keys[:, band], max_bucket):
            pending.append(part)
            held += len(part)
            if held >= chunk:
                yield np.concatenate(pending)
                pending, held = [], 0
    if pending:
        yield np.concatenate(pending)


def _band_pairs(col: np.ndarray, max_bucket: int):
    order = np.argsort(col, kind="stable")
    sorted_keys = col[order]
    same = sorted_keys[1:] == sorted_keys[:-1]
    if not same.any():
        return
    # run starts/ends of equal keys
    edges = np.flatnonzero(np.diff(np.concatenate(([False], same, [False])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2] + 1  # [start, end) in sorted order, size >= 2
    sizes = ends - starts
    small = sizes <= max_bucket
    for size in np.unique(sizes[small]):
        sel_all = starts[small & (sizes == size)]
        ii, jj = np.triu_indices(int(size), k=1)
        step = max(1, (1 << 18) // len(ii))  # buckets per slice: a few hundred thousand pairs at a time
        for k in range(0, len(sel_all), step):
            sel = sel_all[k : k + step]
            a = order[sel[:, None] + ii[None, :]].ravel()
            b = order[sel[:, None] + jj[None, :]].ravel()
            yield np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1).astype(np.int64)
    for s, e in zip(starts[~small], ends[~small], strict=True):
        members = np.sort(order[s:e])
        yield np.stack([members[:-1], members[1:]], axis=1).astype(np.int64)


def candidate_pairs(keys: np.ndarray, max_bucket: int = MAX_BUCKET) -> np.ndarray:
    """Distinct (i, j), i < j, candidate pairs at once; (m, 2) int64 (small inputs, tests)."""
    n = len(keys)
    out = list(candidate_chunks(keys, max_bucket))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    code = distinct(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)
