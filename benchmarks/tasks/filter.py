"""filter: documents/s and peak memory of `auditor filter` (1 and 2 workers) vs datatrove, same input.

    python benchmarks/run.py filter                       # /tmp/nd200k (made with make_neardup.py --extra 200000)
    python benchmarks/run.py filter --limit 20000 --baseline-limit 3000
    python benchmarks/run.py filter --quality --set-dir /tmp/nd4_seed1   # streaming dedup vs score.py neardup

The corpus is made by ../shared/bench/make_neardup.py (kept in /tmp, never in the
repository) when missing. In one run, interleaved: ours on a small prefix (the
memory baseline), ours with 1 worker, datatrove's nearest equivalent (JsonlReader ->
GopherRepetitionFilter -> GopherQualityFilter -> JsonlWriter, then its 4 MinHash
dedup stages with FineWeb defaults; needs the auditor[bench] extra), ours with 2
workers. datatrove runs `--baseline-rounds` times (3) on the same documents, its rounds spread
over the run (before the 1-worker run, between the two, after the 2-worker run: the shared
machine's speed drifts), and its figures are the medians. Peak memory is the peak resident set
of the whole process tree, polled.
Memory growth per document = (peak on N documents - peak on the prefix) / the
difference in documents, the dedup index included. CPU seconds are the whole
process tree's user + system time (getrusage of the waited-for children), which
other jobs on a shared machine disturb far less than wall-clock documents/s.

The stages each side runs (not the same work: ours does more per document):
- ours: parse JSON, clean (boilerplate line rules + the 200-tree line model),
  repeated passages (D003, D006), every document rule of rules/ (Gopher quality
  and repetition, C4, templated-text and web rules), word 5-gram MinHash (128
  permutations), streaming LSH with exact shingle verification, write.
- datatrove: JsonlReader, GopherRepetitionFilter, GopherQualityFilter, JsonlWriter,
  then MinhashDedupSignature (5-grams, 14 x 8 = 112 hashes), Buckets, Cluster,
  Filter + JsonlWriter; no cleaning, no passage repeats, no exact verification.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.common import BENCH, ROOT, auditor_cmd, score

DATATROVE = textwrap.dedent("""
    import sys
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter,
                                          MinhashDedupSignature)
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.utils.hashing import HashConfig
    from datatrove.pipeline.filters import GopherQualityFilter, GopherRepetitionFilter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src, work = sys.argv[1], sys.argv[2]
    # FineWeb's settings: word 5-grams, 14 buckets x 8 hashes, SHA-1 64-bit shingle hashes (datatrove's
    # xxhash default passes str, which xxhash >= 4 refuses)
    cfg = MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="sha1"))
    def run(steps, name, tasks=1):
        LocalPipelineExecutor(steps, tasks=tasks, workers=1, logging_dir=f"{work}/logs/{name}").run()
    run([JsonlReader(src, glob_pattern="inputs.jsonl"), GopherRepetitionFilter(), GopherQualityFilter(),
         JsonlWriter(f"{work}/filtered")], "filter")
    run([JsonlReader(f"{work}/filtered"), MinhashDedupSignature(f"{work}/sigs", config=cfg)], "sigs")
    run([MinhashDedupBuckets(f"{work}/sigs", f"{work}/buckets", config=cfg)], "buckets", tasks=cfg.num_buckets)
    run([MinhashDedupCluster(f"{work}/buckets", f"{work}/remove_ids", config=cfg)], "cluster")
    run([JsonlReader(f"{work}/filtered"), MinhashDedupFilter(f"{work}/remove_ids"),
         JsonlWriter(f"{work}/deduped")], "dedup")
