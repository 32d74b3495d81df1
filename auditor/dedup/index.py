"""A persistent near-duplicate index: signatures and LSH band keys in SQLite.

`auditor dedup --index DIR NEW...` checks new documents against everything added
before without recomputing it, then adds them. Per document the index keeps its
MinHash signature (num_perm x uint32), its distinct shingle count and its cluster;
per band one row (band key -> document). A match against the index is verified
from the signatures: the estimated Jaccard, and the containment that follows from
it and the two shingle counts (|A & B| = J (|A| + |B|) / (1 + J)); the shingle
sets themselves are not stored.

Every change happens inside one SQLite transaction, so an interrupted run (killed,
out of disk) leaves the index as it was before the run. The index records the
settings that make signatures comparable (the MinHash scheme, seed, permutations,
shingle size, bands): opening it with other settings is an error, not a silent
mismatch (datasketch 2.0 changed its default scheme; 1.x signatures are "legacy").

`DedupIndex(None, ...)` is the same index in memory, for streaming use.
"""

from __future__ import annotations

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
from auditor.errors import AuditorError

FILE_NAME = "index.sqlite"
FORMAT = "auditor.dedup-index/1"


class DedupIndexError(AuditorError):
    """The index cannot be opened or does not match the settings."""


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
                            "size INTEGER NOT NULL, cluster TEXT NOT NULL, sig BLOB NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, "
                            "PRIMARY KEY (key, doc)) WITHOUT ROWID")
            want = _meta(self.settings)
            have = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            if not have:
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(want.items()))
                return
            for key in ("format", "scheme", "seed", "num_perm", "ngram", "bands", "rows"):
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

    def query(self, sigs: np.ndarray, sizes: np.ndarray) -> list[Match | None]:
        """For each signature, the indexed document it is a near-duplicate of (best Jaccard), or None."""
        out: list[Match | None] = [None] * len(sigs)
        if not len(sigs):
            return out
        keys = self._keys(sigs)
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (key INTEGER NOT NULL, q INTEGER NOT NULL)")
        self.db.execute("DELETE FROM probe")
        rows = ((int(k), q) for q in range(len(keys)) for k in keys[q])
        self.db.executemany("INSERT INTO probe VALUES (?, ?)", rows)
        hits = self.db.execute(
            "SELECT DISTINCT p.q, d.n, d.id, d.size, d.cluster, d.sig FROM probe p "
            "JOIN bands b ON b.key = p.key JOIN docs d ON d.n = b.doc"
        ).fetchall()
        self.db.execute("DELETE FROM probe")
        s = self.settings
        for q, _n, doc_id, size, cluster, blob in hits:
            other = np.frombuffer(blob, dtype=np.uint32)
            jac = float(np.mean(other == sigs[q]))
            inter = jac * (size + int(sizes[q])) / (1 + jac)
            cont = inter / max(1, min(size, int(sizes[q])))
            if jac >= s.jaccard or cont >= s.containment:
                best = out[q]
                if best is None or jac > best.jaccard:
                    out[q] = Match(doc_id, cluster, round(jac, 4), round(min(cont, 1.0), 4))
        return out

    def add(self, ids: Sequence[str], sigs: np.ndarray, sizes: np.ndarray, clusters: Sequence[str]) -> None:
        """Add documents (call inside `transaction()` to make a run all-or-nothing)."""
        start = int(self.db.execute("SELECT coalesce(max(n), 0) FROM docs").fetchone()[0]) + 1
        nums = range(start, start + len(ids))
        self.db.executemany(
            "INSERT INTO docs (n, id, size, cluster, sig) VALUES (?, ?, ?, ?, ?)",
            ((n, i, int(z), c, np.ascontiguousarray(sig, dtype=np.uint32).tobytes())
             for n, i, z, c, sig in zip(nums, ids, sizes, clusters, sigs)),
        )
        keys = self._keys(sigs)
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                            ((int(k), n) for n, row in zip(nums, keys) for k in row))

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
