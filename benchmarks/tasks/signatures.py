"""signatures: throughput of MinHash signatures, ours vs datasketch's `update_batch`, same documents, one run.

Documents are 400-word windows cut from the texts of --set-dir (a make_neardup.py
folder) or, without it, from the shared benchmark's aeb gold texts. Each round
times, interleaved on the same documents (so load from other processes hits both
alike): datasketch (`MinHash(num_perm=128).update_batch` over word 5-gram byte
strings), our shingler alone, our shingler + MinHasher, and the full near-duplicate
pass (`find_near_duplicates`: signatures, LSH, verification, clusters). One
process, one thread: NumPy's elementwise work here is single-threaded.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
import tracemalloc
from pathlib import Path

from benchmarks.common import BENCH, need_bench


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docs", type=int, default=4000)
    p.add_argument("--words", type=int, default=400)
    p.add_argument("--rounds", type=int, default=3)


def _texts(set_dir: str | None) -> list[str]:
    if set_dir:
        return [json.loads(line)["text"] for line in open(Path(set_dir) / "inputs.jsonl", encoding="utf-8")]
    need_bench()
    gt = json.loads(open(BENCH / "boilerplate" / "aeb" / "ground-truth.json", encoding="utf-8").read())
    return [v.get("articleBody", "") for v in gt.values()]


def run(args: argparse.Namespace) -> dict:
    from datasketch import MinHash

    from auditor.dedup.minhash import MinHasher
    from auditor.dedup.near import DedupSettings, Record, find_near_duplicates
    from auditor.dedup.shingles import Shingler

    words = " ".join(_texts(args.set_dir)).split()
    rng = random.Random(0)
    docs = []
    for _ in range(args.docs):
        s = rng.randrange(max(1, len(words) - args.words))
        docs.append(" ".join(words[s : s + args.words]))
    shingler, hasher = Shingler(5), MinHasher(128, 1)

    def ours() -> None:
        for s in range(0, len(docs), 256):
            hasher.signatures(shingler.hash_batch(docs[s : s + 256]))

    def tokenise_only() -> None:
        for s in range(0, len(docs), 256):
            shingler.hash_batch(docs[s : s + 256])

    def datasketch_path(sample: list[str]) -> None:
        for d in sample:
            toks = d.lower().split()
            m = MinHash(num_perm=128)
            m.update_batch([" ".join(toks[i : i + 5]).encode() for i in range(max(1, len(toks) - 4))])

    def full() -> None:
        find_near_duplicates([Record(str(i), d, order=i) for i, d in enumerate(docs)], DedupSettings())

    ds_sample = docs[: max(200, len(docs) // 5)]  # datasketch is slow: a fifth of the documents per round
    best = {"datasketch": 0.0, "ours": 0.0, "tokenise": 0.0, "full": 0.0}
    for _ in range(args.rounds):
        for name, fn, n in (("datasketch", lambda: datasketch_path(ds_sample), len(ds_sample)),
                            ("ours", ours, len(docs)), ("tokenise", tokenise_only, len(docs)),
                            ("full", full, len(docs))):
            t0 = time.perf_counter()
            fn()
            best[name] = max(best[name], n / (time.perf_counter() - t0))
    tracemalloc.start()
    full()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"task": "signatures", "docs": len(docs), "words_per_doc": args.words, "rounds": args.rounds,
            "datasketch_update_batch_docs_per_s": round(best["datasketch"], 1),
            "ours_signatures_docs_per_s": round(best["ours"], 1),
            "ours_tokenise_hash_docs_per_s": round(best["tokenise"], 1),
            "ours_full_dedup_docs_per_s": round(best["full"], 1),
            "speedup_signatures": round(best["ours"] / best["datasketch"], 2),
            "full_dedup_peak_traced_mib": round(peak / 2**20, 1),
            "process_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