""")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", default="/tmp/nd200k", help="folder with inputs.jsonl (made if missing)")
    p.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    p.add_argument("--baseline-limit", type=int, default=3000,
                   help="datatrove on the first N documents only (0: all; it runs at tens of documents/s)")
    p.add_argument("--prefix", type=int, default=2000, help="documents of the memory-baseline run")
    p.add_argument("--baseline-prefix", type=int, default=200,
                   help="datatrove also on its first N documents: its start-up (spaCy, 5 executor runs, 14 "
                        "bucket tasks) is what the two runs share, so (limit - N) / (time - time on N) is its "
                        "start-up-excluded rate (0: skip)")
    p.add_argument("--baseline-rounds", type=int, default=3,
                   help="datatrove runs on the same documents; its figures are their medians (one run swung "
                        "from 24 to 32 s on 2,000 documents on the shared 2-core machine)")
    p.add_argument("--no-baseline", action="store_true", help="skip datatrove")
    p.add_argument("--code", choices=("head", "tree"), default="head",
                   help="run the committed code (a snapshot of HEAD: a long run is immune to edits in a shared "
                        "checkout) or the working tree as it is")
    p.add_argument("--quality", action="store_true",
                   help="instead: near-duplicate quality of the filter's dedup on a labelled make_neardup.py set "
                        "(score.py neardup: kept documents are their own cluster, rejected copies the kept one's)")


def neardup_predictions(out: Path, pred: Path) -> int:
    """score.py neardup predictions from a filter run: one line per input record. A record's cluster
    is the first copy its `duplicate_of` chain leads to (a copy of a rejected first copy names it)."""
    parent: dict[str, str] = {}
    for name in ("kept", "rejected", "errors"):
        path = out / f"{name}.jsonl"
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                dup = rec.get("duplicate_of")
                parent[rec["id"]] = dup["id"] if dup else rec["id"]

    def root(k: str) -> str:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    with open(pred, "w", encoding="utf-8") as g:
        for k, p in parent.items():
            g.write(json.dumps({"id": k, "cluster": root(k), "original": p == k}) + "\n")
    return len(parent)


def quality(args: argparse.Namespace) -> dict:
    set_dir = Path(args.set_dir or "/tmp/nd4_seed1")  # the labelled set (made with --seed 1 if missing)
    if not (set_dir / "inputs.jsonl").is_file():
        subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(set_dir), "--seed", "1"], check=True,
                       stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        ours = _ours(set_dir / "inputs.jsonl", tmp / "out", 1)
        n = neardup_predictions(tmp / "out", tmp / "pred.jsonl")
        m = score("neardup", tmp / "pred.jsonl", None, str(set_dir))
        m.update(documents=n, seconds=round(ours["seconds"], 2), kept=ours["summary"]["kept"],
                 rejected=ours["summary"]["rejected"], reasons=ours["summary"]["reasons"])
    return m


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _peak_rss(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
              ) -> tuple[float, int, float]:
    """(seconds, peak RSS bytes of the process tree, CPU seconds of the tree), polling every 50 ms."""
    import psutil

    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
        sys.exit(f"Error: {' '.join(cmd)} failed ({proc.returncode}): {err}")
    return secs, peak, _children_cpu() - cpu0


def _head(src: Path, n: int, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(src, "rb") as f, open(out, "wb") as g:
        for line in f:
            if n and count >= n:
                break
            g.write(line)
            count += 1
    return count


def _snapshot(dest: Path) -> dict[str, str]:
    """The committed code (auditor/ and rules/ of HEAD) under `dest`; the environment that runs it."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "auditor", "rules"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return {**os.environ, "PYTHONPATH": str(dest)}


def _ours(inputs: Path, out: Path, workers: int, env: dict[str, str] | None = None) -> dict:
    cmd = [sys.executable, "-m", "auditor"] if env else auditor_cmd()
    # run inside the snapshot: `python -m` puts the working directory first on sys.path, so from
    # the checkout it would import the working tree's auditor (others' edits) before PYTHONPATH's
    cwd = Path(env["PYTHONPATH"]) if env else None
    secs, peak, cpu = _peak_rss([*cmd, "filter", str(inputs.resolve()), "--out", str(out.resolve()), "--workers",
                                 str(workers), "--no-progress"], cwd=cwd, env=env)
    summary = json.loads((out / "summary.json").read_text())
    return {"seconds": secs, "peak": peak, "cpu": cpu, "summary": summary}


