"""The ordered half of the filter: dedup decisions in input order, outputs, checkpoints.

Engines (local processes, Ray) produce `BatchResult`s in input order; `FilterRun`
consumes them one by one, so the kept and rejected sets do not depend on the
engine or the number of workers.

Atomic and resumable: every output is written to `OUT/.filter-work/` and renamed
into `OUT/` only when the run completes. Every `checkpoint_every` records the part
files are flushed and `state.json` (written atomically) records how many input
records are done, each part file's length and the counts. A run killed at any
moment (SIGKILL included) and started again with `--resume` truncates the part
files to the last checkpoint, rebuilds the dedup index from the indexed
documents' logs (signatures, sizes, exact hashes; their shingles stay on disk),
skips the records already done and goes on, so it ends with the same outputs as
an uninterrupted run.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from auditor.document import Severity
from auditor.engine.index import RowFile, RowStore, ShingleStore, StreamingIndex, restore_index
from auditor.engine.work import BatchResult, Outcome, StageConfig
from auditor.errors import AuditorError
from auditor.io.writers import atomic_writer

WORK = ".filter-work"
OUTPUTS = ("kept", "rejected", "errors")
STATE_SCHEMA = "auditor.filter-state/6"  # 6: the index log holds each entry's prose shingles
SUMMARY_SCHEMA = "auditor.filter/1"


class ResumeError(AuditorError):
    """`--resume` was asked for but the checkpoint is missing or does not match this run."""


@dataclass(slots=True)
class Counts:
    records: int = 0
    kept: int = 0
    rejected: int = 0
    errors: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejected documents per drop reason
    flags: Counter[str] = field(default_factory=Counter)  # documents per flag-only finding
    error_codes: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "kept": self.kept, "rejected": self.rejected, "errors": self.errors,
                "reasons": dict(sorted(self.reasons.items())), "flags": dict(sorted(self.flags.items())),
                "error_codes": dict(sorted(self.error_codes.items()))}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Counts:
        return cls(d["records"], d["kept"], d["rejected"], d["errors"], Counter(d["reasons"]),
                   Counter(d["flags"]), Counter(d["error_codes"]))


def new_index(config: StageConfig, store: IO[bytes], signatures: IO[bytes]) -> StreamingIndex:
    from auditor.dedup.lsh import choose_bands

    d = config.dedup
    bands, rows = choose_bands(d.lsh_threshold, d.num_perm)  # the batch dedup stage's banding
    return StreamingIndex(d.num_perm, bands, rows, d.jaccard, d.containment, d.min_shingles, settings=d,
                          store=ShingleStore(store), signatures=RowStore(signatures, d.num_perm))


class IdLog:
    """The dedup index's entries' ids, one JSON line `[id, kept]` each, in a file; memory holds
    8 bytes per entry (where its line starts), and a match's id is read back by pread."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self._start = array("q")
        self._end = 0
        self._dirty = False

    def append(self, doc_id: str, kept: bool) -> None:
        line = (json.dumps([doc_id, kept], ensure_ascii=False) + "\n").encode()
        self._start.append(self._end)
        self._f.write(line)
        self._end += len(line)
        self._dirty = True

    def restore(self) -> list[bool]:
        """Register the entries already in the file (a resumed run); their kept flags."""
        kept: list[bool] = []
        self._f.flush()
        self._f.seek(0)
        for line in self._f:
            self._start.append(self._end)
            self._end += len(line)
            kept.append(bool(json.loads(line)[1]))
        return kept

    def nbytes(self) -> int:
        return 8 * len(self._start)

    def __getitem__(self, k: int) -> str:
        if self._dirty:
            self._f.flush()
            self._dirty = False
        end = self._start[k + 1] if k + 1 < len(self._start) else self._end
        return str(json.loads(os.pread(self._f.fileno(), end - self._start[k], self._start[k]))[0])


