"""Renderings of one AuditResult: Markdown for terminals, JSON for machines, HTML for a person to look."""

from auditor.report.html import render_html
from auditor.report.json import audit_to_dict, render_json
from auditor.report.markdown import render_markdown

__all__ = ["audit_to_dict", "render_html", "render_json", "render_markdown"]
