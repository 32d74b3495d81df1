"""A persistent near-duplicate index: signatures and LSH band keys in SQLite.

`auditor dedup --index DIR NEW...` checks new documents against everything added
before without recomputing it, then adds them. Per document the index keeps its
MinHash signature (num_perm x uint32), its distinct shingle count and its cluster;
per band one row (band key -> document). A match against the index is verified
from the signatures: the estimated Jaccard, and the containment that follows from
it and the two shingle counts (|A & B| = J (|A| + |B|) / (1 + J)), then by the
same prose checks as the in-memory path (auditor/dedup/near.py `_verify`: what is
shared is prose, most of the smaller text's prose is inside the other, most of the
larger's inside the smaller), computed from a compact `Sketch` of each document's
shingles: its distinct shingle hashes cut to 32 bits, prose and the rest apart, all
of them for a text of up to SAMPLE_ABOVE distinct shingles, else those whose hash
ends in k zero bits, k the smallest that leaves at most about SAMPLE_ABOVE of them (a
consistent sample: two sketches are compared at the larger k of the two, and the
share of one sample found in the other estimates the share of the whole, with a
standard error of at most about 0.05 at a share of 0.75). The teaser test
(`prose_opening`) needs shingle order and is not applied to indexed matches.

Every change happens inside one SQLite transaction, so an interrupted run (killed,
out of disk) leaves the index as it was before the run. The index records the
settings that make signatures comparable (the MinHash scheme, seed, permutations,
shingle size, bands): opening it with other settings is an error, not a silent
mismatch (datasketch 2.0 changed its default scheme; 1.x signatures are "legacy").

`DedupIndex(None, ...)` is the same index in memory, for streaming use.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import datasketch
import numpy as np

from auditor.dedup.lsh import band_keys, choose_bands
from auditor.dedup.minhash import SCHEME
from auditor.dedup.near import DedupSettings
from auditor.dedup.shingles import ShingleBatch, distinct
from auditor.errors import AuditorError

FILE_NAME = "index.sqlite"
FORMAT = "auditor.dedup-index/2"  # 2: per-document prose sketches (1 matched by signatures only)
SAMPLE_ABOVE = 256  # distinct shingles past which a sketch keeps a sample of them
_HAS_PROSE, _FEW_PROSE, _LEVEL = 1, 2, 3  # Sketch.flags bits; flags >> _LEVEL: the sample's k


class DedupIndexError(AuditorError):
    """The index cannot be opened or does not match the settings."""


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the prose checks need of one document: sorted distinct uint32 shingle hashes
    from prose lines and from the other lines (a hash in both counts as prose), and flags
    (has prose as near.py's `_has_prose` says; fewer than 5 prose shingles, so all its
    shingles count as its prose; the sample level k above them)."""

    prose: np.ndarray
    rest: np.ndarray
    flags: int

    def own(self) -> np.ndarray:
        return np.union1d(self.prose, self.rest) if self.flags & _FEW_PROSE else self.prose

    @property
    def level(self) -> int:
        return self.flags >> _LEVEL

    def restricted(self, level: int) -> Sketch:
        if level <= self.level:
            return self
        return Sketch(_sample(self.prose, level), _sample(self.rest, level),
                      (self.flags & ((1 << _LEVEL) - 1)) | (level << _LEVEL))


def _sample(h: np.ndarray, level: int) -> np.ndarray:
    return h[(h & np.uint32((1 << level) - 1)) == 0] if level else h


def sketches(batch: ShingleBatch, min_words: int) -> list[Sketch]:
    """The sketch of every text of a batch hashed with line word counts (`lines=True`)."""
    from auditor.dedup.near import _has_prose

    out = []
    for i in range(len(batch)):
        h = (batch.of(i) >> np.uint64(32)).astype(np.uint32)  # the high half: fmix64 mixes every bit
        lw = batch.lines_of(i)
        is_prose = lw >= min_words
        prose = distinct(h[is_prose])
        rest = np.setdiff1d(distinct(h[~is_prose]), prose, assume_unique=True)
        flags = (_HAS_PROSE if min_words > 0 and _has_prose(batch, i, min_words) else 0) | (
            _FEW_PROSE if int(is_prose.sum()) < 5 else 0)
        total = len(prose) + len(rest)
        level = math.ceil(math.log2(total / SAMPLE_ABOVE)) if total > SAMPLE_ABOVE else 0
        out.append(Sketch(_sample(prose, level), _sample(rest, level), flags | (level << _LEVEL)))
    return out


def _in(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[idx] == values


def prose_verified(a: Sketch, b: Sketch, settings: DedupSettings) -> bool:
    """near.py's prose checks on two sketches (both cut to the coarser sample of the two)."""
    level = max(a.level, b.level)
    a, b = a.restricted(level), b.restricted(level)
    all_a, all_b = np.union1d(a.prose, a.rest), np.union1d(b.prose, b.rest)
    if (a.flags | b.flags) & _HAS_PROSE:
        for me, other in ((a, all_b), (b, all_a)):  # most of what each side shares is in its prose lines
            shared_prose, shared_rest = int(_in(me.prose, other).sum()), int(_in(me.rest, other).sum())
            if shared_prose == 0 or shared_prose < shared_rest:
                return False
    own_a, own_b = a.own(), b.own()
    share_a = float(_in(own_a, all_b).mean()) if len(own_a) else 0.0
    share_b = float(_in(own_b, all_a).mean()) if len(own_b) else 0.0
    (_, small), (_, large) = sorted(((len(own_a), share_a), (len(own_b), share_b)), key=lambda t: t[0])
    return small >= settings.prose_containment and large >= settings.prose_cover


@dataclass(frozen=True, slots=True)
class Match:
    """A new document's best verified match in the index."""

    id: str
    cluster: str
    jaccard: float
    containment: float


def _meta(settings: DedupSettings) -> dict[str, str]:
    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)
    return {"format": FORMAT, "scheme": SCHEME, "seed": str(settings.seed), "num_perm": str(settings.num_perm),
            "ngram": str(settings.ngram), "bands": str(bands), "rows": str(rows),
            "prose_line_words": str(settings.prose_line_words),
            "datasketch": datasketch.__version__}


