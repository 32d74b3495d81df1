"""The cleaning stage's line model for the filter's per-document calls.

The filter cleans one document at a time, so each call to the line model sees the
few dozen lines of one page. `LineModel.predict` decides the model's trees all at
once from flat arrays of their splits (`auditor.clean.model.StackedTrees`, one
implementation for `audit`, `clean` and the filter); this module loads it once per worker process:
reading the shipped JSON and stacking its trees took about 10 ms, paid by every batch
of 256 documents before (0.04 ms per document).
"""

from __future__ import annotations

import functools

from auditor.clean.model import LineModel
from auditor.clean.model import StackedTrees as StackedLineModel

__all__ = ["StackedLineModel", "load_stacked"]


@functools.lru_cache(maxsize=2)
def load_stacked(enabled: bool) -> LineModel | None:
    """The shipped line model (its trees stacked on first use), the same object for every batch a
    process handles (the shipped file does not change under a run); None when the settings turn
    it off."""
    if not enabled:
        return None
    from auditor.clean.model import load_line_model

    return load_line_model()
