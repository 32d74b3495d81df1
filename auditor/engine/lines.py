"""The cleaning stage's line model, evaluated all trees at once (for the filter's per-document calls).

The filter cleans one document at a time, so each call to the line model sees the
few dozen lines of one page. `LineModel.predict` walks its 200 trees one after
another, a dozen NumPy calls per tree level, which is fine for a page batch but
is most of the filter's time per document (~10 ms). Here the trees are stacked
into (trees x nodes) arrays and walked together: one gather per level for every
line and tree, a few dozen NumPy calls per page. Leaves point to themselves, so a
path that ends early just stays put.

The result is bit-identical to `LineModel.predict`: the same comparisons, and the
leaf values summed tree by tree in the same order (`np.cumsum` accumulates
sequentially). Tested in tests/test_filter.py.
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
    feature: np.ndarray  # (trees, nodes) int64; 0 at padding and leaves
    threshold: np.ndarray  # (trees, nodes) float64
    left: np.ndarray  # (trees, nodes) int64; leaves and padding point to themselves
    right: np.ndarray
    value: np.ndarray  # (trees, nodes) float64
    depth: int
    metrics: dict[str, Any]

    @classmethod
    def of(cls, model: Any) -> StackedLineModel:
        trees = model.trees
        t, width = len(trees), max((len(tr.feature) for tr in trees), default=1)
        own = np.broadcast_to(np.arange(width, dtype=np.int64), (t, width))
        feature = np.zeros((t, width), dtype=np.int64)
        threshold = np.zeros((t, width), dtype=np.float64)
        left, right = own.copy(), own.copy()
        value = np.zeros((t, width), dtype=np.float64)
        for k, tr in enumerate(trees):
            n = len(tr.feature)
            inner = ~np.asarray(tr.leaf, dtype=bool)
            feature[k, :n] = np.where(inner, tr.feature, 0)
            threshold[k, :n] = tr.threshold
            left[k, :n] = np.where(inner, tr.left, np.arange(n))
            right[k, :n] = np.where(inner, tr.right, np.arange(n))
            value[k, :n] = tr.value
        depth = max((tr.depth for tr in trees), default=0)
        return cls(tuple(model.features), float(model.baseline), feature, threshold, left, right, value, depth,
                   dict(getattr(model, "metrics", {})))

    def predict(self, rows: list[list[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if x.shape[1] != len(self.features):
            from auditor.clean.model import ModelError

            raise ModelError(f"line model expects {len(self.features)} features, got {x.shape[1]}")
        n, t = len(x), self.feature.shape[0]
        tree = np.arange(t, dtype=np.int64)[None, :]
        line = np.arange(n, dtype=np.int64)[:, None]
        node = np.zeros((n, t), dtype=np.int64)
        for _ in range(self.depth):
            go_left = x[line, self.feature[tree, node]] <= self.threshold[tree, node]
            node = np.where(go_left, self.left[tree, node], self.right[tree, node])
        # baseline, then each tree's leaf value added in tree order, as LineModel.predict does
        terms = np.empty((n, t + 1), dtype=np.float64)
        terms[:, 0] = self.baseline
        terms[:, 1:] = self.value[tree, node]
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
