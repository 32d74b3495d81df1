"""Duplication: exact and near-duplicate documents (MinHash + LSH), repeated passages."""

from auditor.dedup.near import DedupSettings, find_duplicates
from auditor.dedup.passages import repeated_passages

__all__ = ["DedupSettings", "find_duplicates", "repeated_passages"]