def run(args: argparse.Namespace) -> dict:
    if args.quality:
        return quality(args)
    corpus = Path(args.corpus)
    if not (corpus / "inputs.jsonl").is_file():
        subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(corpus), "--seed", "1",
                        "--extra", "200000"], check=True, stdout=subprocess.DEVNULL)
    m: dict = {}
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        env = _snapshot(tmp / "code") if args.code == "head" else None
        if env is not None:
            m["code"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                                       capture_output=True, text=True).stdout.strip()
        n = _head(corpus / "inputs.jsonl", args.limit, tmp / "all" / "inputs.jsonl")
        k = _head(corpus / "inputs.jsonl", args.prefix, tmp / "prefix" / "inputs.jsonl")
        m["documents"] = n
        small = _ours(tmp / "prefix" / "inputs.jsonl", tmp / "out_prefix", 1, env)
        # datatrove's rounds are spread over the run (before the 1-worker run, between it and the
        # 2-worker run, after that, in turn): the shared machine's speed drifts by 10-15% over the
        # ~20 minutes, and rounds taken together at one moment would carry that moment's speed
        rounds: list[tuple[float, int, float]] = []
        rounds0: list[tuple[float, int, float]] = []
        baseline = not args.no_baseline
        b = b0 = 0
        slots: list[list[int]] = [[], [], []]
        with_prefix = False
        script = tmp / "datatrove_pipeline.py"
        if baseline:
            b = _head(corpus / "inputs.jsonl", args.baseline_limit, tmp / "dt_in" / "inputs.jsonl")
            script.write_text(DATATROVE)
            with_prefix = 0 < args.baseline_prefix < b  # its start-up: the same run on a few documents
            if with_prefix:
                b0 = _head(corpus / "inputs.jsonl", args.baseline_prefix, tmp / "dt_in0" / "inputs.jsonl")
            slots = [list(range(max(1, args.baseline_rounds)))[k::3] for k in range(3)]

        def datatrove(slot: int) -> None:
            for r in slots[slot]:
                rounds.append(_peak_rss([sys.executable, str(script), str(tmp / "dt_in"), str(tmp / f"dt_work{r}")]))
                if with_prefix:
                    rounds0.append(_peak_rss([sys.executable, str(script), str(tmp / "dt_in0"),
                                              str(tmp / f"dt_work0{r}")]))

        datatrove(0)
        one = _ours(tmp / "all" / "inputs.jsonl", tmp / "out1", 1, env)
        m["w1_docs_per_s"] = round(n / one["seconds"], 1)
        # start-up excluded, as for datatrove: the prefix run shares ours
        m["w1_marginal_docs_per_s"] = round((n - k) / max(1e-9, one["seconds"] - small["seconds"]), 1)
        m["w1_cpu_ms_per_doc"] = round(1000 * one["cpu"] / n, 2)
        m["w1_marginal_docs_per_cpu_s"] = round((n - k) / max(1e-9, one["cpu"] - small["cpu"]), 1)
        m["w1_cpu_s"] = round(one["cpu"], 1)
        m["w1_docs_per_cpu_s"] = round(n / one["cpu"], 1)
        m["w1_peak_rss_mb"] = round(one["peak"] / 2**20, 1)
        m["dedup_index_mb"] = round(one["summary"].get("index_bytes", 0) / 2**20, 1)
        m["mem_growth_bytes_per_doc"] = round((one["peak"] - small["peak"]) / max(1, n - k), 1)
        m["kept"] = one["summary"]["kept"]
        m["rejected"] = one["summary"]["rejected"]
        m["errors"] = one["summary"]["errors"]
        if (corpus / "gold.jsonl").is_file() and not args.limit:  # the whole labelled corpus: score its dedup
            neardup_predictions(tmp / "out1", tmp / "pred.jsonl")
            q = score("neardup", tmp / "pred.jsonl", None, str(corpus))
            m["neardup_w1"] = q
        datatrove(1)
        two = _ours(tmp / "all" / "inputs.jsonl", tmp / "out2", 2, env)
        m["w2_docs_per_s"] = round(n / two["seconds"], 1)
        m["w2_cpu_s"] = round(two["cpu"], 1)
        m["w2_peak_rss_mb"] = round(two["peak"] / 2**20, 1)
        m["speedup_2_vs_1"] = round(one["seconds"] / two["seconds"], 3)
        same = all((tmp / "out1" / f"{x}.jsonl").read_bytes() == (tmp / "out2" / f"{x}.jsonl").read_bytes()
                   for x in ("kept", "rejected", "errors"))
        m["same_outputs_1_vs_2_workers"] = same
        datatrove(2)
        if rounds:
            secs, peak, cpu = (statistics.median(x) for x in zip(*rounds, strict=True))
            m["datatrove_rounds_seconds"] = [round(r[0], 2) for r in rounds]  # in the order they ran
            m["datatrove_rounds_at"] = [at for at, slot in zip(("before w1", "between w1 and w2", "after w2"),
                                                               slots, strict=True) for _ in slot]
            m["datatrove_documents"] = b
            m["datatrove_seconds"] = round(secs, 2)
            m["datatrove_docs_per_s"] = round(b / secs, 1)
            m["datatrove_docs_per_cpu_s"] = round(b / cpu, 1)
            m["datatrove_peak_rss_mb"] = round(peak / 2**20, 1)
        if rounds0:
            secs0, _, cpu0 = (statistics.median(x) for x in zip(*rounds0, strict=True))
            m["datatrove_prefix_documents"] = b0
            m["datatrove_prefix_seconds"] = round(secs0, 2)
            # CPU seconds are the steadier measure on a shared machine (wall time swings with load)
            m["datatrove_startup_cpu_s"] = round(cpu0 - b0 * (cpu - cpu0) / (b - b0), 2)
            m["datatrove_startup_s"] = round(secs0 - b0 * (secs - secs0) / (b - b0), 2)
            m["datatrove_marginal_docs_per_s"] = round((b - b0) / max(1e-9, secs - secs0), 1)
            m["datatrove_marginal_docs_per_cpu_s"] = round((b - b0) / max(1e-9, cpu - cpu0), 1)
        if "datatrove_docs_per_s" in m:
            m["w1_vs_datatrove"] = round(m["w1_docs_per_s"] / m["datatrove_docs_per_s"], 2)
            m["w2_vs_datatrove"] = round(m["w2_docs_per_s"] / m["datatrove_docs_per_s"], 2)
            m["cpu_efficiency_vs_datatrove"] = round(m["w1_docs_per_cpu_s"] / m["datatrove_docs_per_cpu_s"], 2)
            if "datatrove_marginal_docs_per_s" in m:
                m["w1_vs_datatrove_marginal"] = round(
                    m["w1_marginal_docs_per_s"] / m["datatrove_marginal_docs_per_s"], 2)
                m["cpu_efficiency_vs_datatrove_marginal"] = round(
                    m["w1_marginal_docs_per_cpu_s"] / m["datatrove_marginal_docs_per_cpu_s"], 2)
    return m
