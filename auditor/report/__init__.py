"""Renderings of one AuditResult: Markdown for people, JSON for machines."""

from auditor.report.json import audit_to_dict, render_json
from auditor.report.markdown import render_markdown

__all__ = ["audit_to_dict", "render_json", "render_markdown"]
