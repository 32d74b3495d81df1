"""The cleaning stage's line model for the filter's per-document calls.

The filter cleans one document at a time, so each call to the line model sees the
few dozen lines of one page. `LineModel.predict` walks the model's 200 trees all at
once, laid out in flat arrays (`auditor.clean.model.StackedTrees`, one implementation
for `audit`, `clean` and the filter); this module loads it once per batch.
"""

from __future__ import annotations

from auditor.clean.model import LineModel
from auditor.clean.model import StackedTrees as StackedLineModel

__all__ = ["StackedLineModel", "load_stacked"]


def load_stacked(enabled: bool) -> LineModel | None:
    """The shipped line model (its trees stacked on first use); None when the settings turn it off."""
    if not enabled:
        return None
    from auditor.clean.model import load_line_model

    return load_line_model()
