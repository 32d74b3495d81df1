"""report: the size and render time of audit.md / audit.json / audit.html, and the HTML's load time in Chromium.

Audits the shared near-duplicate corpus (made by ../shared/bench/make_neardup.py into a temporary folder,
or read from --set-dir), so the page has thousands of documents and many pairs. The audit runs once; the
three renderers are then timed interleaved, --repeat times each (best of). With Chromium installed, the
page is loaded headless over the DevTools protocol (tests/devtools.py): the time to its load event (its
script has run by then), and the time one click takes to sort the document table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import BENCH, need_bench


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repeat", type=int, default=2, help="Renders of each format (best time kept).")
    p.add_argument("--extra", type=int, default=0, help="Filler documents make_neardup.py adds.")


def corpus(args: argparse.Namespace, tmp: Path) -> Path:
    if args.set_dir:
        return Path(args.set_dir) / "inputs.jsonl"
    need_bench()
    out = tmp / "neardup"
    subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(out), "--extra", str(args.extra)],
                   check=True, capture_output=True)
    return out / "inputs.jsonl"


def chromium_load(page: Path, profile: Path) -> dict | None:
    from tests.devtools import DevTools, chromium

    exe = chromium()
    if exe is None:
        return None
    browser = DevTools(exe, profile)
    try:
        t0 = time.perf_counter()
        browser.call("Page.navigate", url=page.as_uri(), session=True)
        browser.wait_event("Page.loadEventFired", timeout=600)
        load = time.perf_counter() - t0
        ready = browser.js("document.documentElement.dataset.ready") == "1"
        t0 = time.perf_counter()
        browser.js("document.querySelectorAll('#doc-table th')[4].click(); document.body.offsetHeight")
        sort = time.perf_counter() - t0
    finally:
        browser.close()
    return {"chromium_load_s": round(load, 2), "chromium_script_ran": ready, "chromium_sort_s": round(sort, 3)}


def run(args: argparse.Namespace) -> dict:
    from auditor.config import Settings
    from auditor.pipeline import audit_paths
    from auditor.report import render_html, render_json, render_markdown

    renderers = {"md": render_markdown, "json": render_json, "html": render_html}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        inputs = corpus(args, tmp)
        t0 = time.perf_counter()
        result = audit_paths([str(inputs)], Settings())
        metrics: dict = {"documents": len(result.documents), "pair_links": len(result.links),
                         "audit_s": round(time.perf_counter() - t0, 2)}
        best = dict.fromkeys(renderers, float("inf"))
        for _ in range(max(1, args.repeat)):
            for fmt, render in renderers.items():  # interleaved: the shared cores' noise hits all alike
                t0 = time.perf_counter()
                text = render(result)
                best[fmt] = min(best[fmt], time.perf_counter() - t0)
                (tmp / f"audit.{fmt}").write_text(text, encoding="utf-8")
        for fmt in renderers:
            metrics[f"{fmt}_render_s"] = round(best[fmt], 3)
            metrics[f"{fmt}_mb"] = round((tmp / f"audit.{fmt}").stat().st_size / 1e6, 2)
        metrics.update(chromium_load(tmp / "audit.html", tmp / "profile") or {})
    return metrics
