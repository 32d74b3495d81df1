"""A classifier of machine-generated or templated text, kept as plain arrays.

One logistic regression over (a) TF-IDF of hashed word 1-2-grams and (b) the dense
profile of features.py (surprisal under a bigram model of human text, word-frequency
profile, compression ratio, repetition, sentence lengths, punctuation). It is fitted
with scikit-learn and saved as NumPy arrays (`model.npz`, loaded with
allow_pickle=False) plus `model.json` (settings, training data, metrics): nothing is
ever unpickled, so a model file from anywhere is safe to load.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from auditor.errors import ModelError
from auditor.score.features import (
    DENSE_NAMES,
    HASH_BITS,
    HumanLM,
    dense_features,
    ngram_hashes,
    ngram_names,
    normalize,
)

FORMAT = "auditor.mgt/1"


def default_model_dir() -> Path:
    return Path(__file__).resolve().parent / "models" / "mgt"


@dataclass(slots=True)
class MachineTextModel:
    """Learned state ends in `_`; `fit` returns self (scikit-learn's conventions)."""

    C: float = 4.0
    dense_weight: float = 0.3  # scale of the dense block beside the unit-length TF-IDF block
    lm: HumanLM | None = None
    idf_: np.ndarray | None = None
    coef_ngrams_: np.ndarray | None = None
    coef_dense_: np.ndarray | None = None
    intercept_: float = 0.0
    dense_mean_: np.ndarray | None = None
    dense_scale_: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ features
    def _parts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        if self.lm is None:
            raise ModelError("the model has no human-text language model")
        rows, cols, vals = [], [], []
        dense = np.zeros((len(texts), len(DENSE_NAMES)))
        for i, t in enumerate(texts):
            t = normalize(t)
            for h, c in ngram_hashes(t).items():
                rows.append(i)
                cols.append(h)
                vals.append(1.0 + np.log(c))
            dense[i] = dense_features(t, self.lm)
        counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), 1 << HASH_BITS))
        return counts, dense

    def _design(self, counts: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
        assert self.idf_ is not None and self.dense_mean_ is not None and self.dense_scale_ is not None
        tf = (counts @ sp.diags(self.idf_.astype(np.float64))).tocsr()  # stays sparse
        norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
        tf = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ tf
        z = (dense - self.dense_mean_) / self.dense_scale_
        return sp.hstack([tf, sp.csr_matrix(np.nan_to_num(z) * self.dense_weight)]).tocsr()

    # ------------------------------------------------------------ learning
    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> MachineTextModel:
        from sklearn.linear_model import LogisticRegression

        counts, dense = self._parts(texts)
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        n = len(texts)
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self.dense_mean_ = dense.mean(axis=0)
        self.dense_scale_ = np.where(dense.std(axis=0) > 0, dense.std(axis=0), 1.0)
        lr = LogisticRegression(C=self.C, max_iter=1000).fit(self._design(counts, dense), np.asarray(labels))
        coef = lr.coef_.ravel()
        self.coef_ngrams_ = coef[: 1 << HASH_BITS].astype(np.float32)
        self.coef_dense_ = coef[1 << HASH_BITS :] * self.dense_weight
        self.intercept_ = float(lr.intercept_[0])
        return self

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        counts, dense = self._parts(texts)
        x = self._design(counts, dense)
        w = np.concatenate([self.coef_ngrams_, self.coef_dense_ / self.dense_weight])
        return np.asarray(x @ w).ravel() + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is machine-generated or templated."""
        return 1.0 / (1.0 + np.exp(-self.decision(texts)))

    def explain(self, text: str, k: int = 5) -> dict[str, Any]:
        """The probability and the features that pushed it most, each with its contribution (logit)."""
        assert self.coef_ngrams_ is not None and self.coef_dense_ is not None
        assert self.dense_mean_ is not None and self.dense_scale_ is not None
        t = normalize(text)
        counts, dense = self._parts([t])
        x = self._design(counts, dense)
        contrib: list[tuple[str, float, float | None]] = []
        names = ngram_names(t)
        row = x[0, : 1 << HASH_BITS].tocoo()
        for h, v in zip(row.col, row.data, strict=False):
            contrib.append((f"words '{names.get(int(h), '?')}'", float(v * self.coef_ngrams_[h]), None))
        z = np.nan_to_num((dense[0] - self.dense_mean_) / self.dense_scale_)
        for name, zi, ci, raw in zip(DENSE_NAMES, z, self.coef_dense_, dense[0], strict=False):
            contrib.append((name, float(zi * ci), float(raw)))
        w = np.concatenate([self.coef_ngrams_, self.coef_dense_ / self.dense_weight])
        logit = float(np.asarray(x @ w).ravel()[0]) + self.intercept_
        top = sorted(contrib, key=lambda c: -abs(c[1]))[:k]
        return {
            "probability": round(1.0 / (1.0 + np.exp(-logit)), 4),
            "features": [
                {"feature": n, "contribution": round(c, 4), **({"value": round(v, 4)} if v is not None else {})}
                for n, c, v in top
            ],
        }

    # ------------------------------------------------------------ storage
    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        assert self.lm is not None and self.idf_ is not None
        np.savez_compressed(
            folder / "model.npz", idf=self.idf_, coef_ngrams=self.coef_ngrams_, coef_dense=self.coef_dense_,
            dense_mean=self.dense_mean_, dense_scale=self.dense_scale_,
            lm_unigrams=self.lm.unigrams, lm_bigrams=self.lm.bigrams,
        )
        meta = {"format": FORMAT, "C": self.C, "dense_weight": self.dense_weight, "intercept": self.intercept_,
                "hash_bits": HASH_BITS, "dense_features": DENSE_NAMES, "lm_total": self.lm.total,
                "lm_vocab": self.lm.vocab, **self.info}
        (folder / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return folder


def load_model(folder: Path | str | None = None) -> MachineTextModel:
    """Load a saved model (default: the one shipped in the package). Never unpickles."""
    folder = Path(folder) if folder else default_model_dir()
    try:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "model.npz", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load model from {folder}: {e}") from None
    if meta.get("format") != FORMAT or meta.get("hash_bits") != HASH_BITS or meta.get("dense_features") != DENSE_NAMES:
        raise ModelError(f"{folder}: not an {FORMAT} model of this version of auditor")
    lm = HumanLM(arrays["lm_unigrams"], arrays["lm_bigrams"], int(meta["lm_total"]), int(meta["lm_vocab"]))
    info = {k: v for k, v in meta.items() if k not in ("C", "dense_weight", "intercept")}
    return MachineTextModel(
        C=float(meta["C"]), dense_weight=float(meta["dense_weight"]), lm=lm, idf_=arrays["idf"],
        coef_ngrams_=arrays["coef_ngrams"], coef_dense_=arrays["coef_dense"], intercept_=float(meta["intercept"]),
        dense_mean_=arrays["dense_mean"], dense_scale_=arrays["dense_scale"], info=info,
    )
