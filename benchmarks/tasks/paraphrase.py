"""paraphrase: MRPC sentence pairs scored by TF-IDF cosine, word 2-gram containment and graded reuse
(auditor.dedup), scored by score.py.

Graded reuse is reuse_matrix's measure for the pair only: the share of a sentence's word n-grams
found in the other, averaged over n = 1..16, the larger side's share; "graded" takes each share
beyond what the sentence shares with a typical other sentence (the median over a fixed sample of
SAMPLE others, as reuse_matrix's chance correction does over the whole corpus), "graded-raw" not.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import make_inputs, score
from benchmarks.pairs import load, write_pairs

SAMPLE = 200  # other sentences per sentence for its chance level (all 8,152 x 8,152 would be 66M pairs)


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
        pos = {k: i for i, k in enumerate(ids)}
        pairs = [(pos[f"m{n}a"], pos[f"m{n}b"]) for n in range(len(ids) // 2)]  # inputs come as m{n}a, m{n}b
        cos = [float(x[i].multiply(x[j]).sum()) for i, j in pairs]
        cont = [len(np.intersect1d(sets[i], sets[j])) / max(1, min(len(sets[i]), len(sets[j]))) for i, j in pairs]
        graded, raw = graded_pair_reuse(texts, pairs)
        for name, vals in (("cosine", cos), ("containment", cont),
                           ("combined", [0.5 * a + 0.5 * b for a, b in zip(cos, cont, strict=True)]),
                           ("graded", graded), ("graded-raw", raw)):
            pred = Path(tmp) / f"{name}.jsonl"
            write_pairs(pred, ids, [(i, j, v) for (i, j), v in zip(pairs, vals, strict=True)])
            res = score("paraphrase", pred, args.set, args.set_dir)
            out[f"auroc[{name}]"] = res["auroc"]
        return {"task": "paraphrase", **out}


def graded_pair_reuse(texts: list[str], pairs: list[tuple[int, int]], max_n: int = 16,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(beyond chance, raw) graded reuse of each pair, as reuse_matrix(chance=True/False) scores it
    symmetrised, with each text's chance level taken over SAMPLE other texts drawn at random."""
    from scipy.sparse import csr_matrix

    from auditor.dedup.rewrites import share_beyond
    from auditor.dedup.shingles import Shingler

    a = np.array([i for i, _ in pairs])
    b = np.array([j for _, j in pairs])
    sample = np.random.default_rng(seed).choice(len(texts), size=min(SAMPLE, len(texts)), replace=False)
    graded, raw = np.zeros(len(pairs)), np.zeros(len(pairs))
    for n in range(1, max_n + 1):
        sets = Shingler(n).hash_batch(texts).sets()
        vocab, col = np.unique(np.concatenate(sets), return_inverse=True)
        sizes = np.array([len(s) for s in sets])
        rows = np.repeat(np.arange(len(texts)), sizes)
        m = csr_matrix((np.ones(len(col), dtype=np.float32), (rows, col)), shape=(len(texts), len(vocab)))
        inter = np.asarray(m[a].multiply(m[b]).sum(axis=1)).ravel()
        share = m @ m[sample].T  # shared n-grams with each sampled text
        share = share.toarray() / np.maximum(sizes, 1)[:, None]
        share[sample, np.arange(len(sample))] = np.nan  # a text is not its own chance
        base = np.nanmedian(share, axis=1)
        ca, cb = inter / np.maximum(sizes[a], 1), inter / np.maximum(sizes[b], 1)
        raw += np.maximum(ca, cb)
        graded += np.maximum(share_beyond(ca, base[a]), share_beyond(cb, base[b]))
    return graded / max_n, raw / max_n