class FilterRun:
    """Consumes batch results in input order; writes the outputs (unless dry-run) and checkpoints."""

    def __init__(self, out: Path, config: StageConfig, fingerprint: dict[str, Any], *, dry_run: bool = False,
                 resume: bool = False, gzip_output: bool = False) -> None:
        self.out = Path(out)
        self.config = config
        self.fingerprint = fingerprint
        self.dry_run = dry_run
        self.gzip_output = gzip_output
        self.counts = Counts()
        self.resumed_from = 0
        self._since_checkpoint = 0
        self._files: dict[str, IO[bytes]] = {}
        self.already_done = False  # resumed after every record was done, while renaming the outputs
        policy = config.policy
        self._dup_drops = frozenset(k for k, code in (("exact", "D001"), ("near", "D002"))
                                    if policy.drops(code, Severity.ERROR))
        self.work = self.out / WORK
        if dry_run:  # the index's shingles, signatures and ids still go to files, anonymous ones
            for name in ("shingles", "sigs", "ids"):
                self._files[name] = tempfile.TemporaryFile()
            self.index = new_index(config, self._files["shingles"], self._files["sigs"])
            # ids of the index's entries: kept documents and rejected first copies
            self.index_ids = IdLog(self._files["ids"])
            return
        if resume:
            self._restore()
        else:
            if self.work.exists():
                shutil.rmtree(self.work)
            self.work.mkdir(parents=True)
        if not resume:
            self.index = new_index(config, self._open("shingles"), self._open("sigs"))
            self.index_ids = IdLog(self._open("ids"))
        if self.already_done:
            return
        for name in (*OUTPUTS, "index"):
            self._files[name] = open(self.work / _part(name), "ab")

    def _open(self, name: str) -> IO[bytes]:
        self._files[name] = open(self.work / _part(name), "a+b")  # read back for verification
        return self._files[name]

    # ------------------------------------------------------------------ checkpoints
    def _restore(self) -> None:
        state_path = self.work / "state.json"
        if not state_path.is_file():
            raise ResumeError(f"nothing to resume in {self.out} (no {WORK}/state.json); run without --resume")
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state.get("schema") != STATE_SCHEMA or state.get("fingerprint") != self.fingerprint:
            old = state.get("fingerprint") or {}
            what = sorted(k for k in {*old, *self.fingerprint} if old.get(k) != self.fingerprint.get(k))
            raise ResumeError(f"cannot resume in {self.out}: the inputs or settings changed since the interrupted "
                              f"run ({', '.join(what) or 'checkpoint format'})")
        for name, size in state["offsets"].items():
            with open(self.work / _part(name), "ab") as f:
                f.truncate(size)
        self.counts = Counts.from_dict(state["counts"])
        self.resumed_from = self.counts.records
        self.index = new_index(self.config, self._open("shingles"), self._open("sigs"))
        log = np.fromfile(self.work / _part("index"), dtype=np.int64).reshape(-1, 4)  # exact, size, shingles, prose
        exact = log[:, 0].copy().view(np.uint64)
        sigs = RowFile(self._files["sigs"], self.config.dedup.num_perm)  # read a step at a time
        self.index_ids = IdLog(self._open("ids"))
        kept = self.index_ids.restore()
        restore_index(self.index, sigs, log[:, 1].copy(), exact, log[:, 2].copy(), kept, log[:, 3].copy())
        del log, sigs
        if state.get("done"):
            self._finish_renames()
            self.already_done = True

    def checkpoint(self, force: bool = False) -> None:
        if self.dry_run or (not force and self._since_checkpoint < self.config.policy.checkpoint_every):
            return
        offsets = {}
        for name, f in self._files.items():
            f.flush()
            offsets[name] = f.tell()
        self._write_state(offsets, done=False)
        self._since_checkpoint = 0

    def _write_state(self, offsets: dict[str, int], done: bool) -> None:
        state = {"schema": STATE_SCHEMA, "fingerprint": self.fingerprint, "offsets": offsets,
                 "counts": self.counts.to_dict(), "done": done}
        with atomic_writer(self.work / "state.json") as f:
            json.dump(state, f)

    # ------------------------------------------------------------------ the ordered step
    def consume(self, result: BatchResult) -> None:
        outs = result.outcomes
        live = [i for i, o in enumerate(outs) if not o.error]
        matches, added = self.index.match_batch(
            result.signatures[live],
            np.array([outs[i].size for i in live], dtype=np.int64),
            np.array([outs[i].exact for i in live], dtype=np.uint64),
            keep=[not outs[i].drops for i in live],
            drops=self._dup_drops,
            shingles=[result.shingles_of(i) for i in live],
            prose=np.array([outs[i].prose for i in live], dtype=np.int64),
        ) if live else ([], [])
        by_row = dict(zip(live, zip(matches, added, strict=True), strict=True))
        for i, o in enumerate(outs):
            self.counts.records += 1
            self._since_checkpoint += 1
            if o.error:
                self.counts.errors += 1
                self.counts.error_codes[o.code] += 1
                self._write("errors", o.body + "}\n")
                continue
            match, add = by_row[i]
            self._decide(o, match, len(result.shingles_of(i)[0]), add)

    def _decide(self, o: Outcome, match: Any, shingles: int, add: bool) -> None:
        drops = list(o.drops)
        flags = list(o.flags)
        dup: dict[str, Any] | None = None
        if match is not None:
            kept = self.index_ids[match.kept]
            code = "D001" if match.kind == "exact" else "D002"
            dup = {"id": kept, "kind": match.kind, "jaccard": round(match.jaccard, 4),
                   "containment": round(match.containment, 4), "kept": match.target_kept}
            if match.target_kept and match.kind in self._dup_drops:  # a copy of a rejected one is judged alone
                msg = f"duplicate of {kept}" if match.kind == "exact" else \
                    f"near-duplicate of {kept} (estimated Jaccard {match.jaccard:.2f})"
                drops.append({"code": code, "name": "exact-duplicate" if code == "D001" else "near-duplicate",
                              "severity": "error", "message": msg, "value": round(match.jaccard, 4)})
            elif match.target_kept:
                flags.append(code)
        self.counts.flags.update(set(flags))
        if add:
            self._log_entry(o, shingles, kept=not drops)
        if drops:
            self.counts.rejected += 1
            self.counts.reasons.update({r["code"] for r in drops})
            tail = ', "reasons": ' + json.dumps(drops, ensure_ascii=False)
            if dup is not None:
                tail += ', "duplicate_of": ' + json.dumps(dup, ensure_ascii=False)
            self._write("rejected", o.body + tail + "}\n")
            return
        self.counts.kept += 1
        tail = "" if dup is None else ', "duplicate_of": ' + json.dumps(dup, ensure_ascii=False)
        self._write("kept", o.body + tail + "}\n")

    def _log_entry(self, o: Outcome, shingles: int, kept: bool) -> None:
        """A new dedup index entry: its id, and for --resume its exact hash and sizes (the index
        itself wrote its signature and shingles)."""
        self.index_ids.append(o.id, kept)
        if not self.dry_run:
            head = (np.array([o.exact], dtype=np.uint64).tobytes()
                    + np.array([o.size, shingles, o.prose], dtype=np.int64).tobytes())
            self._files["index"].write(head)

    def _write(self, name: str, line: str) -> None:
        if not self.dry_run:
            self._files[name].write(line.encode("utf-8"))

    # ------------------------------------------------------------------ the end
    def finish(self, elapsed_s: float, extra: dict[str, Any]) -> dict[str, Any]:
        """Rename the parts into place, write summary.json, remove the work folder; return the summary."""
        summary = {"schema": SUMMARY_SCHEMA, **self.counts.to_dict(),
                   "kept_share": round(self.counts.kept / self.counts.records, 4) if self.counts.records else 0.0,
                   "elapsed_s": round(elapsed_s, 3),
                   "docs_per_s": round((self.counts.records - self.resumed_from) / elapsed_s, 1) if elapsed_s else 0.0,
                   "resumed_from": self.resumed_from, "dry_run": self.dry_run,
                   "index_entries": len(self.index), "index_bytes": self.index.nbytes() + self.index_ids.nbytes(),
                   **extra}
        if self.dry_run:
            self.close()
            return summary
        if not self.already_done:
            offsets = {}
            for name, f in self._files.items():
                f.flush()
                offsets[name] = f.tell()
                f.close()
            self._write_state(offsets, done=True)
            self._finish_renames()
        summary["outputs"] = {n: str(self.out / self.output_name(n)) for n in OUTPUTS}
        with atomic_writer(self.out / "summary.json") as out:
            json.dump(summary, out, indent=2)
            out.write("\n")
        shutil.rmtree(self.work, ignore_errors=True)
        return summary

    def output_name(self, name: str) -> str:
        return f"{name}.jsonl" + (".gz" if self.gzip_output else "")

    def _finish_renames(self) -> None:
        for name in OUTPUTS:
            part = self.work / _part(name)
            if not part.exists():
                continue  # renamed before an interruption
            final = self.out / self.output_name(name)
            if self.gzip_output:
                tmp = self.work / (final.name + ".tmp")
                with open(part, "rb") as src, gzip.open(tmp, "wb", compresslevel=6) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                os.replace(tmp, final)
                part.unlink()
            else:
                os.replace(part, final)

    def close(self) -> None:
        for f in self._files.values():
            if not f.closed:
                f.close()


def _part(name: str) -> str:
    return {"index": "index.bin", "ids": "kept_ids.jsonl", "shingles": "shingles.bin",
            "sigs": "signatures.bin"}.get(name, f"{name}.jsonl.part")
