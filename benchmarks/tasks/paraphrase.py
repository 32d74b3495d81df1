"""paraphrase: MRPC sentence pairs scored by TF-IDF cosine and word 2-gram containment (auditor.dedup)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import make_inputs, score
from benchmarks.pairs import load, write_pairs


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> dict:
    from auditor.dedup.rewrites import tfidf_matrix
    from auditor.dedup.shingles import Shingler

    with tempfile.TemporaryDirectory() as tmp:
        ids, texts = load(make_inputs("paraphrase", args.set, args.set_dir, Path(tmp) / "inputs.jsonl"))
        x = tfidf_matrix(texts)
        sets = Shingler(2).hash_batch(texts).sets()
        out = {}
        pairs = list(range(0, len(ids) - 1, 2))  # inputs come as m{n}a, m{n}b
        pos = {k: i for i, k in enumerate(ids)}
        pairs = [(pos[f"m{n}a"], pos[f"m{n}b"]) for n in range(len(ids) // 2)]
        cos = [float(x[i].multiply(x[j]).sum()) for i, j in pairs]
        cont = [len(np.intersect1d(sets[i], sets[j])) / max(1, min(len(sets[i]), len(sets[j]))) for i, j in pairs]
        for name, vals in (("cosine", cos), ("containment", cont),
                           ("combined", [0.5 * a + 0.5 * b for a, b in zip(cos, cont)])):
            pred = Path(tmp) / f"{name}.jsonl"
            write_pairs(pred, ids, [(i, j, v) for (i, j), v in zip(pairs, vals)])
            res = score("paraphrase", pred, args.set, args.set_dir)
            out[f"auroc[{name}]"] = res["auroc"]
        return {"task": "paraphrase", **out}
