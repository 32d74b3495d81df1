"""A classifier of machine-generated or templated text, kept as plain arrays.

Two models over the features of features.py, their logits mixed with a fixed weight:
- a logistic regression over TF-IDF of hashed word 1-2-grams (after the opening) beside the
  standardised dense profile (what is said and, lightly, how);
- gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier) over the dense
  profile alone: surprisal under a Kneser-Ney trigram model of human text, cohesion,
  function-word and punctuation rates, sentence lengths, the same after the opening. Trees
  combine them non-linearly (xsum grouped CV: trees alone AUROC 0.865 vs the
  regression's 0.841 on the same version-2 features).
The dense profile of both ends with the in-domain block (features.DOMAIN_NAMES): the
log-likelihood ratio under trigram models of the training set's own human and machine texts.
Those models are fitted on all training texts and stored; the training texts' own values come
from models fitted without their group (inner grouped folds), so the regression and the
trees learn how much the ratio is worth on texts the models have not seen.
The shipped `lm` model (models/mgt-lm) has one more block before the in-domain one: a small
causal language model's token statistics (neural.NEURAL_NAMES; the `lm` extra).
Both are fitted with scikit-learn and saved as NumPy arrays (`model.npz`, loaded with
allow_pickle=False; the trees as node tables walked by `_Trees.decision`) plus `model.json`
(settings, training data, metrics): nothing is ever unpickled, so a model file from
anywhere is safe to load.
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
from auditor.score import neural as causal_lm
from auditor.score.features import (
    DOMAIN_NAMES,
    FEATURE_NAMES,
    HASH_BITS,
    DomainLMs,
    TrigramLM,
    featurize,
    ngram_names,
    normalize,
)
from auditor.score.neural import NEURAL_NAMES

FORMAT = "auditor.mgt/5"
ALL_NAMES = [*FEATURE_NAMES, *DOMAIN_NAMES]  # the dense columns the regression and the trees read
SHIPPED = {"default": "mgt", "lm": "mgt-lm"}  # the models in the package, by the name --model takes
Z_CLIP = 4.0  # standardised dense features are clipped to +-4 (see _design)


def default_model_dir(name: str = "default") -> Path:
    return Path(__file__).resolve().parent / "models" / SHIPPED[name]


def dense_names(with_lm: bool) -> list[str]:
    """The dense columns of a model, with or without the language model's block (neural.NEURAL_NAMES)."""
    return [*FEATURE_NAMES, *NEURAL_NAMES, *DOMAIN_NAMES] if with_lm else ALL_NAMES


