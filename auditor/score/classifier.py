"""A classifier of machine-generated or templated text, kept as plain arrays.

One logistic regression over (a) TF-IDF of hashed word 1-2-grams and (b) the dense
profile of features.py: surprisal under a bigram and a Kneser-Ney trigram model of human
text (level, spread, probability buckets, sentence burstiness), word-frequency profile,
compression ratio, repetition, cohesion and novelty across sentences, function-word and
punctuation rates, sentence lengths; the profile again on the text's later half. It is fitted
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
    PROFILE_NAMES,
    HumanLM,
    TrigramLM,
    dense_features,
    ngram_hashes,
    ngram_names,
    normalize,
    profile_features,
)

FORMAT = "auditor.mgt/2"
FEATURE_NAMES = [*DENSE_NAMES, *PROFILE_NAMES]
Z_CLIP = 4.0  # standardised dense features are clipped to +-4 (see _design)


def default_model_dir() -> Path:
    return Path(__file__).resolve().parent / "models" / "mgt"


@dataclass(slots=True)
class MachineTextModel:
    """Learned state ends in `_`; `fit` returns self (scikit-learn's conventions)."""

    C: float = 4.0
    # Scale of the dense block beside the unit-length TF-IDF block (0.15 and C=4 chosen by
    # grouped CV on xsum: benchmarks/run.py mgt).
    dense_weight: float = 0.15
    # Texts are judged in windows of about this many words, the training texts' median length,
    # and the window logits averaged: a linear model of per-text rates and counts fitted on
    # 150-word snippets says little about a 3,000-word page taken whole.
    window_words: int = 150
    lm: HumanLM | None = None
    kn: TrigramLM | None = None
    idf_: np.ndarray | None = None
    coef_ngrams_: np.ndarray | None = None
    coef_dense_: np.ndarray | None = None
    intercept_: float = 0.0
    dense_mean_: np.ndarray | None = None
    dense_scale_: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ features
    def featurize(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """(hashed n-gram counts, dense profile) of each text; depends only on the language models."""
        if self.lm is None or self.kn is None:
            raise ModelError("the model has no human-text language model")
        rows, cols, vals = [], [], []
        dense = np.zeros((len(texts), len(FEATURE_NAMES)))
        for i, t in enumerate(texts):
            t = normalize(t)
            for h, c in ngram_hashes(t).items():
                rows.append(i)
                cols.append(h)
                vals.append(1.0 + np.log(c))
            dense[i, : len(DENSE_NAMES)] = dense_features(t, self.lm)
            dense[i, len(DENSE_NAMES) :] = profile_features(t, self.kn)
        counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), 1 << HASH_BITS))
        return counts, dense

    def _design(self, counts: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
        assert self.idf_ is not None and self.dense_mean_ is not None and self.dense_scale_ is not None
        tf = (counts @ sp.diags(self.idf_.astype(np.float64))).tocsr()  # stays sparse
        norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
        tf = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ tf
        # Clipped: a text far outside the training texts (xsum's are all ~150 words) must not
        # be judged by extrapolating a linear weight over, say, a 3,000-word page's counts.
        z = np.clip((dense - self.dense_mean_) / self.dense_scale_, -Z_CLIP, Z_CLIP)
        return sp.hstack([tf, sp.csr_matrix(np.nan_to_num(z) * self.dense_weight)]).tocsr()

    # ------------------------------------------------------------ learning
    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> MachineTextModel:
        self.window_words = max(20, int(np.median([len(t.split()) for t in texts])))
        return self.fit_features(*self.featurize(texts), labels)

    def fit_features(self, counts: sp.csr_matrix, dense: np.ndarray, labels: Sequence[int] | np.ndarray) -> MachineTextModel:
        """Fit on featurize()'s output (cross-validation featurizes each text once)."""
        from sklearn.linear_model import LogisticRegression

        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        n = counts.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self.dense_mean_ = dense.mean(axis=0)
        self.dense_scale_ = np.where(dense.std(axis=0) > 0, dense.std(axis=0), 1.0)
        lr = LogisticRegression(C=self.C, max_iter=2000).fit(self._design(counts, dense), np.asarray(labels))
        coef = lr.coef_.ravel()
        self.coef_ngrams_ = coef[: 1 << HASH_BITS].astype(np.float32)
        self.coef_dense_ = coef[1 << HASH_BITS :] * self.dense_weight
        self.intercept_ = float(lr.intercept_[0])
        return self

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        owner, windows = self._windows(texts)
        per_window = self.decision_features(*self.featurize(windows))
        sums = np.bincount(owner, weights=per_window, minlength=len(texts))
        return sums / np.maximum(np.bincount(owner, minlength=len(texts)), 1)

    def _windows(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """(index of the text of each window, the windows): round(words / window_words) equal runs of words."""
        owner: list[int] = []
        out: list[str] = []
        for i, t in enumerate(texts):
            words = t.split()
            n = max(1, round(len(words) / self.window_words))
            cuts = np.linspace(0, len(words), n + 1).round().astype(int)
            out += [" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
            owner += [i] * n
        return np.array(owner, dtype=np.int64), out

    def decision_features(self, counts: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        x = self._design(counts, dense)
        w = np.concatenate([self.coef_ngrams_, self.coef_dense_ / self.dense_weight])
        return np.asarray(x @ w).ravel() + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is machine-generated or templated."""
        return 1.0 / (1.0 + np.exp(-self.decision(texts)))

    def explain(self, text: str, k: int = 5) -> dict[str, Any]:
        """The probability and the features that pushed it most, each with its contribution (logit)."""
        _, windows = self._windows([normalize(text)])
        return self._explain_windows(windows, *self.featurize(windows), k=k)

    def predict_explain(self, texts: Sequence[str], threshold: float, k: int = 5) -> tuple[np.ndarray, dict[int, dict[str, Any]]]:
        """`predict_proba(texts)`, and `explain` of each text at or above `threshold` (by index),
        from one featurization of the texts' windows instead of a second one per explained text."""
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        owner, windows = self._windows(texts)
        counts, dense = self.featurize(windows)
        per_window = self.decision_features(counts, dense)
        sums = np.bincount(owner, weights=per_window, minlength=len(texts))
        probs = 1.0 / (1.0 + np.exp(-(sums / np.maximum(np.bincount(owner, minlength=len(texts)), 1))))
        explained = {}
        for i in np.flatnonzero(probs >= threshold):
            rows = np.flatnonzero(owner == i)
            explained[int(i)] = self._explain_windows([windows[j] for j in rows], counts[rows], dense[rows], k=k)
        return probs, explained

    def _explain_windows(self, windows: list[str], counts: sp.csr_matrix, dense: np.ndarray, k: int) -> dict[str, Any]:
        assert self.coef_ngrams_ is not None and self.coef_dense_ is not None
        assert self.dense_mean_ is not None and self.dense_scale_ is not None
        x = self._design(counts, dense)
        nw = len(windows)
        # contributions (logit) and raw values averaged over the windows, as the probability is
        contrib: dict[str, list[float]] = {}
        for i, t in enumerate(windows):
            names = ngram_names(t)
            row = x[i, : 1 << HASH_BITS].tocoo()
            for h, v in zip(row.col, row.data, strict=False):
                c = contrib.setdefault(f"words '{names.get(int(h), '?')}'", [0.0, float("nan")])
                c[0] += float(v * self.coef_ngrams_[h]) / nw
        z = np.clip(np.nan_to_num((dense - self.dense_mean_) / self.dense_scale_), -Z_CLIP, Z_CLIP)
        for name, zi, ci, raw in zip(FEATURE_NAMES, z.T, self.coef_dense_, dense.T, strict=False):
            contrib[name] = [float((zi * ci).mean()), float(raw.mean())]
        w = np.concatenate([self.coef_ngrams_, self.coef_dense_ / self.dense_weight])
        logit = float(np.asarray(x @ w).ravel().mean()) + self.intercept_
        top = sorted(((n, c, None if np.isnan(v) else v) for n, (c, v) in contrib.items()), key=lambda c: -abs(c[1]))[:k]
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
        assert self.lm is not None and self.kn is not None and self.idf_ is not None
        np.savez_compressed(
            folder / "model.npz", idf=self.idf_, coef_ngrams=self.coef_ngrams_, coef_dense=self.coef_dense_,
            dense_mean=self.dense_mean_, dense_scale=self.dense_scale_,
            lm_unigrams=self.lm.unigrams, lm_bigrams=self.lm.bigrams, **self.kn.arrays(),
        )
        meta = {"format": FORMAT, "C": self.C, "dense_weight": self.dense_weight, "intercept": self.intercept_,
                "window_words": self.window_words,
                "hash_bits": HASH_BITS, "dense_features": FEATURE_NAMES, "lm_total": self.lm.total,
                "lm_vocab": self.lm.vocab, "kn_vocab": self.kn.vocab, **self.info}
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
    if meta.get("format") != FORMAT or meta.get("hash_bits") != HASH_BITS or meta.get("dense_features") != FEATURE_NAMES:
        raise ModelError(f"{folder}: not an {FORMAT} model of this version of auditor")
    lm = HumanLM(arrays["lm_unigrams"], arrays["lm_bigrams"], int(meta["lm_total"]), int(meta["lm_vocab"]))
    kn = TrigramLM.from_arrays(arrays, int(meta["kn_vocab"]))
    info = {k: v for k, v in meta.items() if k not in ("C", "dense_weight", "intercept", "window_words")}
    return MachineTextModel(
        C=float(meta["C"]), dense_weight=float(meta["dense_weight"]), window_words=int(meta.get("window_words", 150)), lm=lm, kn=kn, idf_=arrays["idf"],
        coef_ngrams_=arrays["coef_ngrams"], coef_dense_=arrays["coef_dense"], intercept_=float(meta["intercept"]),
        dense_mean_=arrays["dense_mean"], dense_scale_=arrays["dense_scale"], info=info,
    )
