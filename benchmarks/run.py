#!/usr/bin/env python3
"""Run a benchmark task as a user would, and print score.py's metrics (JSON object last).

    python benchmarks/run.py extraction --set aeb
    python benchmarks/run.py extraction --set-dir DIR   # any folder in the layout of a shared set

Each task lives in benchmarks/tasks/<task>.py.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import tasks  # noqa: E402
from benchmarks.common import print_metrics  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(tasks.__path__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="task", required=True)
    modules = {}
    for name in names:
        mod = importlib.import_module(f"benchmarks.tasks.{name}")
        p = sub.add_parser(name, help=(mod.__doc__ or "").strip().splitlines()[0])
        p.add_argument("--set", help="a shared set name (see ../shared/bench/README.md)")
        p.add_argument("--set-dir", help="a folder in the same layout as a shared set")
        mod.add_arguments(p)
        modules[name] = mod
    args = ap.parse_args(argv)
    print_metrics(modules[args.task].run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
