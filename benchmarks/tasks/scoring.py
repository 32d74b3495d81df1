"""scoring: throughput of `auditor score` on the make_neardup corpus, documents/s per core.

Builds the corpus with ../shared/bench/make_neardup.py (or reads --set-dir), then runs, interleaved,
one process each (so documents/s is per core), the best of --rounds runs of each configuration:
  rules_raw         `auditor score --no-clean --no-model`: the rule engine alone on the text as given
  rules_cleaned     `auditor score --no-model`: the clean stage, then the rules (what `score` does)
  rules_classifier  `auditor score`: clean, rules and the shipped classifier
  lm_classifier     `auditor score --model lm`: the same with the `lm` classifier (the `lm` extra;
                    not in the default --configs: ~1-3 CPU-s a page, use --limit)
Both wall time and the child's CPU time (user + system) are recorded: other work on a shared machine
slows the wall clock, not the CPU seconds, so docs per CPU-second is the per-core figure to compare.
Process start-up (imports, loading rules and models) is included in both.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import BENCH, auditor_cmd, count_lines, need_bench

CONFIGS = {
    "rules_raw": ["--no-clean", "--no-model"],
    "rules_cleaned": ["--no-model"],
    "rules_classifier": [],
    "lm_classifier": ["--model", "lm"],
}
DEFAULT_CONFIGS = ["rules_raw", "rules_cleaned", "rules_classifier"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--configs", default=",".join(DEFAULT_CONFIGS),
                   help=f"comma-separated subset of {', '.join(CONFIGS)}")
    p.add_argument("--limit", type=int, help="Score only the corpus's first N documents.")


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"Error: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(args: argparse.Namespace) -> dict:
    configs = [c for c in args.configs.split(",") if c]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        sys.exit(f"Error: unknown --configs {', '.join(sorted(unknown))} (known: {', '.join(CONFIGS)})")
    with tempfile.TemporaryDirectory() as tmp:
        if args.set_dir:
            corpus = Path(args.set_dir)
        else:
            need_bench()
            corpus = Path(tmp) / "neardup"
            subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(corpus), "--seed", str(args.seed)],
                           check=True, capture_output=True)
        inputs = corpus / "inputs.jsonl"
        if args.limit:
            with open(inputs, encoding="utf-8") as f:
                head = [line for _, line in zip(range(args.limit), f, strict=False)]
            inputs = Path(tmp) / "inputs.jsonl"
            inputs.write_text("".join(head), encoding="utf-8")
        docs = count_lines(inputs)
        out = Path(tmp) / "scores.jsonl"
        times: dict[str, list[tuple[float, float]]] = {c: [] for c in configs}
        for _ in range(args.rounds):
            for c in configs:
                times[c].append(_run([*auditor_cmd(), "score", str(inputs), "-o", str(out), *CONFIGS[c]]))
    metrics: dict = {"task": "scoring", "docs": docs, "rounds": args.rounds}
    for name, runs in times.items():
        wall = min(w for w, _ in runs)
        cpu = min(c for _, c in runs)
        metrics[f"{name}_wall_seconds"] = round(wall, 2)
        metrics[f"{name}_cpu_seconds"] = round(cpu, 2)
        metrics[f"{name}_docs_per_s"] = round(docs / wall, 1)
        metrics[f"{name}_docs_per_cpu_s"] = round(docs / cpu, 1)
    metrics["target_docs_per_s"] = 500
    return metrics
