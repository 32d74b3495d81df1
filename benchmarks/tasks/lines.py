"""lines: web documents whose lines people labelled keep/noise -> cleaned text, via `auditor clean`.

    python benchmarks/run.py lines --set turku-test

Scores the removed (noise) lines with score.py, and reports pages/s of the same run.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.common import auditor_cmd, count_lines, make_inputs, run_timed, score


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-templates", action="store_true", help="Do not learn template lines across the set.")


def run(args: argparse.Namespace) -> dict:
    name = args.set or "turku-test"
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs("lines", name, None, Path(tmp) / "inputs.jsonl")
        pred = Path(tmp) / "pred.jsonl"
        extra = ["--no-templates"] if args.no_templates else []
        secs = run_timed([*auditor_cmd(), "clean", str(inputs), "-o", str(pred), *extra])
        pages = count_lines(inputs)
        metrics = score("lines", pred, name, None)
        metrics["seconds"] = round(secs, 2)
        metrics["pages_per_s"] = round(pages / secs, 2)
    return metrics
