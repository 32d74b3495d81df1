"""check: one new seed against 1,000 existing seeds (`auditor-seeds`, the pre-commit hook), speed and accuracy.

The seeds are made at run time from the shared near-duplicate corpus
(make_neardup.py into a temporary folder; nothing is copied into the project):
one document of each of N gold clusters becomes a seed file. Probes are the
other documents: copies of a seed (same gold cluster: re-wrapped, truncated,
reordered, noisy) should be refused; documents of clusters with no seed
(including hard negatives in a shared heavy template) should pass.

Speed, as pre-commit runs it: the probe is added to seeds/ and `auditor-seeds
FILE --against seeds/` is run as a fresh process with a warm cache (only the new
file is processed), interleaved with a bare `python -c pass` start for reference.
Accuracy: every probe is checked in-process (library call) against the seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import BENCH, ROOT, need_bench


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=int, default=1000, help="Existing seeds to compare against (default 1000).")
    p.add_argument("--repeat", type=int, default=7, help="Timed hook runs, one new probe each (default 7).")
    p.add_argument("--probes", type=int, default=400, help="Probes checked for accuracy (default 400; 0: all).")
    p.add_argument("--neardup-dir", help="An existing make_neardup.py output (default: made in a temp folder).")
    p.add_argument("--random-seed", type=int, default=1)
    p.add_argument("--reuse", action="store_true",
                   help="Instead: the Clough & Stevenson reuse set, each text checked against the other 99 "
                        "(how the guard's codes split cut / light / heavy revisions from non-reuse).")


def _load(folder: Path) -> tuple[dict[str, str], dict[str, dict]]:
    with open(folder / "inputs.jsonl", encoding="utf-8") as f:
        texts = {r["id"]: r["text"] for r in map(json.loads, f)}
    with open(folder / "gold.jsonl", encoding="utf-8") as f:
        gold = {r["id"]: r for r in map(json.loads, f)}
    return texts, gold


def _split(gold: dict[str, dict], n: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Seeds (one per cluster, its original where marked), copies of a seed, and probes of no seed's cluster."""
    clusters: dict[str, list[str]] = {}
    for doc_id in sorted(gold):
        clusters.setdefault(gold[doc_id]["cluster"], []).append(doc_id)
    names = sorted(clusters)
    rng.shuffle(names)
    if n >= len(names):
        sys.exit(f"Error: --seeds {n} needs more than {len(names)} clusters (leave some for negative probes)")
    seeds, copies, others = [], [], []
    for i, c in enumerate(names):
        members = sorted(clusters[c], key=lambda d: not gold[d]["original"])
        if i < n:
            seeds.append(members[0])
            copies += members[1:]
        else:
            others += members
    return seeds, copies, others


def _hook_exe() -> list[str]:
    exe = Path(sys.executable).parent / "auditor-seeds"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor.hook"]


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds and CPU seconds (user + system) of one run of `cmd`: on a machine shared
    with other work, the CPU time says what the run itself costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    secs = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"Error: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return secs, cpu, proc.stdout


