"""The audit as Markdown: a table of documents, then each document's findings and evidence."""

from __future__ import annotations

import re
from typing import Any

from auditor.document import AuditResult
from auditor.report.json import audit_to_dict

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def esc(text: Any) -> str:
    """Escape document content for Markdown: no markup, no HTML, no table breaks."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _evidence(ev: dict[str, Any]) -> str:
    parts = []
    for k, v in ev.items():
        if k in ("source", "unit"):
            continue
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in v.items())
        parts.append(f"{k} = {v}")
    return "; ".join(parts)


def render_markdown(result: AuditResult) -> str:
    data = audit_to_dict(result)
    s = data["summary"]
    out = [
        "# Audit report",
        "",
        f"{s['documents']} documents: "
        + ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n)
        + f". Findings: {s['findings']['error']} errors, {s['findings']['warning']} warnings, "
        f"{s['findings']['info']} notes. Duplicate links: {s['duplicate_links']}.",
        "",
        "| document | words before | words after | boilerplate | duplicates | errors / warnings / notes | verdict |",
        "|---|--:|--:|--:|---|--:|---|",
    ]
    for d in data["documents"]:
        dups = ", ".join(f"{esc(x['id'])} ({x['kind']} {x['similarity']:.2f})" for x in d["duplicates"]) or "-"
        c = d["counts"]
        out.append(
            f"| [{esc(d['id'])}](#{_anchor(d['id'])}) | {d['words_before']} | {d['words_after']} | "
            f"{_pct(d['boilerplate_share'])} | {dups} | {c['error']} / {c['warning']} / {c['info']} | "
            f"**{d['verdict']}** |"
        )
    out.append("")
    out += _sources_section(data.get("sources", [])) + _stories_section(data.get("stories", []))
    for d in data["documents"]:
        out += [f"## {esc(d['id'])}", "", f"<a id=\"{_anchor(d['id'])}\"></a>", ""]
        out.append(f"Verdict **{d['verdict']}**; source `{esc(d['source'])}`; "
                   f"cleaned by {esc(d['clean_method'] or '-')}; "
                   f"{d['words_before']} words before cleaning, {d['words_after']} after "
                   f"({_pct(d['boilerplate_share'])} boilerplate).")
        out.append("")
        if not d["findings"]:
            out += ["No findings.", ""]
        for f in d["findings"]:
            line = f"- **{f['severity']}** `{f['code']}` {esc(f['name'])}: {esc(f['message'])}"
            ev = _evidence(f["evidence"])
            if ev:
                line += f"  \n  evidence: {esc(ev)}"
            for sp in f.get("spans", [])[:6]:
                src = d["text"] if sp["field"] == "text" else ""
                snippet = src[sp["start"] : sp["end"]] if src else ""
                snippet = snippet if len(snippet) <= 100 else snippet[:97] + "..."
                line += f"  \n  span {sp['start']}-{sp['end']}" + (f": \"{esc(snippet)}\"" if snippet else "")
            if f["evidence"].get("source"):
                line += f"  \n  source: {esc(f['evidence']['source'])}"
            out.append(line)
        if d["removed"]:
            out += ["", f"<details><summary>{len(d['removed'])} lines removed by cleaning</summary>", ""]
            for r in d["removed"][:200]:
                out.append(f"- `{r['reason']}`: {esc(r['text'].strip()[:120])}")
            if len(d["removed"]) > 200:
                out.append(f"- ... and {len(d['removed']) - 200} more (see audit.json)")
            out += ["", "</details>"]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _sources_section(cards: list[dict[str, Any]]) -> list[str]:
    """The scorecard of every source: its numbers, source-rule findings, template lines, text signals."""
    if not cards:
        return []
    out = ["## Sources", "",
           "| source | documents | kept | boilerplate | copies/rewrites of others | templated/machine | "
           "repeated passages | template lines |",
           "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for c in cards:
        out.append(f"| {esc(c['source'])} | {c['documents']} | {_pct(c['kept_share'])} | "
                   f"{_pct(c['boilerplate_share'])} | {_pct(c['derivative_share'])} | {_pct(c['templated_share'])} | "
                   f"{_pct(c['repeated_passage_share'])} | {len(c['template_lines'])} |")
    out.append("")
    for c in cards:
        if not (c["findings"] or c["template_lines"] or c["signals"] or c["derivatives"]):
            continue
        out += [f"### Source {esc(c['source'])}", ""]
        for f in c["findings"]:
            out.append(f"- **{f['severity']}** `{f['code']}` {esc(f['name'])}: {esc(f['message'])}")
        for der in c["derivatives"][:20]:
            out.append(f"- {esc(der['id'])} copies or rewrites {esc(der['original'])} (another source's)")
        if c["template_lines"]:
            shown = "; ".join(f"\"{esc(t['text'][:60])}\" ({t['documents']} documents)"
                              for t in c["template_lines"][:10])
            out.append(f"- template lines its pages share: {shown}")
        for s in c["signals"]:
            out.append(f"- text signal, {s['kind']}: \"{esc(str(s['value'])[:80])}\" ({s['documents']} documents)")
        out.append("")
    return out


def _stories_section(stories: list[dict[str, Any]]) -> list[str]:
    """Each same-story group: the document judged the original, each derivative and why."""
    if not stories:
        return []
    out = ["## Stories: originals and derivatives", ""]
    for st in stories:
        out.append(f"- **original** [{esc(st['original'])}](#{_anchor(st['original'])})")
        for der in st["derivatives"]:
            out.append(f"  - derivative [{esc(der['id'])}](#{_anchor(der['id'])}) (evidence score {der['score']}): "
                       + esc("; ".join(der["reasons"]) or "nothing tells them apart; a guess"))
    out.append("")
    return out


def _anchor(doc_id: str) -> str:
    return "doc-" + re.sub(r"[^a-z0-9]+", "-", doc_id.lower()).strip("-")
