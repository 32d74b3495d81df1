"""extraction: HTML pages (or their plain-text dumps) -> main text, via `auditor clean`.

Also times trafilatura alone on the same pages, for the throughput ratio (pages/s of both):
once against the whole CLI run (start-up and model load included; wall time and the CPU
seconds of the child process; with --rounds N, N such pairs one after the other, and their
medians), and once in-process, page by page, our cleaning and trafilatura alone interleaved
(which of the two runs first alternates page by page) and counted in CPU seconds (the machine
is shared: its load hits both alike and leaves CPU time alone), with our start-up (imports,
model load) apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import auditor_cmd, count_lines, make_inputs, run_timed, score


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-baseline", action="store_true", help="Skip timing trafilatura alone.")
    p.add_argument("--rounds", type=int, default=1, help=(
        "Time the CLI run and trafilatura alone this many times, one after the other; the CLI figures "
        "and throughput_vs_trafilatura are medians (each round's ratio in throughput_rounds)."))  # fmt: skip


def trafilatura_alone(inputs: Path) -> float:
    import trafilatura

    t0 = time.process_time()
    with open(inputs, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            # On a -text set trafilatura gets the plain text (it finds nothing there: F1 0.000 in
            # ../shared/bench/README.md), still the same pages for the pages/s comparison.
            trafilatura.extract(rec.get("html") or rec.get("text") or "")
    return time.process_time() - t0


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def in_process(inputs: Path) -> dict:
    """Per-page CPU seconds of clean_document and of trafilatura.extract alone, interleaved, plus our start-up."""
    import trafilatura

    t0 = time.perf_counter()
    from auditor.clean import CleanSettings, clean_document, load_line_model
    from auditor.document import Document

    settings = CleanSettings()
    model = load_line_model()
    startup = time.perf_counter() - t0
    ours = alone = 0.0
    with open(inputs, encoding="utf-8") as f:
        for n, line in enumerate(f):
            rec = json.loads(line)
            raw, kind = (rec["html"], "html") if rec.get("html") else (rec.get("text") or "", "text")
            # Which runs first alternates: the second run of a page finds trafilatura's caches
            # (functools.lru_cache on its text helpers) warm with that page's strings.
            for trafilatura_turn in (n % 2 == 0, n % 2 == 1):
                t1 = time.process_time()
                if trafilatura_turn:
                    trafilatura.extract(raw)
                    alone += time.process_time() - t1
                else:
                    clean_document(Document(f"p{n}", raw, kind=kind), settings, model)
                    ours += time.process_time() - t1
    return {"startup_s": round(startup, 2), "inproc_s": round(ours, 2), "inproc_trafilatura_s": round(alone, 2),
            "inproc_throughput_vs_trafilatura": round(alone / ours, 3) if ours else 0.0}


def run(args: argparse.Namespace) -> dict:
    name = args.set or (None if args.set_dir else "aeb")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs("extraction", name, args.set_dir, Path(tmp) / "inputs.jsonl")
        pred = Path(tmp) / "pred.jsonl"
        pages = count_lines(inputs)
        walls, cpus, bases = [], [], []
        for _ in range(max(1, args.rounds)):  # the machine's load changes: rounds interleave the two
            cpu0 = children_cpu()
            walls.append(run_timed([*auditor_cmd(), "clean", str(inputs), "-o", str(pred)]))
            cpus.append(children_cpu() - cpu0)
            if not args.no_baseline:
                bases.append(trafilatura_alone(inputs))  # CPU seconds, in this process
        metrics = score("extraction", pred, name, args.set_dir)
        secs, cpu = statistics.median(walls), statistics.median(cpus)
        metrics["seconds"] = round(secs, 2)
        metrics["cpu_seconds"] = round(cpu, 2)
        metrics["pages_per_s"] = round(pages / secs, 2)
        metrics["pages_per_cpu_s"] = round(pages / cpu, 2) if cpu else 0.0
        if bases:
            ratios = [b / c if c else 0.0 for b, c in zip(bases, cpus, strict=True)]
            metrics["trafilatura_pages_per_cpu_s"] = round(pages / statistics.median(bases), 2)
            metrics["throughput_vs_trafilatura"] = round(statistics.median(ratios), 3)
            if len(ratios) > 1:
                metrics["throughput_rounds"] = [round(r, 3) for r in ratios]
            metrics.update(in_process(inputs))
    return metrics
