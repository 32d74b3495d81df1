"""neardup: `auditor dedup` on a corpus made by ../shared/bench/make_neardup.py (--set-dir), scored pairwise.

Also runs the reference point of the shared README (datasketch MinHashLSH on the raw
text, 128 permutations, word 5-grams) unless --no-baseline, and reports seconds,
peak memory (of the auditor process) and, with --index, the index bytes per document.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import auditor_cmd, count_lines, score


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-baseline", action="store_true", help="Skip datasketch MinHashLSH on raw text.")
    p.add_argument("--baseline-threshold", type=float, default=0.8)
    p.add_argument("--index", action="store_true", help="Run through a fresh on-disk index and report its size.")
    p.add_argument("--index-split", action="store_true",
                   help="Index every other document first, then dedup the rest against the index (the incremental "
                        "path's matching, scored on the whole set; no --original).")
    p.add_argument("--no-original", action="store_true",
                   help="Do not mark originals (auditor dedup --original); time dedup alone.")


def datasketch_baseline(inputs: Path, pred: Path, threshold: float) -> float:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    recs = [json.loads(line) for line in open(inputs, encoding="utf-8")]
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    parent = {r["id"]: r["id"] for r in recs}

    def find(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for r in recs:
        toks = r["text"].lower().split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(toks[i : i + 5]).encode() for i in range(max(1, len(toks) - 4))])
        for other in lsh.query(m):
            a, b = find(r["id"]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        lsh.insert(r["id"], m)
    with open(pred, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"id": r["id"], "cluster": find(r["id"])}) + "\n")
    return time.perf_counter() - t0


def run_split(inputs: Path, set_dir: str, tmp: Path) -> dict:
    """Half the documents (every other line) into a fresh index, then the other half against it;
    the two runs' clusters together are scored."""
    lines = [ln for ln in open(inputs, encoding="utf-8") if ln.strip()]
    halves = [tmp / "first.jsonl", tmp / "second.jsonl"]
    for k, half in enumerate(halves):
        half.write_text("".join(lines[k::2]), encoding="utf-8")
    rows: dict[str, str] = {}
    secs = []
    for k, half in enumerate(halves):
        out = tmp / f"clusters{k}.jsonl"
        cmd = [*auditor_cmd(), "dedup", str(half), "-o", str(out), "--index", str(tmp / "index")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        secs.append(round(time.perf_counter() - t0, 2))
        if proc.returncode != 0:
            sys.exit(f"Error: auditor dedup failed: {proc.stderr.strip()[-2000:]}")
        for line in open(out, encoding="utf-8"):
            r = json.loads(line)
            rows[r["id"]] = r["cluster"]
    pred = tmp / "clusters.jsonl"
    pred.write_text("".join(json.dumps({"id": i, "cluster": c}) + "\n" for i, c in rows.items()), encoding="utf-8")
    metrics = score("neardup", pred, None, set_dir)
    size = (tmp / "index" / "index.sqlite").stat().st_size
    metrics.update(seconds_first_half=secs[0], seconds_second_half=secs[1],
                   index_bytes_per_doc=round(size / len(lines), 1))
    return metrics


def run(args: argparse.Namespace) -> dict:
    if not args.set_dir:
        sys.exit("Error: neardup needs --set-dir (a folder made by ../shared/bench/make_neardup.py)")
    inputs = Path(args.set_dir) / "inputs.jsonl"
    if args.index_split:
        with tempfile.TemporaryDirectory() as tmp:
            return run_split(inputs, args.set_dir, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "clusters.jsonl"
        cmd = [*auditor_cmd(), "dedup", str(inputs), "-o", str(pred)]
        if not args.no_original:  # which copy of each cluster is the original: score.py's original_accuracy
            cmd.append("--original")
        if args.index:
            cmd += ["--index", str(Path(tmp) / "index")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        secs = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(f"Error: auditor dedup failed: {proc.stderr.strip()[-2000:]}")
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        docs = count_lines(inputs)
        metrics = score("neardup", pred, None, args.set_dir)
        metrics.update(seconds=round(secs, 2), docs_per_s=round(docs / secs, 1), peak_rss_mib=round(peak_kib / 1024, 1))
        if args.index:
            size = (Path(tmp) / "index" / "index.sqlite").stat().st_size
            metrics["index_bytes_per_doc"] = round(size / docs, 1)
        if not args.no_baseline:
            base_pred = Path(tmp) / "baseline.jsonl"
            base_secs = datasketch_baseline(inputs, base_pred, args.baseline_threshold)
            base = score("neardup", base_pred, None, args.set_dir)
            metrics[f"datasketch_raw_f1@{args.baseline_threshold}"] = base["f1"]
            metrics["datasketch_seconds"] = round(base_secs, 2)
    return metrics
