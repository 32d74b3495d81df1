"""The line classifier: gradient-boosted trees stored as plain JSON arrays, evaluated with NumPy.

Trained by `python -m auditor.clean.train` (scikit-learn's HistGradientBoostingClassifier)
and exported tree by tree, so that loading the shipped model runs no code from the
file (no pickle) and predicting a page costs a few NumPy operations per tree level
instead of a thread-pool start per call.

Prediction decides all trees at once (`StackedTrees`): cleaning calls the model once per
document, with the few dozen lines of one page, so the cost is the number of NumPy calls, not
their size. Each tree's exit leaf is found without walking it (QuickScorer, Lucchese et al.
2015): number a tree's leaves left to right; a split whose test fails (`x <= threshold` is
false, so NaN goes right) rules out the leaves of its left subtree; the exit leaf is the
leftmost leaf that no failed split rules out. So every split of every tree is tested for every
line in one gather and comparison, the ruled-out leaves of each tree are OR-ed together as 16-bit
masks (trees of at most 16 leaves; the shipped ones have 15), and the lowest leaf left is looked
up: a dozen NumPy calls whatever the depth (the level-by-level walk before took nine per level,
twelve levels). Only as many splits per tree are laid out as the largest tree has (the shipped
ones: 14 of the 15 that 16 leaves allow), so no padding is gathered and compared. On a page of
hundreds of lines the walk was cheaper (it tests only the splits on the path); such pages are rare.
The leaf values are summed tree by tree in the model's order (`np.cumsum` accumulates
sequentially), so the result is that of the plain per-tree walk, bit for bit (tests/test_clean.py
checks it against one).
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


MAX_LEAVES = 16  # per tree: a tree's ruled-out leaves are one uint16
# the index of the lowest bit that is 0, for every uint16 (16 for none: never so, the exit leaf stays)
_LOWEST_ZERO = np.full(1 << 16, MAX_LEAVES, dtype=np.intp)
for _bit in reversed(range(MAX_LEAVES)):
    _LOWEST_ZERO[(np.arange(1 << 16) >> _bit) & 1 == 0] = _bit
del _bit
_LOWEST_ZERO.flags.writeable = False


@dataclass(frozen=True, slots=True)
class StackedTrees:
    """A model's trees as flat arrays of their splits, decided all at once (see the module docstring)."""

    features: tuple[str, ...]
    baseline: float
    trees: int
    splits: int  # per tree, as many as the largest tree has (smaller trees padded)
    feature: np.ndarray  # (splits * trees,) intp: split j of tree k at j * trees + k; 0 at padding
    threshold: np.ndarray  # (splits * trees,) float64
    rules_out: np.ndarray  # (splits * trees,) uint16: the leaves of the split's left subtree; 0 at padding
    leaf_value: np.ndarray  # (trees * MAX_LEAVES,) float64: tree k's leaf r (left to right) at k * MAX_LEAVES + r
    metrics: dict[str, Any]
    leaf_base: np.ndarray  # (trees,) intp: k * MAX_LEAVES, tree k's first leaf in leaf_value

    @classmethod
    def of(cls, model: Any) -> StackedTrees:
        trees = model.trees
        t = len(trees)
        feature = np.zeros((MAX_LEAVES, t), dtype=np.intp)
        threshold = np.zeros((MAX_LEAVES, t), dtype=np.float64)
        rules_out = np.zeros((MAX_LEAVES, t), dtype=np.uint16)
        leaf_value = np.zeros((t, MAX_LEAVES), dtype=np.float64)
        most = 1  # splits in the largest tree
        for k, tree in enumerate(trees):
            leaves = _leaves_under(tree)
            if len(leaves[0]) > MAX_LEAVES:
                raise ModelError(f"line model tree {k} has {len(leaves[0])} leaves; at most {MAX_LEAVES} are evaluated")
            rank = {leaf: r for r, leaf in enumerate(leaves[0])}
            splits = [node for node in range(len(tree.feature)) if not tree.leaf[node]]
            most = max(most, len(splits))
            for j, node in enumerate(splits):
                feature[j, k], threshold[j, k] = tree.feature[node], tree.threshold[node]
                rules_out[j, k] = sum(1 << rank[leaf] for leaf in leaves[int(tree.left[node])])
            for leaf, r in rank.items():
                leaf_value[k, r] = tree.value[leaf]
        return cls(tuple(model.features), float(model.baseline), t, most, feature[:most].ravel(),
                   threshold[:most].ravel(), rules_out[:most].ravel(), leaf_value.ravel(),
                   dict(getattr(model, "metrics", {})), np.arange(0, t * MAX_LEAVES, MAX_LEAVES))

    def predict(self, rows: np.ndarray | list[list[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if x.shape[1] != len(self.features):
            raise ModelError(f"line model expects {len(self.features)} features, got {x.shape[1]}")
        n, t = len(x), self.trees
        # (lines, splits): each split's feature of each line. Gathered as rows of the transposed features,
        # one copy of a row of all lines per split rather than one copy per value, then transposed back
        # for the comparisons (measured: 60% of the instructions of a gather value by value)
        tested = np.ascontiguousarray(np.ascontiguousarray(x.T).take(self.feature, axis=0).T)
        # (lines, splits): the line goes right, `x <= threshold` is false (NaN too); without a NaN
        # that is `x > threshold`, one pass over the splits fewer
        failed = ~(tested <= self.threshold) if np.isnan(x).any() else tested > self.threshold
        # OR over each tree's splits (exact, in any order)
        out = np.bitwise_or.reduce((self.rules_out * failed).reshape(n, self.splits, t), axis=1)
        # (the indices of these two lookups are in range by construction: "wrap" checks none of them)
        leaf = _LOWEST_ZERO.take(out, mode="wrap") + self.leaf_base
        # baseline, then each tree's leaf value added in the model's tree order, as a per-tree walk does
        terms = np.empty((n, t + 1), dtype=np.float64)
        terms[:, 0] = self.baseline
        terms[:, 1:] = self.leaf_value.take(leaf, mode="wrap")
        raw = np.cumsum(terms, axis=1)[:, -1]
        return 1.0 / (1.0 + np.exp(-raw))


def _leaves_under(tree: Tree) -> dict[int, list[int]]:
    """For each node of `tree`, the leaves under it, left to right (the root's: all leaves in order)."""
    under: dict[int, list[int]] = {}
    stack = [(0, False)]
    while stack:  # children before their parent
        node, done = stack.pop()
        if tree.leaf[node]:
            under[node] = [node]
        elif done:
            under[node] = under[int(tree.left[node])] + under[int(tree.right[node])]
        else:
            stack += [(node, True), (int(tree.right[node]), False), (int(tree.left[node]), False)]
    return under


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