class DedupIndex:
    """Signatures and band keys of documents added so far; query, then add."""

    def __init__(self, folder: Path | None, settings: DedupSettings) -> None:
        self.settings = settings
        self.bands, self.rows = choose_bands(settings.lsh_threshold, settings.num_perm)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self.path: str = str(folder / FILE_NAME)
        else:
            self.path = ":memory:"
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")  # readers never see half a run
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create()
        except sqlite3.DatabaseError as e:
            raise DedupIndexError(f"{self.path}: not a usable index ({e})") from None

    def _create(self) -> None:
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS docs (n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
                            "size INTEGER NOT NULL, cluster TEXT NOT NULL, sig BLOB NOT NULL, "
                            "prose BLOB NOT NULL, rest BLOB NOT NULL, flags INTEGER NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, "
                            "PRIMARY KEY (key, doc)) WITHOUT ROWID")
            want = _meta(self.settings)
            have = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            if not have:
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(want.items()))
                return
            for key in ("format", "scheme", "seed", "num_perm", "ngram", "bands", "rows", "prose_line_words"):
                if have.get(key) != want[key]:
                    raise DedupIndexError(f"{self.path}: index was built with {key}={have.get(key)}, "
                                      f"these settings need {key}={want[key]}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: an exception (or a killed process) leaves the index unchanged."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def _keys(self, sigs: np.ndarray) -> np.ndarray:
        return band_keys(sigs, self.bands, self.rows).view(np.int64)  # SQLite integers are signed

    def query(self, sigs: np.ndarray, sizes: np.ndarray, sketched: Sequence[Sketch]) -> list[Match | None]:
        """For each signature, the indexed document it is a near-duplicate of (best Jaccard), or None.
        A match passes the signature estimates, then the prose checks of the two sketches."""
        out: list[Match | None] = [None] * len(sigs)
        if not len(sigs):
            return out
        keys = self._keys(sigs)
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (key INTEGER NOT NULL, q INTEGER NOT NULL)")
        self.db.execute("DELETE FROM probe")
        rows = ((int(k), q) for q in range(len(keys)) for k in keys[q])
        self.db.executemany("INSERT INTO probe VALUES (?, ?)", rows)
        hits = self.db.execute(
            "SELECT DISTINCT p.q, d.n, d.id, d.size, d.cluster, d.sig, d.prose, d.rest, d.flags FROM probe p "
            "JOIN bands b ON b.key = p.key JOIN docs d ON d.n = b.doc"
        ).fetchall()
        self.db.execute("DELETE FROM probe")
        s = self.settings
        for q, _n, doc_id, size, cluster, blob, prose, rest, flags in hits:
            other = np.frombuffer(blob, dtype=np.uint32)
            jac = float(np.mean(other == sigs[q]))
            inter = jac * (size + int(sizes[q])) / (1 + jac)
            cont = inter / max(1, min(size, int(sizes[q])))
            if jac < s.jaccard and cont < s.containment:
                continue
            best = out[q]
            if best is not None and jac <= best.jaccard:
                continue
            if jac < 0.9 and s.prose_line_words > 0:  # as near.py: a near-exact copy needs no gate
                theirs = Sketch(np.frombuffer(prose, dtype=np.uint32), np.frombuffer(rest, dtype=np.uint32), flags)
                if not prose_verified(sketched[q], theirs, s):
                    continue
            out[q] = Match(doc_id, cluster, round(jac, 4), round(min(cont, 1.0), 4))
        return out

    def add(self, ids: Sequence[str], sigs: np.ndarray, sizes: np.ndarray, clusters: Sequence[str],
            sketched: Sequence[Sketch]) -> None:
        """Add documents (call inside `transaction()` to make a run all-or-nothing)."""
        start = int(self.db.execute("SELECT coalesce(max(n), 0) FROM docs").fetchone()[0]) + 1
        nums = range(start, start + len(ids))
        self.db.executemany(
            "INSERT INTO docs (n, id, size, cluster, sig, prose, rest, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((n, i, int(z), c, np.ascontiguousarray(sig, dtype=np.uint32).tobytes(), k.prose.tobytes(),
              k.rest.tobytes(), k.flags)
             for n, i, z, c, sig, k in zip(nums, ids, sizes, clusters, sigs, sketched, strict=True)),
        )
        keys = self._keys(sigs)
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                            ((int(k), n) for n, row in zip(nums, keys, strict=True) for k in row))

    def known(self, ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for s in range(0, len(ids), 500):
            part = list(ids[s : s + 500])
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self.db.execute(f"SELECT id FROM docs WHERE id IN ({marks})", part))
        return out

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            page = self.db.execute("PRAGMA page_size").fetchone()[0]
            return int(page * self.db.execute("PRAGMA page_count").fetchone()[0])
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(self.path).stat().st_size
