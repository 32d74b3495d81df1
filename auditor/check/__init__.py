"""Guarding a seeds folder: a new or changed seed against the existing ones (`auditor check`, `auditor-seeds`).

Kept light on purpose (config.py imports the policy): the comparison lives in
auditor.check.guard, imported where it is used.
"""

from auditor.check.policy import SeedPolicy

__all__ = ["SeedPolicy"]
