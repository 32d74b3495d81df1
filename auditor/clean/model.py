"""The line classifier: gradient-boosted trees stored as plain JSON arrays, evaluated with NumPy.

Trained by `python -m auditor.clean.train` (scikit-learn's HistGradientBoostingClassifier)
and exported tree by tree, so that loading the shipped model runs no code from the
file (no pickle) and predicting a page costs a few NumPy operations per tree level
instead of a thread-pool start per call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from auditor.errors import AuditorError

MODEL_FILE = "lines.json"


class ModelError(AuditorError):
    """The line model file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Tree:
    feature: np.ndarray  # int, per node
    threshold: np.ndarray  # float, per node: go left when x <= threshold
    left: np.ndarray  # int, per node
    right: np.ndarray  # int, per node
    value: np.ndarray  # float, per node (used at leaves)
    leaf: np.ndarray  # bool, per node
    depth: int


@dataclass(frozen=True, slots=True)
class LineModel:
    """P(content) for each line's feature vector (features from auditor/clean/features.py)."""

    features: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]
    metrics: dict

    def predict(self, rows: list[list[float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if x.shape[1] != len(self.features):
            raise ModelError(f"line model expects {len(self.features)} features, got {x.shape[1]}")
        raw = np.full(len(x), self.baseline)
        ix = np.arange(len(x))
        for t in self.trees:
            node = np.zeros(len(x), dtype=np.int64)
            for _ in range(t.depth):
                go_left = x[ix, t.feature[node]] <= t.threshold[node]
                nxt = np.where(go_left, t.left[node], t.right[node])
                node = np.where(t.leaf[node], node, nxt)
            raw += t.value[node]
        return 1.0 / (1.0 + np.exp(-raw))

    def to_dict(self) -> dict:
        return {
            "format": "auditor.lines/1",
            "features": list(self.features),
            "baseline": self.baseline,
            "metrics": self.metrics,
            "trees": [
                {
                    "feature": t.feature.tolist(), "threshold": t.threshold.tolist(), "left": t.left.tolist(),
                    "right": t.right.tolist(), "value": t.value.tolist(), "leaf": t.leaf.astype(int).tolist(),
                    "depth": t.depth,
                }  # fmt: skip
                for t in self.trees
            ],
        }


def _tree(d: dict) -> Tree:
    return Tree(
        feature=np.asarray(d["feature"], dtype=np.int64),
        threshold=np.asarray(d["threshold"], dtype=np.float64),
        left=np.asarray(d["left"], dtype=np.int64),
        right=np.asarray(d["right"], dtype=np.int64),
        value=np.asarray(d["value"], dtype=np.float64),
        leaf=np.asarray(d["leaf"], dtype=bool),
        depth=int(d["depth"]),
    )


def model_from_dict(d: dict) -> LineModel:
    if d.get("format") != "auditor.lines/1":
        raise ModelError(f"not a line model (format {d.get('format')!r})")
    try:
        return LineModel(tuple(d["features"]), float(d["baseline"]), tuple(_tree(t) for t in d["trees"]),
                         dict(d.get("metrics", {})))
    except (KeyError, TypeError, ValueError) as e:
        raise ModelError(f"malformed line model: {e}") from e


def load_line_model(path: str | Path | None = None) -> LineModel:
    """The model at `path`, or the one shipped in the package."""
    try:
        if path is None:
            text = resources.files("auditor.clean").joinpath("models", MODEL_FILE).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return model_from_dict(json.loads(text))
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(f"cannot read line model {path or MODEL_FILE}: {e}") from e