def run(args: argparse.Namespace) -> dict:
    need_bench()
    if args.reuse:
        return run_reuse(args)
    rng = random.Random(args.random_seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        nd = Path(args.neardup_dir) if args.neardup_dir else work / "neardup"
        if not args.neardup_dir:
            subprocess.run([sys.executable, str(BENCH / "make_neardup.py"), str(nd), "--seed", str(args.random_seed)],
                           check=True, capture_output=True)
        texts, gold = _load(nd)
        seeds, copies, others = _split(gold, args.seeds, rng)
        (work / "seeds").mkdir()
        (work / "probes").mkdir()
        for d in seeds:
            (work / "seeds" / f"{d}.txt").write_text(texts[d], encoding="utf-8")
        rng.shuffle(copies)
        rng.shuffle(others)
        timed_probes = (copies[: (args.repeat + 1) // 2] + others[: args.repeat // 2])[: args.repeat]
        # The code as it is now, copied: the cache is keyed by the code, and the working tree
        # may change under a long run (other work in the same checkout).
        snap = work / "snapshot"
        shutil.copytree(ROOT / "auditor", snap / "auditor", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "rules", snap / "rules")
        # byte-compiled, as `pip install` leaves a package: else (PYTHONDONTWRITEBYTECODE, or a
        # read-only copy) every hook run compiles each module from source, ~0.3 s of start-up
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(snap / "auditor")], check=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(snap), str(ROOT)])}
        hook = [sys.executable, "-m", "auditor.hook", "--against", "seeds/"]

        # Cold: the cache is empty; every seed is cleaned and signed once.
        first = work / "seeds" / "cold_probe.txt"
        first.write_text(texts[others[-1]], encoding="utf-8")
        cold, cold_cpu, _ = _timed([*hook, "seeds/cold_probe.txt"], work, env)
        first.unlink()

        warm, warm_cpu, bare = [], [], []
        for d in timed_probes:  # as pre-commit: the new file is in seeds/, only it is processed
            bare.append(_timed([sys.executable, "-c", "pass"], work, env)[0])
            path = work / "seeds" / f"new_{d}.txt"
            path.write_text(texts[d], encoding="utf-8")
            secs, cpu, _ = _timed([*hook, f"seeds/new_{d}.txt"], work, env)
            warm.append(secs)
            warm_cpu.append(cpu)
            path.unlink()

        # Accuracy: one library call per probe (the index comes from the cache), in a child
        # process that imports the same snapshot of the code
        n_probe = args.probes or len(copies) + len(others)
        pc, po = copies[: n_probe // 2], others[: n_probe - n_probe // 2]
        for d in pc + po:
            (work / "probes" / f"{d}.txt").write_text(texts[d], encoding="utf-8")
        job = work / "job.json"
        job.write_text(json.dumps({"copy": pc, "other": po}), encoding="utf-8")
        code = "import json, sys; from benchmarks.tasks.check import accuracy; print(json.dumps(accuracy(sys.argv[1])))"
        proc = subprocess.run([sys.executable, "-c", code, str(job)], cwd=work, env=env, capture_output=True,
                              text=True, check=False)
        if proc.returncode != 0:
            sys.exit(f"Error: the accuracy run failed: {proc.stderr.strip()[-2000:]}")
        acc = json.loads(proc.stdout.strip().splitlines()[-1])
        refused, by_dedup, codes, per_probe = acc["refused"], acc["by_dedup"], acc["codes"], acc["seconds"]
        cache_mb = sum(f.stat().st_size for f in (work / ".auditor_cache").rglob("*") if f.is_file()) / 2**20
        shutil.rmtree(work / "probes")
    return {
        "task": "check",
        "seeds": len(seeds),
        "cold_s": round(cold, 2),
        "cold_cpu_s": round(cold_cpu, 2),
        "warm_median_s": round(statistics.median(warm), 3),
        "warm_max_s": round(max(warm), 3),
        "python_start_median_s": round(statistics.median(bare), 3),
        "warm_cpu_median_s": round(statistics.median(warm_cpu), 3),
        "warm_cpu_max_s": round(max(warm_cpu), 3),
        "under_1s": all(w < 1.0 for w in warm),
        "under_1s_cpu": all(c < 1.0 for c in warm_cpu),
        "inprocess_check_median_ms": round(1000 * statistics.median(per_probe), 1),
        "probes_copy": len(pc),
        "probes_other": len(po),
        "copies_refused": round(sum(refused[d] for d in pc) / max(len(pc), 1), 4),
        "others_refused": round(sum(refused[d] for d in po) / max(len(po), 1), 4),
        "copies_refused_as_collision": round(sum(by_dedup[d] for d in pc) / max(len(pc), 1), 4),
        "others_refused_as_collision": round(sum(by_dedup[d] for d in po) / max(len(po), 1), 4),
        "codes_on_copies": codes["copy"],
        "codes_on_others": codes["other"],
        "cache_mb": round(cache_mb, 2),
    }


def accuracy(job_file: str) -> dict:
    """Check every probe of the job (run in the benchmark's folder): refused or not, and the codes."""
    from auditor.check.guard import check_files
    from auditor.config import Settings
    from auditor.pipeline import rules_for

    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    settings = Settings()
    rules = rules_for(settings)
    collision = {"D001", "D002", "D004"}
    out: dict = {"refused": {}, "by_dedup": {}, "codes": {"copy": {}, "other": {}}, "seconds": []}
    for kind in ("copy", "other"):
        for d in job[kind]:
            t0 = time.perf_counter()
            rep = check_files([f"probes/{d}.txt"], settings, rules, cache_root=Path(".auditor_cache"))
            out["seconds"].append(time.perf_counter() - t0)
            out["refused"][d] = rep.blocked
            # refused for colliding with a seed, not for its own quality
            out["by_dedup"][d] = any(act == "block" and f.code in collision for o in rep.outcomes
                                     for act, f in o.findings)
            for o in rep.outcomes:
                for act, f in o.findings:
                    key = f"{f.code}:{act}"
                    out["codes"][kind][key] = out["codes"][kind].get(key, 0) + 1
    return out


def _guard_score(code: str, f) -> float:  # type: ignore[no-untyped-def]
    """One number per pair from the guard's verdict, for score.py's AUROC: copies above shared
    passages above same-story rewrites, each ordered by its own evidence."""
    ev = f.evidence
    return {"D001": 4.0, "D002": 3.0 + ev.get("jaccard", 0), "D004": 2.0 + ev.get("share", 0),
            "D005": 1.0 + ev.get("cosine", 0)}.get(code, 0.0)


def run_reuse(args: argparse.Namespace) -> dict:
    """Each Clough & Stevenson text checked, as a new seed, against the other 99."""
    import dataclasses

    from auditor.check.cache import content_key
    from auditor.check.guard import _read_clean, load_index, thresholds
    from auditor.check.signature import sign
    from auditor.config import Settings
    from benchmarks.common import make_inputs, score

    sys.path.insert(0, str(BENCH))
    import score as bench  # the set's loader: which pairs are cut / light / heavy / non (evaluation only)

    settings = Settings()
    th = thresholds(settings)
    low = dataclasses.replace(th, same_story=1e-9, max_same_story=200)  # every cosine, to rank
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = make_inputs("reuse", "clough", None, work / "inputs.jsonl")
        recs = [json.loads(line) for line in open(inputs, encoding="utf-8")]
        (work / "seeds").mkdir()
        for r in recs:
            (work / "seeds" / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(work)
        try:
            seeds, _ = load_index(Path("seeds"), settings, None)
            ranked: dict[frozenset, float] = {}
            decided: dict[frozenset, str] = {}
            for r in recs:
                path = f"seeds/{r['id']}.txt"
                doc = _read_clean(path, settings)[0]
                sig, toks = sign(doc.text, th.ngram)
                key = content_key(Path(path).read_bytes())
                for f in seeds.compare(doc.text, sig, toks, low, exclude=path, exclude_key=key):
                    pair = frozenset((r["id"], f.evidence["other"].removeprefix("seeds/").removesuffix(".txt")))
                    ranked[pair] = max(ranked.get(pair, 0.0), _guard_score(f.code, f))
                for f in seeds.compare(doc.text, sig, toks, th, exclude=path, exclude_key=key):
                    pair = frozenset((r["id"], f.evidence["other"].removeprefix("seeds/").removesuffix(".txt")))
                    decided[pair] = min(decided.get(pair, "D999"), f.code)
        finally:
            os.chdir(cwd)
        pred = work / "pred.jsonl"
        with open(pred, "w", encoding="utf-8") as out:
            for pair, sc in ranked.items():
                a, b = sorted(pair)
                out.write(json.dumps({"a": a, "b": b, "score": sc}) + "\n")
        metrics = score("reuse", pred, "clough", None)
    rows, _, _ = bench.clough()
    by_cat: dict[str, dict[str, int]] = {}
    for row in rows:
        pair = frozenset((bench.cid(row["File"].removesuffix(".txt")), bench.cid(f"orig_task{row['Task']}")))
        cat = by_cat.setdefault(row["Category"], {})
        code = decided.get(pair, "pass")
        cat[code] = cat.get(code, 0) + 1
    flagged = {c: round(sum(n for k, n in v.items() if k != "pass") / sum(v.values()), 4) for c, v in by_cat.items()}
    return {"task": "check-reuse", **{k: v for k, v in metrics.items() if isinstance(v, float)},
            **{f"flagged_{c}": v for c, v in sorted(flagged.items())},
            "codes_by_category": by_cat, "same_story_threshold": th.same_story}