@dataclass(slots=True)
class _Trees:
    """A fitted HistGradientBoostingClassifier as flat node tables (no sklearn object kept):
    node i splits on `feature[i]` at `threshold[i]` (x <= threshold goes left; a missing value
    goes where `missing_left[i]` says), or is a leaf holding `value[i]`; tree t starts at `roots[t]`."""

    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    count: np.ndarray  # training samples through each node
    roots: np.ndarray
    baseline: float
    expected: np.ndarray = field(init=False)  # mean value under each node (for explanations)

    def __post_init__(self) -> None:
        self.expected = _subtree_means(self.leaf, self.value, self.count, self.left, self.right)

    @classmethod
    def from_sklearn(cls, h: Any) -> _Trees:
        nodes = [p.nodes for (p,) in h._predictors]  # one predictor per iteration (binary task)
        if any(n["is_categorical"].any() for n in nodes):
            raise ModelError("categorical splits are not supported")
        offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
        cat = np.concatenate(nodes)
        shift = np.repeat(offsets, [len(n) for n in nodes])
        return cls(cat["feature_idx"].astype(np.int32), cat["num_threshold"].astype(np.float64),
                   cat["missing_go_to_left"].astype(bool), (cat["left"] + shift).astype(np.int32),
                   (cat["right"] + shift).astype(np.int32), cat["is_leaf"].astype(bool),
                   cat["value"].astype(np.float64), cat["count"].astype(np.float64), offsets.astype(np.int32),
                   float(np.ravel(h._baseline_prediction)[0]))

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Raw score (logit) of each row: the baseline plus one leaf value per tree, all trees walked at once."""
        idx = np.tile(self.roots, (len(x), 1))
        rows = np.arange(len(x))[:, None]
        while True:
            inner = ~self.leaf[idx]
            if not inner.any():
                break
            v = x[rows, self.feature[idx]]
            go_left = np.where(np.isnan(v), self.missing_left[idx], v <= self.threshold[idx])
            idx = np.where(inner, np.where(go_left, self.left[idx], self.right[idx]), idx)
        return self.value[idx].sum(axis=1) + self.baseline

    def arrays(self) -> dict[str, np.ndarray]:
        return {f"trees_{k}": getattr(self, k) for k in
                ("feature", "threshold", "missing_left", "left", "right", "leaf", "value", "count", "roots")}

    @classmethod
    def from_arrays(cls, a: Any, baseline: float) -> _Trees:
        f, t, m, left, right, leaf, v, c, r = (a[f"trees_{k}"] for k in ("feature", "threshold", "missing_left",
                                                                        "left", "right", "leaf", "value", "count",
                                                                        "roots"))
        return cls(f, t, m, left, right, leaf, v, c, r, baseline=baseline)


@dataclass(slots=True)
class MachineTextModel:
    """Learned state ends in `_`; `fit` returns self (scikit-learn's conventions)."""

    C: float = 4.0
    # Scale of the dense block beside the unit-length TF-IDF block (0.15 and C=4 chosen by
    # grouped CV on xsum: benchmarks/run.py mgt).
    dense_weight: float = 0.15
    # Weight of the trees' logit in the mix (the regression gets 1 - tree_weight); chosen by
    # grouped CV on xsum (benchmarks/run.py mgt --tree-weight).
    tree_weight: float = 0.6
    tree_iter: int = 600
    # Texts are judged in windows of about this many words, the training texts' median length,
    # and the window logits averaged: a model of per-text rates fitted on 150-word snippets
    # says little about a 3,000-word page taken whole.
    window_words: int = 150
    # At most this many windows, spread evenly over a long text, are featurized: the cost of a
    # page stays bounded (the scoring benchmark's pages average ~9 windows); a page written one
    # way throughout is judged the same from three windows as from all of them.
    max_windows: int = 3
    # Inner grouped folds giving the training texts' in-domain ratio features (see fit_features).
    domain_folds: int = 5
    kn: TrigramLM | None = None
    # The causal language model whose features (neural.NEURAL_NAMES) follow the n-gram profile:
    # {"name", "file", "sha256"} of the shipped GGUF; None for the model without them.
    neural: dict[str, str] | None = None
    domain_: DomainLMs | None = None
    idf_: np.ndarray | None = None
    coef_ngrams_: np.ndarray | None = None
    coef_dense_: np.ndarray | None = None
    intercept_: float = 0.0
    dense_mean_: np.ndarray | None = None
    dense_scale_: np.ndarray | None = None
    trees_: _Trees | None = None
    info: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # where it was loaded from: a shipped model's name or a folder (not saved)

    # ------------------------------------------------------------ features
    def featurize(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray, list[list[str]]]:
        """(hashed n-gram counts, dense profile, tokens after the opening) of each text; depends only
        on the human-text language model (the in-domain block is added by `_with_domain`)."""
        if self.kn is None:
            raise ModelError("the model has no human-text language model")
        norm = [normalize(t) for t in texts]
        counts, dense, tails = featurize(norm, self.kn)
        if self.neural is not None:
            dense = np.hstack([dense, causal_lm.get(self.neural["sha256"]).profile(norm)])
        return counts, dense, tails

    @property
    def dense_names(self) -> list[str]:
        return dense_names(self.neural is not None)

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Row-normalised TF-IDF of hashed n-gram counts, computed on the stored entries only
        (a diagonal IDF matrix over the 2^18 columns cost ~50 ms a call, whatever the batch)."""
        assert self.idf_ is not None
        tf = sp.csr_matrix(counts, dtype=np.float64, copy=True)
        tf.data *= self.idf_[tf.indices]
        per_row = np.diff(tf.indptr)
        rows = np.repeat(np.arange(tf.shape[0]), per_row)
        norms = np.sqrt(np.bincount(rows, weights=tf.data**2, minlength=tf.shape[0]))
        tf.data /= np.repeat(np.maximum(norms, 1e-12), per_row)
        return tf

    def _z(self, dense: np.ndarray) -> np.ndarray:
        """Standardised dense features, clipped: a text far outside the training texts (xsum's are
        all ~150 words) must not be judged by extrapolating a linear weight over, say, a
        3,000-word page's counts."""
        assert self.dense_mean_ is not None and self.dense_scale_ is not None
        return np.nan_to_num(np.clip((dense - self.dense_mean_) / self.dense_scale_, -Z_CLIP, Z_CLIP))

    def _design(self, counts: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
        """The regression's input: TF-IDF beside the scaled dense block (for fitting)."""
        return sp.hstack([self._tfidf(counts), sp.csr_matrix(self._z(dense) * self.dense_weight)]).tocsr()

    def _with_domain(self, dense: np.ndarray, tails: Sequence[Sequence[str]]) -> np.ndarray:
        """The dense profile with the in-domain block (`dense_names` order)."""
        if self.domain_ is None or self.kn is None:
            raise ModelError("the model has no in-domain language models")
        return np.hstack([dense, self.domain_.profile(tails, self.kn)])

    # ------------------------------------------------------------ learning
    def fit(self, texts: Sequence[str], labels: Sequence[int] | np.ndarray,
            groups: Sequence[Any] | np.ndarray | None = None) -> MachineTextModel:
        self.window_words = max(20, int(np.median([len(t.split()) for t in texts])))
        return self.fit_features(*self.featurize(texts), labels, groups)

    def _domain_oof(self, tails: Sequence[Sequence[str]], y: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """In-domain features of the training texts, each from models fitted without its group."""
        from sklearn.model_selection import GroupKFold

        if self.kn is None:
            raise ModelError("the model has no human-text language model")
        out = np.zeros((len(y), len(DOMAIN_NAMES)))
        k = min(self.domain_folds, len(set(groups.tolist())))
        if k < 2:
            raise ModelError("training needs texts from at least two groups")
        for tr, te in GroupKFold(k).split(np.zeros(len(y)), y, groups):
            lms = DomainLMs.fit([tails[i] for i in tr if y[i] == 0], [tails[i] for i in tr if y[i] == 1])
            out[te] = lms.profile([tails[i] for i in te], self.kn)
        return out

    def fit_features(self, counts: sp.csr_matrix, dense: np.ndarray, tails: Sequence[Sequence[str]],
                     labels: Sequence[int] | np.ndarray,
                     groups: Sequence[Any] | np.ndarray | None = None) -> MachineTextModel:
        """Fit on featurize()'s output (cross-validation featurizes each text once). `groups` keep
        related texts (one article's human and machine versions) in one inner fold; without them
        each text is its own group."""
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        y = np.asarray(labels)
        g = np.asarray(groups) if groups is not None else np.arange(len(y))
        dense = np.hstack([dense, self._domain_oof(tails, y, g)])
        self.domain_ = DomainLMs.fit([t for t, v in zip(tails, y, strict=True) if v == 0],
                                     [t for t, v in zip(tails, y, strict=True) if v == 1])
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        n = counts.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self.dense_mean_ = dense.mean(axis=0)
        self.dense_scale_ = np.where(dense.std(axis=0) > 0, dense.std(axis=0), 1.0)
        lr = LogisticRegression(C=self.C, max_iter=2000).fit(self._design(counts, dense), y)
        coef = lr.coef_.ravel()
        self.coef_ngrams_ = coef[: 1 << HASH_BITS].astype(np.float32)
        self.coef_dense_ = coef[1 << HASH_BITS :] * self.dense_weight
        self.intercept_ = float(lr.intercept_[0])
        self.trees_ = None
        if self.tree_weight > 0:
            # Settings from grouped CV on xsum (format 5: 600 trees at rate 0.03 with 40 texts a leaf
            # at least, over 300 at 0.05; three fold assignments, see README); early stopping off so
            # a refit is deterministic.
            h = HistGradientBoostingClassifier(max_iter=self.tree_iter, learning_rate=0.03, max_leaf_nodes=15,
                                               min_samples_leaf=40, l2_regularization=1.0, early_stopping=False,
                                               random_state=0)
            # One OpenMP thread: on a busy machine the trees' thread barriers cost 10-20x the work
            # (measured: 30 s wall vs 1.8 s for a 40-text fit with other jobs running).
            with threadpool_limits(1, user_api="openmp"):
                self.trees_ = _Trees.from_sklearn(h.fit(dense, y))
        return self

    def _linear(self, counts: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        assert self.coef_ngrams_ is not None and self.coef_dense_ is not None
        tf = self._tfidf(counts)
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
        words = np.bincount(rows, weights=tf.data * self.coef_ngrams_[tf.indices], minlength=tf.shape[0])
        return words + self._z(dense) @ self.coef_dense_ + self.intercept_

    def decision_features(self, counts: sp.csr_matrix, dense: np.ndarray,
                          tails: Sequence[Sequence[str]]) -> np.ndarray:
        """Logit of each featurized text: the regression's and the trees' logits mixed."""
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        return self._decision(counts, self._with_domain(dense, tails))

    def _decision(self, counts: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        """decision_features() on the dense profile with its in-domain block."""
        lin = self._linear(counts, dense)
        if self.trees_ is None:
            return lin
        return (1 - self.tree_weight) * lin + self.tree_weight * self.trees_.decision(dense)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        owner, windows = self._windows(texts)
        per_window = self.decision_features(*self.featurize(windows))
        sums = np.bincount(owner, weights=per_window, minlength=len(texts))
        return sums / np.maximum(np.bincount(owner, minlength=len(texts)), 1)

    def _windows(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """(index of the text of each window, the windows): the text cut into round(words /
        window_words) equal runs of words, of which at most max_windows, evenly spread, are kept."""
        owner: list[int] = []
        out: list[str] = []
        for i, t in enumerate(texts):
            words = t.split()
            n = max(1, round(len(words) / self.window_words))
            cuts = np.linspace(0, len(words), n + 1).round().astype(int)
            keep = np.unique(np.linspace(0, n - 1, min(n, self.max_windows)).round().astype(int))
            out += [" ".join(words[cuts[k] : cuts[k + 1]]) for k in keep]
            owner += [i] * len(keep)
        return np.array(owner, dtype=np.int64), out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is machine-generated or templated."""
        return 1.0 / (1.0 + np.exp(-self.decision(texts)))

    def explain(self, text: str, k: int = 5) -> dict[str, Any]:
        """The probability and the features that pushed it most, each with its contribution (logit)."""
        return self.predict_explain([text], threshold=-1.0, k=k)[1][0]

    def predict_explain(self, texts: Sequence[str], threshold: float,
                        k: int = 5) -> tuple[np.ndarray, dict[int, dict[str, Any]]]:
        """`predict_proba(texts)`, and the explanation of each text at or above `threshold` (by
        index): its probability and the k features that pushed it most, each with its contribution
        (logit) and value, averaged over the text's windows as the probability is. One
        featurization serves both, and the explained texts' contributions are computed together."""
        if self.coef_ngrams_ is None or self.coef_dense_ is None:
            raise ModelError("the model is not fitted")
        owner, windows = self._windows(texts)
        counts, dense, tails = self.featurize(windows)
        dense = self._with_domain(dense, tails)
        per_window = self._decision(counts, dense)
        sums = np.bincount(owner, weights=per_window, minlength=len(texts))
        probs = 1.0 / (1.0 + np.exp(-(sums / np.maximum(np.bincount(owner, minlength=len(texts)), 1))))
        chosen = np.flatnonzero(probs >= threshold)
        if not len(chosen):
            return probs, {}
        rows = np.flatnonzero(np.isin(owner, chosen))
        ex = self._explanations([windows[j] for j in rows], owner[rows], counts[rows], dense[rows], per_window[rows], k)
        return probs, {int(i): ex[int(i)] for i in chosen}

    def _explanations(self, windows: list[str], owner: np.ndarray, counts: sp.csr_matrix, dense: np.ndarray,
                      logits: np.ndarray, k: int) -> dict[int, dict[str, Any]]:
        """Explanation of each owner's windows: n-gram contributions are the regression's TF-IDF
        terms, dense features' are the regression's and the trees' (path attribution) terms."""
        assert self.coef_ngrams_ is not None and self.coef_dense_ is not None
        lw = 1 - self.tree_weight if self.trees_ is not None else 1.0
        tf = self._tfidf(counts)
        entry = lw * tf.data * self.coef_ngrams_[tf.indices]
        per_feature = lw * self._z(dense) * self.coef_dense_
        if self.trees_ is not None:
            per_feature = per_feature + self.tree_weight * self._tree_contributions(dense)
        out: dict[int, dict[str, Any]] = {}
        for i in np.unique(owner).tolist():
            rows = np.flatnonzero(owner == i)
            nw = len(rows)
            ent = np.concatenate([np.arange(tf.indptr[r], tf.indptr[r + 1]) for r in rows])
            grams, inv = np.unique(tf.indices[ent], return_inverse=True)
            gc = np.bincount(inv, weights=entry[ent], minlength=len(grams)) / nw
            fc = per_feature[rows].mean(axis=0)
            raw = dense[rows].mean(axis=0)
            cand = [(abs(gc[j]), 0, j) for j in np.argsort(-np.abs(gc), kind="stable")[:k].tolist()]
            cand += [(abs(fc[j]), 1, j) for j in np.argsort(-np.abs(fc), kind="stable")[:k].tolist()]
            top = sorted(cand, key=lambda c: -c[0])[:k]
            names: dict[int, str] = {}
            if any(kind == 0 for _, kind, _ in top):
                for r in rows:  # an n-gram is named from the first window it occurs in
                    for h, g in ngram_names(windows[r]).items():
                        names.setdefault(h, g)
            feats = []
            for _, kind, j in top:
                if kind == 0:
                    feats.append({"feature": f"words '{names.get(int(grams[j]), '?')}'",
                                  "contribution": round(float(gc[j]), 4)})
                else:
                    feats.append({"feature": self.dense_names[j], "contribution": round(float(fc[j]), 4),
                                  "value": round(float(raw[j]), 4)})
            logit = float(logits[rows].mean())
            out[i] = {"probability": round(1.0 / (1.0 + np.exp(-logit)), 4), "features": feats,
                      "model": self.origin}
        return out

    def _tree_contributions(self, dense: np.ndarray) -> np.ndarray:
        """Per-feature contributions to the trees' logit (rows: windows): each split's change of
        the running expected value is credited to the split's feature (Saabas' path attribution),
        using the training-weighted mean leaf value under a node as its expected value."""
        t = self.trees_
        assert t is not None
        ev = t.expected
        out = np.zeros(dense.shape)
        idx = np.tile(t.roots, (len(dense), 1))
        rows = np.arange(len(dense))[:, None]
        while True:
            inner = ~t.leaf[idx]
            if not inner.any():
                break
            f = t.feature[idx]
            v = dense[rows, f]
            go_left = np.where(np.isnan(v), t.missing_left[idx], v <= t.threshold[idx])
            nxt = np.where(inner, np.where(go_left, t.left[idx], t.right[idx]), idx)
            delta = np.where(inner, ev[nxt] - ev[idx], 0.0)
            np.add.at(out, (np.broadcast_to(rows, f.shape), f), delta)
            idx = nxt
        return out

    # ------------------------------------------------------------ storage
    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        assert self.kn is not None and self.idf_ is not None and self.domain_ is not None
        assert self.coef_ngrams_ is not None and self.coef_dense_ is not None
        assert self.dense_mean_ is not None and self.dense_scale_ is not None
        arrays: dict[str, np.ndarray] = {
            "idf": self.idf_, "coef_ngrams": self.coef_ngrams_, "coef_dense": self.coef_dense_,
            "dense_mean": self.dense_mean_, "dense_scale": self.dense_scale_,
            **self.kn.arrays(), **self.domain_.arrays(), **(self.trees_.arrays() if self.trees_ is not None else {}),
        }
        np.savez_compressed(folder / "model.npz", **arrays)  # type: ignore[arg-type]  # numpy stubs: allow_pickle
        meta = {"format": FORMAT, "C": self.C, "dense_weight": self.dense_weight, "intercept": self.intercept_,
                "tree_weight": self.tree_weight if self.trees_ is not None else 0.0, "tree_iter": self.tree_iter,
                "trees_baseline": self.trees_.baseline if self.trees_ is not None else None,
                "window_words": self.window_words, "max_windows": self.max_windows,
                "hash_bits": HASH_BITS, "dense_features": self.dense_names, "kn_vocab": self.kn.vocab,
                "neural": self.neural,
                "domain_vocab": self.domain_.vocab, **self.info}
        (folder / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return folder


def _subtree_means(leaf: np.ndarray, value: np.ndarray, count: np.ndarray, left: np.ndarray,
                   right: np.ndarray) -> np.ndarray:
    """Training-sample-weighted mean leaf value under each node (children have higher indices
    than their parent in scikit-learn's node tables, so one backward pass fills every node)."""
    ev = np.where(leaf, value, 0.0)
    for i in np.flatnonzero(~leaf)[::-1].tolist():
        a, b = left[i], right[i]
        ev[i] = (count[a] * ev[a] + count[b] * ev[b]) / max(1.0, count[a] + count[b])
    return ev


def resolve_model(model: Path | str | None) -> Path:
    """The folder of a model given as a folder, or by a shipped model's name ('default', 'lm');
    an existing folder of that name wins."""
    if model is None or (str(model) in SHIPPED and not Path(model).is_dir()):
        return default_model_dir(str(model or "default"))
    return Path(model)


def load_model(folder: Path | str | None = None) -> MachineTextModel:
    """Load a saved model (a folder, a shipped model's name, None: the default shipped one).
    Never unpickles. A model with language-model features needs the `lm` extra installed."""
    origin = str(folder) if folder is not None and str(folder) != "" else "default"
    folder = resolve_model(folder)
    if not folder.is_dir():
        raise ModelError(f"no model folder {folder} (a model is 'default', 'lm' or a folder holding model.json)")
    try:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "model.npz", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load model from {folder}: {e}") from None
    lm = meta.get("neural")
    if lm is not None and not (isinstance(lm, dict) and isinstance(lm.get("sha256"), str)):
        raise ModelError(f"{folder}: 'neural' in model.json must name the language model's sha256")
    if (meta.get("format") != FORMAT or meta.get("hash_bits") != HASH_BITS
            or meta.get("dense_features") != dense_names(lm is not None)):
        raise ModelError(f"{folder}: not an {FORMAT} model of this version of auditor")
    if lm is not None:
        causal_lm.get(lm["sha256"])  # the extra installed, with the weights the model was trained with
    kn = TrigramLM.from_arrays(arrays, int(meta["kn_vocab"]))
    domain = DomainLMs.from_arrays(arrays, meta["domain_vocab"])
    trees = (_Trees.from_arrays(arrays, float(meta["trees_baseline"]))
             if meta.get("trees_baseline") is not None else None)
    settings = ("C", "dense_weight", "intercept", "tree_weight", "tree_iter", "trees_baseline", "window_words",
                "max_windows", "domain_vocab", "neural")
    info = {k: v for k, v in meta.items() if k not in settings}
    return MachineTextModel(
        C=float(meta["C"]), dense_weight=float(meta["dense_weight"]), tree_weight=float(meta["tree_weight"]),
        tree_iter=int(meta["tree_iter"]), window_words=int(meta["window_words"]), max_windows=int(meta["max_windows"]),
        kn=kn, neural=lm, domain_=domain, idf_=arrays["idf"], coef_ngrams_=arrays["coef_ngrams"],
        coef_dense_=arrays["coef_dense"],
        intercept_=float(meta["intercept"]), dense_mean_=arrays["dense_mean"], dense_scale_=arrays["dense_scale"],
        trees_=trees, info=info, origin=origin,
    )
