"""Checks over a whole source (a site, a feed, an author): each measures one share on its scorecard.

Rules with `scope = "source"` in rules/*.toml run these instead of the per-text checks
of checks.py; the engine is the same (min/max bounds, message, evidence). A source
with fewer than `min_documents` documents measures 0: a share of one or two
documents says little about a site.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from auditor.score.checks import Check, Measure


@dataclass(slots=True)
class SourceStats:
    """The numbers a source's scorecard holds (shares are of its documents, 0..1)."""

    documents: int = 0
    kept_share: float = 0.0
    boilerplate_share: float = 0.0  # mean share of words cleaning removed
    derivative_share: float = 0.0  # documents judged copies or rewrites of another source's document
    templated_share: float = 0.0  # documents with a templated or machine-text finding
    repeated_passage_share: float = 0.0  # documents with a passage repeated inside them (D003)
    template_lines: int = 0  # distinct lines its pages share (removed as template lines)


SOURCE_CHECKS: dict[str, Check] = {}


def _measure_share(name: str, stats: SourceStats, min_documents: int = 3) -> Measure:
    if stats.documents < min_documents:
        return Measure(0.0, detail={"documents": stats.documents, "min_documents": min_documents})
    return Measure(float(getattr(stats, name)), detail={"documents": stats.documents})


def _share(name: str, description: str) -> None:
    # a partial of a module-level function, not a closure: rule sets are pickled to filter workers
    SOURCE_CHECKS[name] = Check(name=name, func=partial(_measure_share, name), params={"min_documents": 3},
                                unit="share of documents", description=description)


_share("kept_share", "share of the source's documents kept (verdict keep or review)")
_share("boilerplate_share", "mean share of words removed from the source's documents by cleaning")
_share("derivative_share", "share of the source's documents judged copies or rewrites of another source's")
_share("templated_share", "share of the source's documents with a templated or machine-text finding")
_share("repeated_passage_share", "share of the source's documents with a passage repeated inside them")
