"""The cleaning stage's line model, evaluated all trees at once (for the filter's per-document calls).

The filter cleans one document at a time, so each call to the line model sees the
few dozen lines of one page. `LineModel.predict` walks its 200 trees one after
another, a dozen NumPy calls per tree level, which is fine for a page batch but
was most of the filter's time per document (~10 ms). Here the trees are laid out
in flat arrays and walked together: per level, one gather of the node's feature,
threshold and child for every (tree, line) pair at once, a handful of NumPy calls
per level for the whole page. Trees are ordered deepest first, so level L only
walks the prefix of trees deeper than L (the trees' depths run 5..12, mean ~8:
a third of the gathers saved). Leaves point to themselves.

The result is bit-identical to `LineModel.predict`: the same comparisons
(`x <= threshold` goes left, so NaN goes right as there), and the leaf values summed
tree by tree in the model's order (`np.cumsum` accumulates sequentially). Tested
in tests/test_filter.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class StackedLineModel:
    """Duck-types `auditor.clean.model.LineModel` for `classify_lines` (features + predict)."""

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
    def of(cls, model: Any) -> StackedLineModel:
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

    def predict(self, rows: list[list[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if x.shape[1] != len(self.features):
            from auditor.clean.model import ModelError

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
        # baseline, then each tree's leaf value added in the model's tree order, as LineModel.predict does
        terms = np.empty((n, t + 1), dtype=np.float64)
        terms[:, 0] = self.baseline
        terms[:, 1 + self.order] = self.value.take(node).reshape(t, n).T
        raw = np.cumsum(terms, axis=1)[:, -1]
        return 1.0 / (1.0 + np.exp(-raw))


def load_stacked(enabled: bool) -> StackedLineModel | None:
    """The shipped line model, stacked; None when the settings turn it off or this build has none."""
    if not enabled:
        return None
    try:
        from auditor.clean.model import load_line_model
    except ImportError:  # a cleaning stage without a line model
        return None
    return StackedLineModel.of(load_line_model())
