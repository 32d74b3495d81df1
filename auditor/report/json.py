"""The machine-readable audit (schema "auditor.audit/1", documented in README.md)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from auditor import __version__
from auditor.document import AuditResult, Document

SCHEMA = "auditor.audit/1"


def document_to_dict(doc: Document, result: AuditResult) -> dict[str, Any]:
    links = []
    for lk in result.links_of(doc.id):
        other = lk.b if lk.a == doc.id else lk.a
        links.append({"id": other, "kind": lk.kind, "similarity": round(lk.similarity, 4), "kept": lk.kept,
                      "evidence": lk.evidence})
    counts = Counter(f.severity.value for f in doc.findings)
    return {
        "id": doc.id,
        "path": doc.path,
        "source": doc.source,
        "kind": doc.kind,
        "verdict": doc.verdict().value,
        "words_before": doc.clean_info.get("words_before", 0),
        "words_after": doc.clean_info.get("words_after", 0),
        "boilerplate_share": doc.clean_info.get("boilerplate_share", 0.0),
        "clean_method": doc.clean_info.get("method", ""),
        "cluster": result.clusters.get(doc.id),
        "duplicates": links,
        "counts": {s: counts.get(s, 0) for s in ("error", "warning", "info")},
        "findings": [f.to_dict() for f in doc.findings],
        "removed": [r.to_dict() for r in doc.removals],
        "text": doc.text,
        # the text as read (HTML: its plain rendering), which "removed" spans index; null when nothing was removed
        "raw_text": doc.raw_text if doc.removals else None,
    }


def audit_to_dict(result: AuditResult) -> dict[str, Any]:
    docs = [document_to_dict(d, result) for d in result.documents]
    verdicts = Counter(d["verdict"] for d in docs)
    severities = Counter(f["severity"] for d in docs for f in d["findings"])
    codes = Counter(f["code"] for d in docs for f in d["findings"])
    return {
        "schema": SCHEMA,
        "tool": {"name": "auditor", "version": __version__},
        "summary": {
            "documents": len(docs),
            "verdicts": {v: verdicts.get(v, 0) for v in ("keep", "review", "reject", "unreadable")},
            "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
            "findings_by_code": dict(sorted(codes.items())),
            "duplicate_links": len(result.links),
        },
        "documents": docs,
        "links": [lk.to_dict() for lk in result.links],
        # one scorecard per source, and each same-story group's judged original (auditor/sources.py)
        "sources": [c.to_dict() for c in result.sources],
        "stories": [s.to_dict() for s in result.stories],
        "settings": result.settings,
    }


def render_json(result: AuditResult) -> str:
    return json.dumps(audit_to_dict(result), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
