"""Rewrites of one story: documents that share few exact word n-grams but tell the same news.

TF-IDF cosine over the corpus (scikit-learn), terms in more than `max_df` of the
documents pruned (so the sparse product stays near-linear, and a word every text
uses says nothing). Two documents are rewrites of one story when their cosine is at
least `threshold` and each is the other's closest document (mutual nearest
neighbours): on a corpus about one topic every pair shares vocabulary, and the
mutual-best condition keeps only the pairs that belong together. Pairs already
verified as copies are reported as copies, not here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_DOCS_TO_PRUNE = 20
STRONG = 0.6  # a cosine this high links two texts even when either has a closer one


def tfidf_matrix(texts: Sequence[str], max_df: float = 1.0):  # type: ignore[no-untyped-def]
    """L2-normalised TF-IDF rows (English stop words out); rows of empty texts are zero."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    df = max_df if len(texts) >= MIN_DOCS_TO_PRUNE else 1.0  # on a handful of texts, document frequency means little
    vec = TfidfVectorizer(stop_words="english", max_df=df, dtype=np.float32)
    try:
        return vec.fit_transform(texts)
    except ValueError:  # empty vocabulary
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1), dtype=np.float32)


def cosine_pairs(texts: Sequence[str], max_df: float = 1.0) -> list[tuple[int, int, float]]:
    """Every pair (i < j) with a cosine above zero."""
    x = tfidf_matrix(texts, max_df)
    sim = (x @ x.T).tocoo()
    keep = sim.row < sim.col
    return [(int(i), int(j), float(v)) for i, j, v in zip(sim.row[keep], sim.col[keep], sim.data[keep])]


def find_rewrites(texts: Sequence[str], threshold: float, max_df: float = 0.5,
                  exclude: set[tuple[int, int]] | None = None) -> list[tuple[int, int, float]]:
    """(i, j, cosine) pairs, i < j, judged to be rewrites of one story."""
    if len(texts) < 2:
        return []
    pairs = cosine_pairs(texts, max_df)
    best = np.zeros(len(texts))
    for i, j, v in pairs:
        best[i] = max(best[i], v)
        best[j] = max(best[j], v)
    out = []
    for i, j, v in pairs:
        if v < threshold or (exclude and (i, j) in exclude):
            continue
        if v >= STRONG or (v >= best[i] - 1e-9 and v >= best[j] - 1e-9):
            out.append((i, j, round(v, 4)))
    return sorted(out)
