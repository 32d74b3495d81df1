"""scoring: throughput of `auditor score` (rules + classifier) on the make_neardup corpus, documents/s per core.

Builds the corpus with ../shared/bench/make_neardup.py (or reads --set-dir), then runs, interleaved,
`auditor score --no-model` (rules only) and `auditor score` (rules + shipped classifier), one process
each (so documents/s is per core), and reports the best of --rounds runs of each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import BENCH, auditor_cmd, count_lines, need_bench, run_timed


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        if args.set_dir:
            corpus = Path(args.set_dir)
        else:
            need_bench()
            corpus = Path(tmp) / "neardup"
            subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(corpus), "--seed", str(args.seed)],
                           check=True, capture_output=True)
        inputs = corpus / "inputs.jsonl"
        docs = count_lines(inputs)
        out = Path(tmp) / "scores.jsonl"
        times: dict[str, list[float]] = {"rules_only": [], "rules_and_classifier": []}
        for _ in range(args.rounds):
            times["rules_only"].append(run_timed([*auditor_cmd(), "score", str(inputs), "-o", str(out), "--no-model"]))
            times["rules_and_classifier"].append(run_timed([*auditor_cmd(), "score", str(inputs), "-o", str(out)]))
    metrics: dict = {"task": "scoring", "docs": docs, "rounds": args.rounds}
    for name, secs in times.items():
        metrics[f"{name}_seconds"] = round(min(secs), 2)
        metrics[f"{name}_docs_per_s"] = round(docs / min(secs), 1)
    metrics["target_docs_per_s"] = 500
    return metrics
