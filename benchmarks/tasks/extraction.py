"""extraction: HTML pages (or their plain-text dumps) -> main text, via `auditor clean`.

Also times trafilatura alone on the same pages, for the throughput ratio (pages/s of both).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks.common import auditor_cmd, count_lines, make_inputs, run_timed, score


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-baseline", action="store_true", help="Skip timing trafilatura alone.")


def trafilatura_alone(inputs: Path) -> float:
    import trafilatura

    t0 = time.perf_counter()
    with open(inputs, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            # On a -text set trafilatura gets the plain text (it finds nothing there: F1 0.000 in
            # ../shared/bench/README.md), still the same pages for the pages/s comparison.
            trafilatura.extract(rec.get("html") or rec.get("text") or "")
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> dict:
    name = args.set or (None if args.set_dir else "aeb")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs("extraction", name, args.set_dir, Path(tmp) / "inputs.jsonl")
        pred = Path(tmp) / "pred.jsonl"
        secs = run_timed([*auditor_cmd(), "clean", str(inputs), "-o", str(pred)])
        pages = count_lines(inputs)
        metrics = score("extraction", pred, name, args.set_dir)
        metrics["seconds"] = round(secs, 2)
        metrics["pages_per_s"] = round(pages / secs, 2)
        if not args.no_baseline:
            base = trafilatura_alone(inputs)
            metrics["trafilatura_pages_per_s"] = round(pages / base, 2)
            metrics["throughput_vs_trafilatura"] = round(base / secs, 3)
    return metrics
