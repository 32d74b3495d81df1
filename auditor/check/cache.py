"""`.auditor_cache/`: signatures and findings keyed by content hash, so a commit processes only new files.

Two kinds of entry, both under a folder named by a fingerprint of everything that
changes them (auditor version, cache format, clean settings, shingle size; the
rules too, for findings), so a stale entry is never read:

- `index-<folder>.json` and the folder it names: the built index of one folder's seeds
  (auditor.check.index), each entry tagged with its file's SHA-256, one `.npy` per
  array, memory-mapped with `allow_pickle=False`;
- `files/<sha256>.npz`: the signatures of a file seen since that index was built;
- `docs/<sha256>.json`: a checked file's cleaned text and its own findings.

Writes are atomic (a temporary file renamed), so a killed hook leaves no torn entry;
an unreadable entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np

from auditor.check.index import ARRAYS, SeedIndex
from auditor.check.signature import Signature

FORMAT = 3  # 3: the index as memory-mapped .npy arrays (2: one .npz read whole)


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(*parts: Any) -> str:
    return hashlib.sha1(json.dumps([FORMAT, *parts], sort_keys=True, default=str).encode()).hexdigest()[:16]


@contextmanager
def _atomic(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# A seed file's signatures: one (document id, Signature) per document in the file.
FileSignatures = list[tuple[str, Signature]]


class SignatureCache:
    """Entries under `root/<fingerprint>/`; `root` is created on the first write."""

    def __init__(self, root: Path, sig_fingerprint: str, doc_fingerprint: str) -> None:
        self.sig_dir = root / f"sig-{sig_fingerprint}"
        self.doc_dir = root / f"docs-{doc_fingerprint}"
        self.root = root

    def _index_path(self, folder: Path) -> Path:
        """The index's pointer file: names the folder that holds the current build's arrays."""
        name = hashlib.sha1(os.path.realpath(folder).encode()).hexdigest()[:12]
        return self.sig_dir / f"index-{name}.json"

    def load_index(self, folder: Path) -> SeedIndex | None:
        """The index last built for this folder (its entries name files by content key), or None.

        Each array is a `.npy` file mapped into memory (`mmap_mode="r"`), not read: a check
        looks up one document's shingles and terms by binary search, so it touches a few pages
        of the large sorted arrays instead of reading them all."""
        pointer = self._index_path(folder)
        try:
            build = json.loads(pointer.read_text(encoding="utf-8"))["build"]
            where = pointer.parent / str(build)
            return SeedIndex.from_arrays({name: np.load(where / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                                          for name in ARRAYS})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_index(self, folder: Path, index: SeedIndex) -> None:
        """Arrays into a fresh folder, then the pointer swapped to it atomically; older builds removed
        (a reader still mapping one keeps its open files on POSIX)."""
        self._ignore_me()
        self._prune()
        pointer = self._index_path(folder)
        build = f"{pointer.stem}.{os.getpid()}-{time.time_ns()}"
        where = pointer.parent / build
        where.mkdir(parents=True)
        for name, arr in index.to_arrays().items():
            np.save(where / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        with _atomic(pointer, "w") as f:
            f.write(json.dumps({"build": build}))
        for old in pointer.parent.glob(f"{pointer.stem}.*"):
            if old.is_dir() and old.name != build:
                shutil.rmtree(old, ignore_errors=True)

    def _stats_path(self, folder: Path) -> Path:
        return self._index_path(folder).with_name(self._index_path(folder).stem.replace("index-", "stats-") + ".json")

    def load_stats(self, folder: Path) -> dict[str, list[Any]]:
        """file -> [size, mtime_ns, content key] as last seen, so unchanged files are not read again."""
        try:
            data = json.loads(self._stats_path(folder).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_stats(self, folder: Path, stats: dict[str, list[Any]]) -> None:
        self._ignore_me()
        with _atomic(self._stats_path(folder), "w") as f:
            f.write(json.dumps(stats))  # dumps: json.dump encodes in Python, 20x slower on 1,000 files

    def load_file(self, key: str) -> FileSignatures | None:
        """The signatures of one file's documents, cached when the file was first seen."""
        try:
            with np.load(self.sig_dir / "files" / f"{key}.npz", allow_pickle=False) as z:
                return _unpack(dict(z))
        except (OSError, ValueError, KeyError):
            return None

    def save_file(self, key: str, sigs: FileSignatures) -> None:
        self._ignore_me()
        with _atomic(self.sig_dir / "files" / f"{key}.npz") as f:
            np.savez(f, **_pack(sigs))  # type: ignore[arg-type]

    def load_doc(self, key: str) -> list[dict[str, Any]] | None:
        try:
            data = json.loads((self.doc_dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, list) else None

    def save_doc(self, key: str, docs: list[dict[str, Any]]) -> None:
        self._ignore_me()
        with _atomic(self.doc_dir / f"{key}.json", "w") as f:
            f.write(json.dumps(docs, ensure_ascii=False))

    def _prune(self) -> None:
        """Drop the entries of other fingerprints (older code or settings): a cache, not an archive."""
        for d in [*self.root.glob("sig-*"), *self.root.glob("docs-*")]:
            if d.is_dir() and d not in (self.sig_dir, self.doc_dir):
                shutil.rmtree(d, ignore_errors=True)

    def _ignore_me(self) -> None:
        """A `.gitignore` inside the cache, so that it stays out of any repository it is made in."""
        marker = self.root / ".gitignore"
        if not marker.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            marker.write_text("*\n", encoding="utf-8")


def _pack(rows: FileSignatures) -> dict[str, np.ndarray]:
    sigs = [s for _, s in rows]
    return {
        "ids": np.array([d for d, _ in rows], dtype=str),
        "text_hashes": np.array([s.text_hash for s in sigs], dtype=str),
        "words": np.array([s.words for s in sigs], dtype=np.int64),
        "sh_len": np.array([len(s.shingles) for s in sigs], dtype=np.int64),
        "t_len": np.array([len(s.terms) for s in sigs], dtype=np.int64),
        "shingles": np.concatenate([s.shingles for s in sigs]) if sigs else np.zeros(0, np.uint64),
        "terms": np.concatenate([s.terms for s in sigs]) if sigs else np.zeros(0, np.uint64),
        "counts": np.concatenate([s.counts for s in sigs]) if sigs else np.zeros(0, np.int32),
    }


def _unpack(z: dict[str, np.ndarray]) -> FileSignatures:
    out: FileSignatures = []
    sh_off = np.concatenate([[0], np.cumsum(z["sh_len"])])
    t_off = np.concatenate([[0], np.cumsum(z["t_len"])])
    for i, doc_id in enumerate(z["ids"].tolist()):
        sig = Signature(
            words=int(z["words"][i]),
            text_hash=str(z["text_hashes"][i]),
            shingles=z["shingles"][sh_off[i] : sh_off[i + 1]],
            terms=z["terms"][t_off[i] : t_off[i + 1]],
            counts=z["counts"][t_off[i] : t_off[i + 1]],
        )
        out.append((str(doc_id), sig))
    return out
