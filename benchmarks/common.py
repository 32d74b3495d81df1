"""The harness around ../shared/bench/score.py: inputs in, the auditor as a user runs it, metrics out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(os.environ.get("AUDITOR_BENCH", ROOT.parent / "shared" / "bench")).resolve()
SCORE = BENCH / "score.py"


def auditor_cmd() -> list[str]:
    """The installed `auditor` console script beside this Python (as a user would run it)."""
    exe = Path(sys.executable).parent / "auditor"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor"]


def need_bench() -> None:
    if not SCORE.is_file():
        sys.exit(f"Error: {SCORE} not found: put the shared benchmark data beside the project or set AUDITOR_BENCH")


def set_args(name: str | None, set_dir: str | None) -> list[str]:
    if set_dir:
        return ["--set-dir", str(Path(set_dir).resolve())]
    return ["--set", name] if name else []


def make_inputs(task: str, name: str | None, set_dir: str | None, out: Path) -> Path:
    need_bench()
    with open(out, "wb") as f:
        subprocess.run([sys.executable, str(SCORE), "inputs", task, *set_args(name, set_dir)], stdout=f, check=True)
    return out


def score(task: str, pred: Path, name: str | None, set_dir: str | None) -> dict:
    """Run score.py on the predictions; print its report; return its JSON object (its last line)."""
    proc = subprocess.run(
        [sys.executable, str(SCORE), "score", task, str(pred), *set_args(name, set_dir)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"Error: score.py failed: {proc.stderr.strip() or proc.stdout.strip()}")
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1])


def run_timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"Error: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return time.perf_counter() - t0


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def print_metrics(metrics: dict) -> None:
    """score.py's table, our extra figures, and the JSON object as the last line."""
    for k, v in metrics.items():
        if isinstance(v, float):
            print(f"{k:>28}: {v:.4f}")
        elif not isinstance(v, (dict, list)):
            print(f"{k:>28}: {v}")
    print(json.dumps(metrics, sort_keys=True))
