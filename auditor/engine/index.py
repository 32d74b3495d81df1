"""A streaming near-duplicate index over MinHash signatures, held in NumPy arrays.

The filter decides copies in input order (the first kept copy wins, as dolma
does; REFERENCES.md), so it needs an index that grows one batch at a time and
answers "which kept document is this a copy of?" without holding shingle sets.
Per indexed document memory holds one 32-bit key per LSH band and one 64-bit key
for its exact text hash (with their int32 entry numbers), the low 8 bits of each
MinHash value (b-bit minwise hashing, Li & Koenig 2010: 128 bytes instead of 512,
enough to preselect candidates), its shingle and prose-shingle counts and where its
shingles start on disk: about 0.67 KB at the batch dedup's 64 bands x 2 rows, no Python object
per key. Its full signature goes to a log on disk (`RowStore`) for --resume.

32-bit band keys (the high half of a 64-bit mix of the band's rows): at 200,000
indexed documents a band key of an unrelated document collides with one of them
with probability 200,000 / 2**32 (5e-5 per band); such a candidate is rejected by
preselection or verification like any other LSH false positive, so the cost is a
few more comparisons, not a wrong answer.

Keys live in sorted runs (a log-structured merge: each batch adds a run, runs of
similar size are merged), so a lookup is one `searchsorted` per run for a whole
batch. Candidates are verified as the batch dedup stage does (auditor.dedup.near):
first estimated on the (b-bit) signatures (Jaccard, and the containment that
follows from it and the two shingle counts, |A & B| = J / (1 + J) * (|A| + |B|)),
with its margin, for a whole batch at once; then a document's surviving candidates
(at most `max_verify`) are bounded together by one search of their shingles in the
document's set, and those within the bounds verified exactly on their shingle sets with
the shared-prose gate, by `auditor.dedup.near.verify_sides` (what the batch stage's
`_verify` runs). The kept documents' shingles (hash and line length, 9 bytes per
shingle) live on disk in a `ShingleStore`, read back only for candidates, so memory
holds 8 bytes per kept document for them.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from auditor.dedup.near import _MARGIN, find_in, prose_gate_may_pass, prose_shingles, verify_sides
from auditor.dedup.shingles import distinct

_MIX = np.uint64(0x9E3779B97F4A7C15)
_CHUNK_ROWS = 1 << 14  # signatures are stored in chunks: growth never copies the whole store
MAX_VERIFY = 8  # see StreamingIndex.max_verify
_PRESELECT_BLOCK = 1 << 12  # (entry, document) pairs preselection compares at a time (see _preselect)
_BBIT_CHANCE = 1 / 256  # two different 32-bit minima agree on their low 8 bits by chance


def bbit(sigs: np.ndarray) -> np.ndarray:
    """The low 8 bits of each MinHash value (b-bit minwise hashing, Li & Koenig 2010): what the
    index keeps in memory to preselect candidates, a quarter of the full signature."""
    return (np.asarray(sigs) & np.uint32(0xFF)).astype(np.uint8)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        return h ^ (h >> np.uint64(33))


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (document, band); the band number is mixed in, so bands never collide."""
    n = sigs.shape[0]
    part = sigs[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        h = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _MIX, (n, bands)).copy()
        for k in range(rows):
            h = fmix64(h * _MIX + part[:, :, k])
    return h


