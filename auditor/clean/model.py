"""The line classifier: gradient-boosted trees stored as plain JSON arrays, evaluated with NumPy.

Trained by `python -m auditor.clean.train` (scikit-learn's HistGradientBoostingClassifier)
and exported tree by tree, so that loading the shipped model runs no code from the
file (no pickle) and predicting a page costs a few NumPy operations per tree level
instead of a thread-pool start per call.

Prediction walks all trees at once (`StackedTrees`): cleaning calls the model once per
document, with the few dozen lines of one page, and walking the 200 trees one after
another (a dozen NumPy calls per tree level) was most of that call's time. The trees
are laid out in flat arrays and walked together: per level, one gather of the node's
feature, threshold and child for every (tree, line) pair at once. Trees are ordered
deepest first, so level L only walks the prefix of trees deeper than L (the trees'
depths run 5..12, mean ~8: a third of the gathers saved). Leaves point to themselves.
The comparisons are the trees' own (`x <= threshold` goes left, so NaN goes right) and
the leaf values are summed tree by tree in the model's order (`np.cumsum` accumulates
sequentially), so the result is that of the plain per-tree walk, bit for bit
(tests/test_clean.py checks it against one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

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
class StackedTrees:
    """A model's trees in flat arrays, walked all at once (see the module docstring)."""

    features: tuple[str, ...]
    baseline: float
    width: int  # nodes per tree slot (the largest tree); tree k's node j is flat index k * width + j
    feature: np.ndarray  # (trees * width,) intp, trees deepest first; 0 at padding and leaves
    threshold: np.ndarray  # (trees * width,) float64
    children: np.ndarray  # (2 * trees * width,) intp flat indices: [2g] right child, [2g + 1] left child
    value: np.ndarray  # (trees * width,) float64
    active: tuple[int, ...]  # per level: how many trees (a prefix) are deeper than it
    order: np.ndarray  # model tree index of each slot (to sum leaf values in the model's order)
    metrics: dict[str, Any]

    @classmethod
    def of(cls, model: Any) -> StackedTrees:
        trees = model.trees
        t, width = len(trees), max((len(tr.feature) for tr in trees), default=1)
        depths = np.array([tr.depth for tr in trees], dtype=np.int64)
        order = np.argsort(-depths, kind="stable")
        feature = np.zeros(t * width, dtype=np.intp)
        threshold = np.zeros(t * width, dtype=np.float64)
        children = np.repeat(np.arange(t * width, dtype=np.intp), 2)  # padding points to itself
        value = np.zeros(t * width, dtype=np.float64)
        for slot, k in enumerate(order.tolist()):
            tr, base = trees[k], slot * width
            n = len(tr.feature)
            own = np.arange(n)
            inner = ~np.asarray(tr.leaf, dtype=bool)
            feature[base : base + n] = np.where(inner, tr.feature, 0)
            threshold[base : base + n] = tr.threshold
            children[2 * base : 2 * (base + n) : 2] = base + np.where(inner, tr.right, own)
            children[2 * base + 1 : 2 * (base + n) : 2] = base + np.where(inner, tr.left, own)
            value[base : base + n] = tr.value
        max_depth = int(depths.max()) if t else 0
        active = tuple(int((depths > level).sum()) for level in range(max_depth))
        return cls(tuple(model.features), float(model.baseline), width, feature, threshold, children, value,
                   active, order, dict(getattr(model, "metrics", {})))

    def predict(self, rows: np.ndarray | list[list[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if x.shape[1] != len(self.features):
            raise ModelError(f"line model expects {len(self.features)} features, got {x.shape[1]}")
        n, t = len(x), len(self.order)
        flat_x = x.ravel()
        # (slot, line) pairs, slot-major: a level's active trees are a prefix
        node = np.repeat(np.arange(t, dtype=np.intp) * self.width, n)
        row = np.tile(np.arange(n, dtype=np.intp) * x.shape[1], t)
        for count in self.active:
            m = count * n
            at = node[:m]
            go_left = flat_x.take(row[:m] + self.feature.take(at)) <= self.threshold.take(at)
            node[:m] = self.children.take(2 * at + go_left)
        # baseline, then each tree's leaf value added in the model's tree order, as a per-tree walk does
        terms = np.empty((n, t + 1), dtype=np.float64)
        terms[:, 0] = self.baseline
        terms[:, 1 + self.order] = self.value.take(node).reshape(t, n).T
        raw = np.cumsum(terms, axis=1)[:, -1]
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass(frozen=True, slots=True)
class LineModel:
    """P(content) for each line's feature vector (features from auditor/clean/features.py)."""

    features: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]
    metrics: dict
    _stacked: StackedTrees | None = field(default=None, init=False, repr=False, compare=False)

    def predict(self, rows: np.ndarray | list[list[float]]) -> np.ndarray:
        stacked = self._stacked
        if stacked is None:  # laid out on first use (a frozen dataclass: set through object)
            stacked = StackedTrees.of(self)
            object.__setattr__(self, "_stacked", stacked)
        return stacked.predict(rows)

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
