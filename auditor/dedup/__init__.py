"""Duplication: exact and near-duplicate documents (MinHash + LSH), repeated passages.

The names are loaded when first asked for (PEP 562): a caller that needs only the passage
finder (`auditor score`) does not import the MinHash and LSH modules with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.dedup.near import find_duplicates
    from auditor.dedup.passages import repeated_passages
    from auditor.dedup.settings import DedupSettings

__all__ = ["DedupSettings", "find_duplicates", "repeated_passages"]


def __getattr__(name: str) -> Any:
    if name == "DedupSettings":
        from auditor.dedup.settings import DedupSettings

        return DedupSettings
    if name == "find_duplicates":
        from auditor.dedup.near import find_duplicates

        return find_duplicates
    if name == "repeated_passages":
        from auditor.dedup.passages import repeated_passages

        return repeated_passages
    raise AttributeError(f"module 'auditor.dedup' has no attribute {name!r}")