def band_keys32(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """`band_keys`, each key's high 32 bits (the index's stored keys: half the memory)."""
    return (band_keys(sigs, bands, rows) >> np.uint64(32)).astype(np.uint32)


def _merge_runs(ak: np.ndarray, av: np.ndarray, bk: np.ndarray, bv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs as one, `a`'s entries first among equal keys. Placed by `searchsorted`
    rather than concatenated and argsorted: the peak is the two runs, the result and 9 bytes
    per entry of `b`, not also a concatenation and an 8-byte sort order per entry (the
    index's largest transient, at its largest merge)."""
    at = np.searchsorted(ak, bk, side="right") + np.arange(len(bk))
    rest = np.ones(len(ak) + len(bk), dtype=bool)
    rest[at] = False
    keys = np.empty(len(rest), dtype=ak.dtype)
    values = np.empty(len(rest), dtype=av.dtype)
    keys[at], values[at] = bk, bv
    keys[rest], values[rest] = ak, av
    return keys, values


@dataclass(slots=True)
class SortedRuns:
    """A multimap uint64 key -> int64 value as sorted runs, merged log-structured."""

    keys: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self.keys.append(keys[order])
        self.values.append(values[order])
        # merge while the newest run is at least half the size of the one before it
        while len(self.keys) >= 2 and 2 * len(self.keys[-1]) >= len(self.keys[-2]):
            k, v = _merge_runs(self.keys[-2], self.values[-2], self.keys[-1], self.values[-1])
            del self.keys[-2:], self.values[-2:]
            self.keys.append(k)
            self.values.append(v)

    def pairs(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (query position, value) with the query's key, as two arrays (vectorised; the
        pairs in no particular order). The queries are looked up in key order: NumPy's binary
        search starts from the previous needle's place when needles ascend, which more than
        halves the lookups of a batch's 16,384 band keys in runs of millions of keys."""
        qs: list[np.ndarray] = []
        vs: list[np.ndarray] = []
        order = np.argsort(queries, kind="stable")
        queries = queries[order]
        for keys, values in zip(self.keys, self.values, strict=True):
            lo = np.searchsorted(keys, queries, side="left")
            # most queries are in no run: their ends are searched for only where the key is there
            hit = np.flatnonzero(keys.take(np.minimum(lo, len(keys) - 1)) == queries)
            if not len(hit):
                continue
            lo = lo[hit]
            c = np.searchsorted(keys, queries[hit], side="right") - lo
            starts = np.repeat(lo - np.cumsum(c) + c, c)  # each hit's run start, minus its offset
            qs.append(np.repeat(order[hit], c))
            vs.append(values[starts + np.arange(int(c.sum()))])
        if not qs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(qs).astype(np.int64), np.concatenate(vs).astype(np.int64)

    def lookup(self, queries: np.ndarray) -> list[list[int]]:
        """For each query key, the values stored under it (any order)."""
        out: list[list[int]] = [[] for _ in range(len(queries))]
        for keys, values in zip(self.keys, self.values, strict=True):
            lo = np.searchsorted(keys, queries, side="left")
            hi = np.searchsorted(keys, queries, side="right")
            for q in np.flatnonzero(hi > lo):
                out[q].extend(values[lo[q] : hi[q]].tolist())
        return out

    def nbytes(self) -> int:
        return sum(k.nbytes + v.nbytes for k, v in zip(self.keys, self.values, strict=True))


class ShingleStore:
    """Kept documents' shingle hashes (uint64) and line lengths (uint8), appended to a file.

    Per document, memory holds only where its bytes start and how many shingles it
    has; `read` flushes pending writes and reads one document back (pread)."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self._start = array("q")  # document k's shingles are bytes start[k] .. start[k + 1] (or end)
        self._end = 0  # a new file, or a resumed one whose documents are re-registered with `skip`
        self._dirty = False

    def append(self, hashes: np.ndarray, lines: np.ndarray) -> None:
        self._start.append(self._end)
        self._f.write(hashes.astype(np.uint64).tobytes() + lines.astype(np.uint8).tobytes())
        self._end += 9 * len(hashes)
        self._dirty = True

    def skip(self, count: int) -> None:
        """Register a document already in the file (a resumed run rebuilding its index)."""
        self._start.append(self._end)
        self._end += 9 * count

    def read(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        if self._dirty:
            self._f.flush()
            self._dirty = False
        start = self._start[k]
        n = ((self._start[k + 1] if k + 1 < len(self._start) else self._end) - start) // 9
        raw = os.pread(self._f.fileno(), 9 * n, start)
        return np.frombuffer(raw, dtype=np.uint64, count=n), np.frombuffer(raw, dtype=np.uint8, offset=8 * n)

    def nbytes(self) -> int:
        return 8 * len(self._start)


class RowStore:
    """Fixed-size rows (each index entry's full signature) appended to a file: the log a
    resumed run rebuilds the index from (np.fromfile)."""

    def __init__(self, f: IO[bytes], width: int, dtype: Any = np.uint32) -> None:
        self._f = f
        self._dtype = np.dtype(dtype)
        self._width = width
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, row: np.ndarray) -> None:
        self._f.write(np.ascontiguousarray(row, dtype=self._dtype).reshape(self._width).tobytes())
        self._count += 1

    def skip(self, count: int) -> None:
        """Register rows already in the file (a resumed run rebuilding its index)."""
        self._count += count


@dataclass(slots=True)
class Match:
    kept: int  # ordinal of the kept document
    kind: str  # "exact" | "near"
    jaccard: float
    containment: float
    target_kept: bool = True  # False: the first copy seen was itself rejected (for quality)


@dataclass(slots=True)
class StreamingIndex:
    """Kept documents' band keys and sketches; `match_batch` finds each new document's kept original."""

    num_perm: int
    bands: int
    rows: int
    jaccard: float = 0.7
    containment: float = 0.9
    min_shingles: int = 5
    settings: Any = None  # DedupSettings: exact verification and the prose gate (with `store`)
    store: ShingleStore | None = None
    signatures: RowStore | None = None  # the full signatures' log (for --resume); None: not logged
    # Candidates verified exactly per document, the most similar by estimated Jaccard (0: all).
    # The candidates of a filler page grow with the index (the first 40,000 nd200k pages, which
    # reuse a few thousand paragraphs: a mean of 3.4 per document verified at 10,000 indexed,
    # 7.2 at 20,000, 11.3 at 30,000, 15.4 at 40,000) and each costs a read and the prose gate,
    # so without a cap the dedup step's CPU per document grew linearly (0.53 ms over the first
    # 10,000 to 2.9 ms over the 50,000th-60,000th; 1.2-1.45 with the cap). The match found was
    # the top estimate in 198 of 217 matches, within the top 8 in 214 (README: what it changes).
    max_verify: int = MAX_VERIFY
    _chunks: list[np.ndarray] = field(default_factory=list)  # b-bit signatures, _CHUNK_ROWS x num_perm uint8
    _sizes: list[np.ndarray] = field(default_factory=list)
    _prose: list[np.ndarray] = field(default_factory=list)  # per entry: `prose_shingles` (the prose gate's bound)
    _count: int = 0
    _kept: array = field(default_factory=lambda: array("b"))  # per entry: kept (1) or a rejected first copy (0)
    _lsh: SortedRuns = field(default_factory=SortedRuns)
    _exact: SortedRuns = field(default_factory=SortedRuns)

    def __len__(self) -> int:
        return self._count

    def _gather(self, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entries `ks`' b-bit signatures (len(ks), num_perm) and shingle counts (float64). Each run of
        `ks` inside one chunk is one slice (ascending `ks`, as every caller passes: one run per chunk)."""
        rows = np.empty((len(ks), self.num_perm), dtype=np.uint8)
        sizes = np.empty(len(ks), dtype=np.float64)
        if not len(ks):
            return rows, sizes
        chunk, at = np.divmod(ks, _CHUNK_ROWS)
        bounds = [0, *(np.flatnonzero(chunk[1:] != chunk[:-1]) + 1).tolist(), len(ks)]
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            c = int(chunk[lo])
            rows[lo:hi] = self._chunks[c][at[lo:hi]]
            sizes[lo:hi] = self._sizes[c][at[lo:hi]]
        return rows, sizes

    def _append(self, sig: np.ndarray, size: int, kept: bool = True, stored: bool = False, prose: int = 0) -> int:
        """A new entry; `stored`: its signature is already in the signature log (a resumed run);
        `prose`: its `prose_shingles` (0: unknown, which passes every bound)."""
        i = self._count
        self._kept.append(1 if kept else 0)
        row = i % _CHUNK_ROWS
        if row == 0:
            self._chunks.append(np.zeros((_CHUNK_ROWS, self.num_perm), dtype=np.uint8))
            self._sizes.append(np.zeros(_CHUNK_ROWS, dtype=np.uint32))
            self._prose.append(np.zeros(_CHUNK_ROWS, dtype=np.uint32))
        self._chunks[-1][row] = bbit(sig)
        if self.signatures is not None:
            self.signatures.skip(1) if stored else self.signatures.append(sig)
        self._sizes[-1][row] = size
        self._prose[-1][row] = prose
        self._count += 1
        return i

    def _margin(self, exact: bool) -> float:
        return _MARGIN if exact else 0.0  # estimates only preselect when the sets are checked after

    def _estimate(self, mine: np.ndarray, size: np.ndarray, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Estimated Jaccard (b-bit MinHash) and containment of documents with b-bit signatures
        `mine` (rows) and shingle counts `size` against entries `ks` (row by row)."""
        rows, other = self._gather(ks)
        same = np.count_nonzero(rows == mine, axis=1) / self.num_perm  # the mean, as the same float64
        # b-bit minwise hashing (Li & Koenig 2010): unequal minima still agree on their low
        # 8 bits with probability 1/256, so P(agree) = J + (1 - J) / 256
        est_j = np.clip((same - _BBIT_CHANCE) / (1 - _BBIT_CHANCE), 0.0, 1.0)
        size = size.astype(np.float64)
        est_c = np.minimum(1.0, est_j / (1 + est_j) * (size + other) / np.maximum(1, np.minimum(size, other)))
        return est_j, est_c

    def _preselect(self, keys: np.ndarray, mine: np.ndarray, sizes: np.ndarray, eligible: np.ndarray,
                   exact: bool) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each eligible document of a batch, the entries already in the index that share a
        band with it and whose estimates could pass verification: {row: (ordinals ascending,
        est. Jaccard, est. containment)}. One vectorised pass for the whole batch: filler pages
        sharing paragraphs give hundreds of candidates per document at 200,000 documents."""
        q, vals = self._lsh.pairs(keys[eligible].reshape(-1))
        if not len(q):
            return {}
        doc = np.flatnonzero(eligible)[q // self.bands]
        # distinct (entry, document) pairs, entry-major: each comparison block reads the entries'
        # b-bit rows in ascending order, a slice per chunk of the store
        width = len(eligible)
        code = distinct(vals * width + doc)
        out_doc, out_k, out_j, out_c = [], [], [], []
        margin = self._margin(exact)
        # pairs per comparison block: its temporaries are 3 x step x num_perm bytes. 4,096 pairs (1.5 MB)
        # rather than 32,768 (12 MB): the blocks of a 200,000-document index then leave the cores' shared
        # cache to the workers (a worker beside a replay of nd200k's ordered step: 2.19-2.26 ms per
        # document over the last 8 rounds, against 2.41-2.62 with 32,768), at no cost to this step
        step = _PRESELECT_BLOCK
        for s in range(0, len(code), step):
            k, d = np.divmod(code[s : s + step], width)
            est_j, est_c = self._estimate(mine[d], sizes[d], k)
            ok = (est_j >= self.jaccard - margin) | (est_c >= self.containment - margin)
            out_doc.append(d[ok])
            out_k.append(k[ok])
            out_j.append(est_j[ok])
            out_c.append(est_c[ok])
        d, k, j, c = (np.concatenate(x) for x in (out_doc, out_k, out_j, out_c))
        by_doc = np.argsort(d, kind="stable")  # per document, its entries stay ascending
        d, k, j, c = d[by_doc], k[by_doc], j[by_doc], c[by_doc]
        cuts = np.flatnonzero(np.diff(d)) + 1
        groups = zip(np.split(d, cuts), np.split(k, cuts), np.split(j, cuts), np.split(c, cuts), strict=True)
        return {int(g[0]): (kk, jj, cc) for g, kk, jj, cc in groups if len(g)}

    def _verify(self, survivors: tuple[np.ndarray, np.ndarray, np.ndarray],
                shingles: tuple[np.ndarray, np.ndarray] | None, prose: int = 0, size: int = 0) -> Match | None:
        """The best verified match among preselected entries (ascending ordinals, estimates);
        `prose` and `size`: the document's `prose_shingles` and distinct shingles (0: not known)."""
        order, est_j, est_c = survivors
        exact = self.store is not None and self.settings is not None and shingles is not None
        if exact and self.max_verify and len(order) > self.max_verify:
            # the most similar by estimate, then back in entry order (ties still go to the earliest)
            top = np.sort(np.lexsort((order, -est_c, -est_j))[: self.max_verify])
            order, est_j, est_c = order[top], est_j[top], est_c[top]
        if exact and prose and size:
            # the prose gate's bound with the most the two could share (the smaller set, whose Jaccard
            # with the larger is at most their ratio): a page that shares a paragraph with one of
            # several times its prose is ruled out unread (on nd200k, 38% of the candidates read, and
            # every candidate of a quarter of the documents that had any)
            assert self.settings is not None
            theirs, their_prose = counts = self._counts(order)
            most = np.minimum(theirs, size)
            may = prose_gate_may_pass(most, most / np.maximum(theirs, size), prose, their_prose, self.settings)
            if not may.all():
                order, est_j, est_c = order[may], est_j[may], est_c[may]
                if not len(order):
                    return None
                counts = (theirs[may], their_prose[may])
        else:
            counts = None
        best: Match | None = None
        checks: list[Any] = [None] * len(order)
        if exact:
            assert self.store is not None and self.settings is not None and shingles is not None
            mine = (shingles[0], shingles[1], distinct(shingles[0]))
            reads = [self.store.read(c) for c in order.tolist()]
            checks = self._may_pass(mine[2], [h for h, _ in reads], order, prose, counts)
        for n, (c, jac, cont) in enumerate(zip(order.tolist(), est_j.tolist(), est_c.tolist(), strict=True)):
            if exact:
                if checks[n] is None:
                    continue
                theirs, inter, found = checks[n]
                oh, ol = reads[n]
                verified = verify_sides((oh, ol, theirs), mine, self.settings, inter, found)  # type: ignore[arg-type]
                if verified is None:
                    continue
                jac, cont = verified
            kept = bool(self._kept[c])
            if best is None or (kept, jac) > (best.target_kept, best.jaccard):  # a kept copy first
                best = Match(c, "near", jac, cont, kept)
        return best

    def _counts(self, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entries `ks`' distinct shingles and prose shingles (int64 arrays)."""
        chunk, row = np.divmod(ks, _CHUNK_ROWS)
        where = list(zip(chunk.tolist(), row.tolist(), strict=True))
        sizes = np.array([self._sizes[c][r] for c, r in where], dtype=np.int64)
        prose = np.array([self._prose[c][r] for c, r in where], dtype=np.int64)
        return sizes, prose

    def _may_pass(self, mine: np.ndarray, others: list[np.ndarray], ks: np.ndarray, prose: int = 0,
                  counts: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> list[tuple[np.ndarray, int, np.ndarray] | None]:
        """The exact Jaccard/containment bounds verification checks first, and the prose gate's
        bound from the same counts (`prose_gate_may_pass`; `prose`: the document's prose shingles),
        for all of a document's candidates at once (one search of their shingles in `mine`, a
        sorted set): `others` are entries `ks`' shingles in text order (`counts`: their `_counts`,
        where the caller has them). Most preselected candidates (filler pages sharing a paragraph
        or two) stop here (None): on the first 100,000 nd200k pages, 85,336 of 597,074 read
        candidates pass the Jaccard/containment bounds and 83,989 of those then failed the prose
        gate, nearly all (98.4%) already on its bound. For the others, their sorted set, the
        intersection's size and which of their shingles are in `mine`, so that verification does
        none of it again."""
        out: list[tuple[np.ndarray, int, np.ndarray] | None] = [None] * len(others)
        if not len(mine) or not others:
            return out
        lens = np.array([len(o) for o in others], dtype=np.int64)
        flat = np.concatenate(others)
        # a bitmap of mine's low 16 bits rules most shingles out at the cost of one lookup each; only
        # the rest are searched for in mine (a few hundred set bits in 65,536: ~1% pass by chance)
        bits = np.zeros(1 << 16, dtype=bool)
        bits[mine & np.uint64(0xFFFF)] = True
        maybe = np.flatnonzero(bits[flat & np.uint64(0xFFFF)])
        hit, at = find_in(flat[maybe], mine)
        found = np.zeros(len(flat), dtype=bool)
        found[maybe[hit]] = True
        # distinct shared shingles per candidate: (candidate, position in mine) codes
        codes = distinct(np.repeat(np.arange(len(others), dtype=np.int64), lens)[maybe[hit]] * len(mine) + at[hit])
        inter = np.bincount(codes // len(mine), minlength=len(others))
        size, theirs = self._counts(ks) if counts is None else counts
        with np.errstate(divide="ignore", invalid="ignore"):
            jac = inter / (len(mine) + size - inter)
            cont = inter / np.minimum(len(mine), size)
        ok = (inter > 0) & ~((jac < self.jaccard) & (cont < self.containment))
        if prose and self.settings is not None and ok.any():
            ok &= prose_gate_may_pass(inter, jac, prose, theirs, self.settings)
        ends = np.cumsum(lens)
        for n in np.flatnonzero(ok).tolist():
            out[n] = (distinct(others[n]), int(inter[n]), found[ends[n] - lens[n] : ends[n]])
        return out

    def _batch_pairs(self, keys: np.ndarray, big: np.ndarray) -> dict[int, set[int]]:
        """Within a batch: for row i, the rows j < i that share a band key with it (both big enough
        to be banded), from one sort of the batch's keys."""
        rows = np.flatnonzero(big)
        if len(rows) < 2:
            return {}
        flat = keys[rows].reshape(-1)
        order = np.argsort(flat, kind="stable")
        sk, doc = flat[order], np.repeat(rows, self.bands)[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        sizes = np.diff(np.r_[starts, len(sk)])
        out: dict[int, set[int]] = {}
        for st, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            members = sorted(set(doc[st : st + size].tolist()))
            for a, later in enumerate(members):
                out.setdefault(later, set()).update(members[:a])
        return out

    def match_batch(self, sigs: np.ndarray, sizes: np.ndarray, exact: np.ndarray,
                    keep: list[bool], drops: frozenset[str] = frozenset({"exact", "near"}),
                    shingles: list[tuple[np.ndarray, np.ndarray]] | None = None,
                    prose: np.ndarray | None = None) -> tuple[list[Match | None], list[bool]]:
        """Decide a batch in order: document i is matched against kept documents before it.

        `keep[i]` says whether document i is kept if it is no copy (its quality
        verdict). Kept documents are added as they are decided, so a copy inside the
        same batch is found too. A copy whose kind is not in `drops` (policy: flag
        only) is kept, so it is added. A rejected document that is no copy is added
        too, marked rejected: later copies of it name it (`target_kept` False), so
        copy relations are reported whatever the quality verdicts, but only a copy of
        a kept document is dropped as a copy; a kept one is matched first.
        Returns the matches and, per document, whether it was added (in order).
        `prose`: each document's `prose_shingles` (worked out from `shingles` when not given).

        Candidates from the index as it was before the batch are listed and
        preselected for the whole batch at once; those added during the batch
        (few) one document at a time. Either way, candidates are taken in entry
        order, so the result is that of matching one document after another.
        """
        n = len(sizes)
        keys = band_keys32(sigs, self.bands, self.rows) if n else np.zeros((0, self.bands), np.uint32)
        mine = bbit(sigs) if n else np.zeros((0, self.num_perm), np.uint8)
        checked = self.store is not None and self.settings is not None and shingles is not None
        if checked and prose is None:
            assert shingles is not None and self.settings is not None
            gate = self.settings.prose_line_words
            prose = np.array([prose_shingles(h, lw, gate, int(s)) for (h, lw), s in zip(shingles, sizes, strict=True)],
                             dtype=np.int64)
        old = self._preselect(keys, mine, np.asarray(sizes), np.asarray(sizes) >= self.min_shingles, checked)
        old_exact = self._exact.lookup(exact)
        big = np.asarray(sizes) >= self.min_shingles
        earlier = self._batch_pairs(keys, big)
        entry = [-1] * n  # the entry number of each batch row added to the LSH part of the index
        new_exact: dict[int, list[int]] = {}
        added_keys: list[np.ndarray] = []
        added_vals: list[int] = []
        added_exact: list[int] = []
        out: list[Match | None] = []
        added: list[bool] = []
        margin = self._margin(checked)
        for i in range(n):
            ex = int(exact[i])
            twins = old_exact[i] + new_exact.get(ex, [])
            match: Match | None = None
            if twins:
                first = min(twins, key=lambda t: (not self._kept[t], t))  # a kept twin first
                match = Match(first, "exact", 1.0, 1.0, bool(self._kept[first]))
            elif big[i]:
                fresh = {entry[j] for j in earlier.get(i, ()) if entry[j] >= 0}
                survivors = old.get(i)
                if fresh:  # entries of this batch (after every older one: order is kept)
                    ks = np.array(sorted(fresh), dtype=np.int64)
                    est_j, est_c = self._estimate(mine[i][None, :], np.array([sizes[i]]), ks)
                    ok = (est_j >= self.jaccard - margin) | (est_c >= self.containment - margin)
                    if ok.any():
                        part = (ks[ok], est_j[ok], est_c[ok])
                        survivors = part if survivors is None else \
                            tuple(np.concatenate([a, b]) for a, b in zip(survivors, part, strict=True))  # type: ignore[assignment]
                if survivors is not None:
                    match = self._verify(survivors, shingles[i] if shingles else None,
                                         int(prose[i]) if prose is not None else 0, int(sizes[i]))
            out.append(match)
            copy_of_kept = match is not None and match.target_kept
            add = (keep[i] and not (copy_of_kept and match is not None and match.kind in drops)) or match is None
            added.append(add)
            if add:
                k = self._append(sigs[i], int(sizes[i]), keep[i], prose=int(prose[i]) if prose is not None else 0)
                if self.store is not None:
                    self.store.append(*(shingles[i] if shingles else (np.zeros(0, np.uint64), np.zeros(0, np.uint8))))
                new_exact.setdefault(ex, []).append(k)
                added_exact.append(ex)
                if big[i]:
                    entry[i] = k
                    added_keys.append(keys[i])
                    added_vals.append(k)
        if added_exact:
            first = self._count - len(added_exact)
            self._exact.add(np.array(added_exact, dtype=np.uint64), np.arange(first, self._count, dtype=np.int32))
        if added_keys:
            self._lsh.add(np.concatenate(added_keys), np.repeat(np.array(added_vals, dtype=np.int32), self.bands))
        return out, added

    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._chunks) + sum(s.nbytes for s in self._sizes) \
            + sum(p.nbytes for p in self._prose) \
            + self._lsh.nbytes() + self._exact.nbytes() + (self.store.nbytes() if self.store else 0) + len(self._kept)


class RowFile:
    """A `RowStore`'s file read back a slice of rows at a time (pread), so a resumed run rebuilds
    the index without holding every signature (512 bytes per entry: ~100 MB at 200,000)."""

    def __init__(self, f: IO[bytes], width: int, dtype: Any = np.uint32) -> None:
        self._f = f
        self._dtype = np.dtype(dtype)
        self._row = width * self._dtype.itemsize
        self._width = width
        f.flush()
        self._count = os.fstat(f.fileno()).st_size // self._row

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, rows: slice) -> np.ndarray:
        start, stop, _ = rows.indices(self._count)
        raw = os.pread(self._f.fileno(), max(0, stop - start) * self._row, start * self._row)
        return np.frombuffer(raw, dtype=self._dtype).reshape(-1, self._width)


def restore_index(index: StreamingIndex, sigs: np.ndarray | RowFile, sizes: np.ndarray, exact: np.ndarray,
                  counts: np.ndarray | None = None, kept: list[bool] | None = None,
                  prose: np.ndarray | None = None) -> None:
    """Re-add kept documents (in their kept order) from a checkpoint's signature log (an array, or
    a `RowFile` read a step at a time); `counts`: their shingles in the store's file, and their
    signatures in the signature file when the index has one (already there, truncated to the
    checkpoint); `prose`: their `prose_shingles`."""
    step = 4096
    for s in range(0, len(sizes), step):
        e = min(len(sizes), s + step)
        first = len(index)
        part = np.asarray(sigs[s:e])
        for i in range(s, e):
            index._append(part[i - s], int(sizes[i]), kept[i] if kept is not None else True, stored=True,
                          prose=int(prose[i]) if prose is not None else 0)
            if index.store is not None and counts is not None:
                index.store.skip(int(counts[i]))
        ords = np.arange(first, first + (e - s), dtype=np.int64)
        index._exact.add(exact[s:e].astype(np.uint64), ords.astype(np.int32))
        big = sizes[s:e] >= index.min_shingles
        if big.any():
            keys = band_keys32(part[big], index.bands, index.rows)
            index._lsh.add(keys.reshape(-1), np.repeat(ords[big].astype(np.int32), index.bands))
