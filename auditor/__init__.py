"""auditor: source-quality and duplication auditor for text corpora."""

__version__ = "0.1.0"
