"""Pair scoring shared by the reuse, similarity and paraphrase tasks: read score.py inputs, write pair scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def load(inputs: Path) -> tuple[list[str], list[str]]:
    recs = [json.loads(line) for line in open(inputs, encoding="utf-8")]
    return [r["id"] for r in recs], [r["text"] for r in recs]


def containment_matrix(texts: list[str], n: int) -> np.ndarray:
    """Share of the shingles of the smaller text found in the other (word n-grams)."""
    from auditor.dedup.shingles import Shingler

    sets = Shingler(n).hash_batch(texts).sets()
    m = np.zeros((len(texts), len(texts)))
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            inter = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
            m[i, j] = m[j, i] = inter / max(1, min(len(sets[i]), len(sets[j])))
    return m


def cosine_matrix(texts: list[str], max_df: float = 1.0) -> np.ndarray:
    from auditor.dedup.rewrites import tfidf_matrix

    x = tfidf_matrix(texts, max_df)
    return (x @ x.T).toarray()


def write_pairs(path: Path, ids: list[str], pairs: list[tuple[int, int, float]]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i, j, s in pairs:
            f.write(json.dumps({"a": ids[i], "b": ids[j], "score": round(float(s), 6)}) + "\n")
