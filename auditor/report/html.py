"""The audit as one self-contained HTML page, for a person who wants to look.

A corpus summary with plots (matplotlib, inline SVG), a sortable table of documents,
each document's text with its evidence highlighted (removed boilerplate, repeated
passages, rule spans), and every pair link (near-duplicate, rewrite, shared passage,
any kind) side by side with the shared passages aligned.

It renders `audit_to_dict(result)` and computes nothing new about the corpus; the
only work done here is layout (cutting texts at span edges, aligning two texts of a
pair by the spans their link's evidence carries, else by difflib over paragraphs).

Nothing is fetched: style, script and plots are inline. Every piece of document
content goes through `html.escape`; on top of that a Content-Security-Policy lets
only this page's own script run (allowed by its SHA-256), so a document's
`<script>` or `onerror=` could not run even if an escape were missed.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from auditor.document import AuditResult
from auditor.report.json import audit_to_dict
from auditor.segment import normalize, paragraphs

VERDICTS = ("keep", "review", "reject", "unreadable")
VERDICT_RANK = {"reject": 0, "unreadable": 1, "review": 2, "keep": 3}  # worst first when sorted ascending
VERDICT_COLOURS = {"keep": "#2e7d32", "review": "#ef6c00", "reject": "#c62828", "unreadable": "#6d4c41"}
_TOKEN = re.compile(r"\S+")
EVIDENCE_CHARS = 600  # a finding's evidence line is cut here on the page; audit.json has all of it


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """Caps that keep the page loadable in a browser for a large corpus; what is left out is said on the page."""

    max_documents: int = 500  # documents shown in full (the table always lists all)
    max_pairs: int = 200  # pair links shown side by side (the pair table always lists all)
    max_chars: int = 100_000  # characters of one text shown
    max_pair_rows: int = 400  # aligned rows of one side-by-side view
    # A run of words two differing paragraphs share is highlighted from this length: 3 marked stock phrases
    # ("the United States") in any two texts on one topic; 4 mostly marks a phrase one text took from the other.
    min_shared_words: int = 4
    min_paragraph_overlap: float = 0.1  # word-set Jaccard for two differing paragraphs to be set side by side
    max_align_cells: int = 40_000  # paragraphs x paragraphs beyond which a block is set side by side in order
    # Texts and side-by-side views start open up to this many documents (or pairs); beyond it they start closed, as
    # a browser lays out a closed <details> only when it is opened (16 MB of open text took Chromium 20 s to load).
    open_up_to: int = 50


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted range [start, end) of one text: `cls` picks the colour, `label` is its tooltip."""

    start: int
    end: int
    cls: str
    label: str


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render_html(result: AuditResult, options: HtmlOptions | None = None) -> str:
    return render_html_data(audit_to_dict(result), options or HtmlOptions())


def render_html_data(data: dict[str, Any], options: HtmlOptions) -> str:
    """The page for one audit in its JSON form (schema auditor.audit/1)."""
    script = _asset("report.js")
    style = _asset("report.css")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    pair_ids = _pair_ids(data["links"])
    s = data["summary"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Audit report: {s['documents']} documents</title>",
        f"<style>{style}</style></head><body>",
        '<header><h1>Audit report</h1>',
        f"<p class=\"tool\">{esc(data['tool']['name'])} {esc(data['tool']['version'])}, "
        f"schema {esc(data['schema'])}</p>",
        _toggles(),
        "</header><main>",
        _summary(data),
        _documents_table(data, pair_ids),
        _sources_section(data),
        _pairs_section(data, pair_ids, options),
        _document_sections(data, pair_ids, options),
        _settings(data),
        "</main>",
        f"<script>{script}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _asset(name: str) -> str:
    return resources.files("auditor.report").joinpath("assets", name).read_text(encoding="utf-8")


def doc_anchor(doc_id: str) -> str:
    """A stable, unique, markup-safe anchor for a document id."""
    slug = re.sub(r"[^a-z0-9]+", "-", doc_id.lower()).strip("-")[:40]
    return f"doc-{slug}-{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:8]}"


def _pair_key(kind: str, a: str, b: str) -> tuple[str, str, str]:
    return (kind, min(a, b), max(a, b))


def _pair_ids(links: list[dict[str, Any]]) -> dict[tuple[str, str, str], str]:
    return {_pair_key(lk["kind"], lk["a"], lk["b"]): f"pair-{i + 1}" for i, lk in enumerate(links)}


def _toggles() -> str:
    boxes = [("rm", "removed boilerplate"), ("rep", "repeated passages"), ("rule", "rule spans"),
             ("shared", "shared passages")]
    inputs = "".join(
        f'<label class="toggle"><input type="checkbox" data-toggle="{cls}" checked> <mark class="{cls}">{label}</mark>'
        "</label>"
        for cls, label in boxes
    )
    return f'<div class="toggles" role="group" aria-label="highlights">Highlight: {inputs}</div>'


# --- summary and plots -------------------------------------------------------------------------


def _summary(data: dict[str, Any]) -> str:
    s = data["summary"]
    verdicts = "".join(
        f'<li class="verdict {v}"><b>{s["verdicts"].get(v, 0)}</b> {v}</li>' for v in VERDICTS
    )
    f = s["findings"]
    names = {x["code"]: x.get("name", "") for d in data["documents"] for x in d["findings"]}
    code_rows = "".join(
        f"<tr><td><code>{esc(code)}</code></td><td>{esc(names.get(code, ''))}</td><td class=\"num\">{n}</td></tr>"
        for code, n in s["findings_by_code"].items()
    )
    kinds: dict[str, int] = {}
    for lk in data["links"]:
        kinds[lk["kind"]] = kinds.get(lk["kind"], 0) + 1
    links = ", ".join(f"{n} {esc(k)}" for k, n in sorted(kinds.items())) or "none"
    return (
        '<section id="summary"><h2>Corpus</h2>'
        f'<p class="counts"><b>{s["documents"]}</b> documents; findings: <b>{f["error"]}</b> errors, '
        f'<b>{f["warning"]}</b> warnings, <b>{f["info"]}</b> notes; pair links: {links}.</p>'
        f'<ul class="verdicts">{verdicts}</ul>'
        f'<div class="plots">{"".join(_plots(data))}</div>'
        '<details><summary>Findings by rule</summary><table class="codes"><thead><tr><th>code</th><th>name</th>'
        f'<th>findings</th></tr></thead><tbody>{code_rows}</tbody></table></details>'
        "</section>"
    )


def _plots(data: dict[str, Any]) -> list[str]:
    """One inline SVG figure per distribution; matplotlib is imported only when a page is rendered."""
    import matplotlib

    # Labels are names, not formulas: a "$" in a rule code or score name must not start mathtext.
    with matplotlib.rc_context({"text.parse_math": False}):
        return _figures(data)


def _figures(data: dict[str, Any]) -> list[str]:
    docs = [d for d in data["documents"] if d["verdict"] != "unreadable"]
    s = data["summary"]
    out = [_bar_svg("Verdicts", list(VERDICTS), [s["verdicts"].get(v, 0) for v in VERDICTS],
                    [VERDICT_COLOURS[v] for v in VERDICTS], "documents")]
    if docs:
        out.append(_hist_svg("Words after cleaning", [d["words_after"] for d in docs], "words"))
        out.append(_hist_svg("Boilerplate share", [d["boilerplate_share"] for d in docs], "share of words removed",
                             bounds=(0.0, 1.0)))
    scores: dict[str, list[float]] = {}
    for d in docs:  # numeric scores other stages attach to a document, e.g. classifier probabilities
        for name, value in (d.get("scores") or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                scores.setdefault(str(name), []).append(float(value))
    for name, values in sorted(scores.items()):
        out.append(_hist_svg(f"Score: {name}", values, name))
    if data["links"]:
        out.append(_hist_svg("Pair similarity", [lk["similarity"] for lk in data["links"]], "similarity",
                             bounds=(0.0, 1.0)))
    codes = list(s["findings_by_code"].items())[:20]
    if codes:
        out.append(_bar_svg("Findings by rule", [c for c, _ in codes], [n for _, n in codes], None, "findings"))
    return out


def _figure(title: str, bottom: float = 0.2):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # Fixed margins: constrained layout doubled the time a plot takes, for no gain at one axes per figure.
    fig = Figure(figsize=(3.8, 2.5), dpi=100)
    fig.subplots_adjust(left=0.15, right=0.97, top=0.9, bottom=bottom)
    ax = fig.subplots()
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _svg(fig, title: str) -> str:  # type: ignore[no-untyped-def]
    import matplotlib

    buf = io.StringIO()
    # Text as <text> (not glyph paths) keeps the SVG small; the salt makes ids unique per plot and output stable.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": title}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    return f'<figure class="plot" aria-label="{esc(title)}">{svg}</figure>'


def _bar_svg(title: str, labels: list[str], values: list[int], colours: list[str] | None, ylabel: str) -> str:
    fig, ax = _figure(title, bottom=0.28 if len(labels) > 5 else 0.14)
    ax.bar(range(len(labels)), values, color=colours or "#1565c0")
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 5 else 0, ha="right" if len(labels) > 5
                  else "center")
    ax.set_ylabel(ylabel, fontsize=8)
    return _svg(fig, title)


def _hist_svg(title: str, values: list[float], xlabel: str, bounds: tuple[float, float] | None = None) -> str:
    fig, ax = _figure(title)
    ax.hist(values, bins=min(30, max(5, len(values))), range=bounds, color="#1565c0", edgecolor="white")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel("count", fontsize=8)
    return _svg(fig, title)


# --- the tables ---------------------------------------------------------------------------------


def _documents_table(data: dict[str, Any], pair_ids: dict[tuple[str, str, str], str]) -> str:
    head = [("document", "text"), ("source", "text"), ("verdict", "num"), ("words before", "num"),
            ("words after", "num"), ("boilerplate", "num"), ("errors", "num"), ("warnings", "num"),
            ("notes", "num"), ("pairs", "num"), ("rules", "text")]
    ths = "".join(f'<th data-type="{t}" scope="col">{esc(h)}</th>' for h, t in head)
    rows = []
    for d in data["documents"]:
        c = d["counts"]
        codes = ", ".join(sorted({f["code"] for f in d["findings"]}))
        rows.append(
            f'<tr class="{esc(d["verdict"])}">'
            f'<td><a href="#{doc_anchor(d["id"])}">{esc(d["id"])}</a></td>'
            f'<td>{esc(d["source"])}</td>'
            f'<td data-v="{VERDICT_RANK.get(d["verdict"], 9)}"><span class="badge {esc(d["verdict"])}">'
            f'{esc(d["verdict"])}</span></td>'
            f'<td class="num">{d["words_before"]}</td><td class="num">{d["words_after"]}</td>'
            f'<td class="num" data-v="{d["boilerplate_share"]}">{d["boilerplate_share"]:.0%}</td>'
            f'<td class="num">{c["error"]}</td><td class="num">{c["warning"]}</td><td class="num">{c["info"]}</td>'
            f'<td class="num">{len(d["duplicates"])}</td><td>{esc(codes)}</td></tr>'
        )
    return (
        '<section id="documents"><h2>Documents</h2>'
        '<div class="filters"><label>Filter <input type="search" id="doc-filter" placeholder="id, source, rule">'
        '</label> <label>Verdict <select id="verdict-filter"><option value="">all</option>'
        + "".join(f'<option value="{v}">{v}</option>' for v in VERDICTS)
        + '</select></label> <span class="hint">Click a column heading to sort.</span></div>'
        f'<table class="sortable" id="doc-table"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def _sources_section(data: dict[str, Any]) -> str:
    """A scorecard per source (its findings, template lines, text signals), then each story's original."""
    cards, stories = data.get("sources", []), data.get("stories", [])
    if not cards and not stories:
        return ""
    head = ("source", "documents", "kept", "boilerplate", "copies/rewrites of others", "templated/machine",
            "repeated passages", "template lines", "source findings")
    rows = []
    for c in cards:
        codes = ", ".join(f["code"] for f in c["findings"])
        rows.append(
            f'<tr><td>{esc(c["source"])}</td><td class="num">{c["documents"]}</td>'
            + "".join(f'<td class="num">{c[k]:.0%}</td>'
                      for k in ("kept_share", "boilerplate_share", "derivative_share", "templated_share",
                                "repeated_passage_share"))
            + f'<td class="num">{len(c["template_lines"])}</td><td>{esc(codes)}</td></tr>')
    details = []
    for c in cards:
        items = [f'<li><b>{esc(f["severity"])}</b> <code>{esc(f["code"])}</code> '
                 f'{esc(f["name"])}: {esc(f["message"])}</li>'
                 for f in c["findings"]]
        items += [f'<li>template line &ldquo;{esc(t["text"])}&rdquo; ({t["documents"]} documents)</li>'
                  for t in c["template_lines"][:10]]
        items += [f'<li>text signal, {esc(s["kind"])}: '
                  f'&ldquo;{esc(s["value"])}&rdquo; ({s["documents"]} documents)</li>'
                  for s in c["signals"]]
        if items:
            details.append(f'<h3>Source {esc(c["source"])}</h3><ul>{"".join(items)}</ul>')
    story_items = []
    for st in stories:
        ders = "".join(
            f'<li>derivative <a href="#{doc_anchor(d["id"])}">{esc(d["id"])}</a> (evidence score {esc(d["score"])}): '
            f'{esc("; ".join(d["reasons"]) or "nothing tells them apart; a guess")}</li>' for d in st["derivatives"])
        story_items.append(f'<li>original <a href="#{doc_anchor(st["original"])}">{esc(st["original"])}</a>'
                           f'<ul>{ders}</ul></li>')
    ths = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    return (
        '<section id="sources"><h2>Sources</h2>'
        f'<table id="source-table"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + "".join(details)
        + (f'<h3>Stories: originals and derivatives</h3><ul>{"".join(story_items)}</ul>' if story_items else "")
        + "</section>"
    )


def _pairs_section(data: dict[str, Any], pair_ids: dict[tuple[str, str, str], str], opt: HtmlOptions) -> str:
    links = data["links"]
    if not links:
        return '<section id="pairs"><h2>Pairs</h2><p>No pair links: no document is a duplicate, rewrite or ' \
               "shares a passage with another.</p></section>"
    texts = {d["id"]: d["text"] for d in data["documents"]}
    rows = []
    for lk in links:
        pid = pair_ids[_pair_key(lk["kind"], lk["a"], lk["b"])]
        rows.append(
            f'<tr><td><a href="#{pid}">{pid}</a></td><td>{esc(lk["kind"])}</td>'
            f'<td class="num">{lk["similarity"]:.3f}</td>'
            f'<td><a href="#{doc_anchor(lk["a"])}">{esc(lk["a"])}</a></td>'
            f'<td><a href="#{doc_anchor(lk["b"])}">{esc(lk["b"])}</a></td><td>{esc(lk.get("kept", ""))}</td></tr>'
        )
    order = sorted(range(len(links)), key=lambda i: -links[i]["similarity"])
    shown = sorted(order[: opt.max_pairs])
    is_open = " open" if len(shown) <= opt.open_up_to else ""
    views = [_side_by_side(links[i], pair_ids[_pair_key(links[i]["kind"], links[i]["a"], links[i]["b"])], texts, opt,
                           is_open) for i in shown]
    note = (f'<p class="note">{len(links) - len(shown)} pairs of lowest similarity are listed above but not shown '
            "side by side (see audit.json).</p>" if len(shown) < len(links) else "")
    return (
        '<section id="pairs"><h2>Pairs</h2>'
        '<table class="sortable" id="pair-table"><thead><tr>'
        '<th data-type="text">pair</th><th data-type="text">kind</th>'
        '<th data-type="num">similarity</th><th data-type="text">a</th><th data-type="text">b</th>'
        f'<th data-type="text">kept</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + note + "".join(views) + "</section>"
    )


# --- highlighting -------------------------------------------------------------------------------


def highlight(text: str, marks: list[Mark]) -> str:
    """Escaped `text` with each range in `marks` wrapped in <mark>; overlapping marks nest as merged classes."""
    marks = [m for m in marks if m.end > m.start and m.start < len(text)]
    if not marks:
        return esc(text)
    cuts = sorted({0, len(text)} | {max(0, m.start) for m in marks} | {min(len(text), m.end) for m in marks})
    by_start = sorted(marks, key=lambda m: m.start)
    active: list[Mark] = []
    nxt = 0
    out = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        while nxt < len(by_start) and by_start[nxt].start <= lo:
            active.append(by_start[nxt])
            nxt += 1
        active = [m for m in active if m.end > lo]
        piece = esc(text[lo:hi])
        if not active:
            out.append(piece)
            continue
        classes = " ".join(sorted({m.cls for m in active}))
        label = "; ".join(dict.fromkeys(m.label for m in active))
        out.append(f'<mark class="{esc(classes)}" title="{esc(label)}">{piece}</mark>')
    return "".join(out)


def _clip(text: str, limit: int) -> tuple[str, str]:
    if len(text) <= limit:
        return text, ""
    return text[:limit], f'<p class="note">Text cut at {limit:,} of {len(text):,} characters (see audit.json).</p>'


def _finding_marks(doc: dict[str, Any], field: str) -> list[Mark]:
    marks = []
    for f in doc["findings"]:
        cls = "rep" if f["code"] in ("D003", "D006") else "rule"  # exact and restated repeats
        for sp in f.get("spans", []):
            if sp.get("field", "text") == field:
                marks.append(Mark(sp["start"], sp["end"], f"{cls} sev-{f['severity']}", f"{f['code']} {f['name']}"))
    return marks


# --- each document ------------------------------------------------------------------------------


def _document_sections(data: dict[str, Any], pair_ids: dict[tuple[str, str, str], str], opt: HtmlOptions) -> str:
    docs = data["documents"]
    if len(docs) > opt.max_documents:  # the worst documents are the ones a reader needs to see
        keep = sorted(range(len(docs)), key=lambda i: (VERDICT_RANK.get(docs[i]["verdict"], 9), i))
        shown = [docs[i] for i in sorted(keep[: opt.max_documents])]
        note = (f'<p class="note">{len(docs) - len(shown)} documents (the best verdicts) are in the table but not '
                "shown in full (see audit.json).</p>")
    else:
        shown, note = docs, ""
    is_open = " open" if len(shown) <= opt.open_up_to else ""
    return '<section id="texts"><h2>Documents in full</h2>' + note + "".join(
        _document(d, pair_ids, opt, is_open) for d in shown) + "</section>"


def _document(d: dict[str, Any], pair_ids: dict[tuple[str, str, str], str], opt: HtmlOptions, is_open: str) -> str:
    findings = "".join(_finding(f) for f in d["findings"]) or "<li>No findings.</li>"
    pairs = "".join(
        f'<li><a href="#{pair_ids.get(_pair_key(x["kind"], d["id"], x["id"]), "")}">{esc(x["kind"])} '
        f'{x["similarity"]:.2f}</a> with <a href="#{doc_anchor(x["id"])}">{esc(x["id"])}</a>'
        + (" (kept)" if x.get("kept") == d["id"] else "") + "</li>"
        for x in d["duplicates"]
    )
    text, cut = _clip(d["text"], opt.max_chars)
    if text.strip():
        body = f'<pre class="text">{highlight(text, _finding_marks(d, "text"))}</pre>'
    elif d["verdict"] == "unreadable":
        body = '<p class="note">The input could not be read as text: the finding above says why.</p>'
    else:
        body = '<p class="note">No text left after cleaning.</p>'

    raw = d.get("raw_text")
    raw_view = ""
    if raw and (d["removed"] or _finding_marks(d, "raw")):
        raw_clip, raw_cut = _clip(raw, opt.max_chars)
        marks = [Mark(r["span"]["start"], r["span"]["end"], "rm", f"removed: {r['reason']}") for r in d["removed"]
                 if r["span"].get("field", "raw") == "raw"] + _finding_marks(d, "raw")
        raw_view = (f'<details class="raw"><summary>As read, with the {len(d["removed"])} removed lines '
                    f'highlighted</summary>{raw_cut}<pre class="text">{highlight(raw_clip, marks)}</pre></details>')
    elif d["removed"]:  # no raw text in the JSON: list what was removed
        items = "".join(f'<li><mark class="rm">{esc(r["text"])}</mark> <span class="reason">{esc(r["reason"])}'
                        "</span></li>" for r in d["removed"])
        raw_view = (f'<details class="raw"><summary>{len(d["removed"])} removed lines</summary>'
                    f"<ul>{items}</ul></details>")
    return (
        f'<article class="doc {esc(d["verdict"])}" id="{doc_anchor(d["id"])}">'
        f'<h3>{esc(d["id"])} <span class="badge {esc(d["verdict"])}">{esc(d["verdict"])}</span></h3>'
        f'<p class="meta">source <b>{esc(d["source"])}</b>; path {esc(d["path"])}; {esc(d["kind"])}, cleaned by '
        f'{esc(d["clean_method"] or "-")}; {d["words_before"]} words before cleaning, {d["words_after"]} after '
        f'({d["boilerplate_share"]:.0%} boilerplate)'
        + (f'; cluster {esc(d["cluster"])}' if d.get("cluster") and d["cluster"] != d["id"] else "") + ".</p>"
        f'<ul class="findings">{findings}</ul>'
        + (f'<ul class="pairs">{pairs}</ul>' if pairs else "")
        + f'<details class="body"{is_open}><summary>Text: {d["words_after"]} words after cleaning</summary>'
        + raw_view + "<h4>Cleaned text</h4>" + cut + body + "</details>"
        '<p class="top"><a href="#documents">back to the table</a></p></article>'
    )


def _finding(f: dict[str, Any]) -> str:
    ev = {k: v for k, v in f["evidence"].items() if k != "source"}
    evidence = "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v}"
                         for k, v in ev.items())
    if len(evidence) > EVIDENCE_CHARS:
        evidence = evidence[: EVIDENCE_CHARS - 1] + "\u2026"
    source = f["evidence"].get("source")
    return (
        f'<li class="sev-{esc(f["severity"])}">'
        f'<span class="badge sev-{esc(f["severity"])}">{esc(f["severity"])}</span> '
        f'<code>{esc(f["code"])}</code> {esc(f["name"])}: {esc(f["message"])}'
        + (f'<div class="evidence">evidence: {esc(evidence)}</div>' if evidence else "")
        + (f'<div class="source">source: {esc(source)}</div>' if source else "")
        + (f'<div class="spans">{len(f["spans"])} spans highlighted</div>' if f.get("spans") else "")
        + "</li>"
    )


# --- pairs side by side -------------------------------------------------------------------------


def _side_by_side(lk: dict[str, Any], pid: str, texts: dict[str, str], opt: HtmlOptions, is_open: str) -> str:
    a_text, _ = _clip(texts.get(lk["a"], ""), opt.max_chars)
    b_text, _ = _clip(texts.get(lk["b"], ""), opt.max_chars)
    spans = evidence_passages(lk.get("evidence") or {})
    rows = _rows_by_spans(a_text, b_text, spans) if spans else None
    how = "aligned by the shared passages the link's evidence names"
    if rows is None:
        rows = _rows_by_paragraphs(a_text, b_text, opt)
        how = ("aligned by paragraph (difflib; paragraphs that differ by their word overlap); in those, runs of "
               f"{opt.min_shared_words}+ words found in both are highlighted")
    cut = ""
    if len(rows) > opt.max_pair_rows:
        cut = f'<p class="note">{len(rows) - opt.max_pair_rows} more rows not shown.</p>'
        rows = rows[: opt.max_pair_rows]
    ev = "; ".join(f"{k} = {v}" for k, v in (lk.get("evidence") or {}).items() if isinstance(v, int | float | str))
    body = "".join(f'<tr class="{cls}"><td>{left}</td><td>{right}</td></tr>' for cls, left, right in rows)
    return (
        f'<article class="pair" id="{pid}"><h3>{pid}: {esc(lk["kind"])}, similarity {lk["similarity"]:.3f}</h3>'
        f'<p class="meta">{esc(how)}' + (f"; evidence: {esc(ev)}" if ev else "") + "</p>"
        f'<details class="body"{is_open}><summary>Side by side ({len(rows)} rows)</summary>'
        '<table class="side-by-side"><thead><tr>'
        f'<th><a href="#{doc_anchor(lk["a"])}">{esc(lk["a"])}</a>' + (" (kept)" if lk.get("kept") == lk["a"] else "")
        + f'</th><th><a href="#{doc_anchor(lk["b"])}">{esc(lk["b"])}</a>'
        + (" (kept)" if lk.get("kept") == lk["b"] else "")
        + f"</th></tr></thead><tbody>{body}</tbody></table>{cut}</details></article>"
    )


def evidence_passages(ev: dict[str, Any]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Shared passages a link's evidence names, as ((a_start, a_end), (b_start, b_end)) in the cleaned texts.

    Accepted shapes: `"passages": [{"a": SPAN, "b": SPAN}, ...]`, or parallel lists `"spans_a"` / `"spans_b"`
    (SPAN: {"start", "end"}, optional "field" which must be "text").
    """

    def span(x: Any) -> tuple[int, int] | None:
        if isinstance(x, dict) and isinstance(x.get("start"), int) and isinstance(x.get("end"), int) \
                and x.get("field", "text") == "text":
            return (x["start"], x["end"])
        return None

    pairs: list[tuple[Any, Any]] = []
    if isinstance(ev.get("passages"), list):
        pairs = [(p.get("a"), p.get("b")) for p in ev["passages"] if isinstance(p, dict)]
    elif isinstance(ev.get("spans_a"), list) and isinstance(ev.get("spans_b"), list):
        pairs = list(zip(ev["spans_a"], ev["spans_b"], strict=False))
    out = []
    for a, b in pairs:
        sa, sb = span(a), span(b)
        if sa and sb:
            out.append((sa, sb))
    return out


Row = tuple[str, str, str]  # (class, left cell html, right cell html)


def _rows_by_spans(a: str, b: str, spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[Row] | None:
    """Interleave the texts at the shared passages; None when the passages are not in the same order on both sides."""
    rows: list[Row] = []
    pa = pb = 0
    for (a0, a1), (b0, b1) in sorted(spans):
        if a0 < pa or b0 < pb or a1 > len(a) or b1 > len(b):
            return None
        if a[pa:a0].strip() or b[pb:b0].strip():
            rows.append(("differs", esc(a[pa:a0].strip()), esc(b[pb:b0].strip())))
        rows.append(("shared", esc(a[a0:a1]), esc(b[b0:b1])))
        pa, pb = a1, b1
    if a[pa:].strip() or b[pb:].strip():
        rows.append(("differs", esc(a[pa:].strip()), esc(b[pb:].strip())))
    return rows


def _rows_by_paragraphs(a: str, b: str, opt: HtmlOptions) -> list[Row]:
    pa, pb = paragraphs(a), paragraphs(b)
    matcher = difflib.SequenceMatcher(None, [normalize(p.text) for p in pa], [normalize(p.text) for p in pb],
                                      autojunk=False)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [("shared", esc(pa[i1 + k].text), esc(pb[j1 + k].text)) for k in range(i2 - i1)]
            continue
        for i, j in _pair_paragraphs([p.text for p in pa[i1:i2]], [p.text for p in pb[j1:j2]], opt):
            left = pa[i1 + i].text if i is not None else ""
            right = pb[j1 + j].text if j is not None else ""
            if left and right:
                ml, mr = shared_runs(left, right, opt.min_shared_words)
                rows.append(("differs", highlight(left, ml), highlight(right, mr)))
            else:
                rows.append(("only", esc(left), esc(right)))
    return rows


def _pair_paragraphs(left: list[str], right: list[str], opt: HtmlOptions) -> list[tuple[int | None, int | None]]:
    """Rows for a block of paragraphs that differ: each paragraph beside its most alike one on the other side, in
    order (a global alignment scored by word overlap, as a rewrite keeps the order of its story), or beside a gap.
    """
    n, m = len(left), len(right)
    if n * m > opt.max_align_cells:  # too big to align: side by side in order
        return [(k if k < n else None, k if k < m else None) for k in range(max(n, m))]
    wl = [set(_TOKEN.findall(t.lower())) for t in left]
    wr = [set(_TOKEN.findall(t.lower())) for t in right]

    def sim(i: int, j: int) -> float:
        inter = len(wl[i] & wr[j])
        return inter / len(wl[i] | wr[j]) if inter else 0.0

    # best[i][j]: the best total overlap aligning left[i:] with right[j:]; gaps score 0, a pair its overlap
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + sim(i, j))
    rows: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        s = sim(i, j)
        if s >= opt.min_paragraph_overlap and best[i][j] == best[i + 1][j + 1] + s:
            rows.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            rows.append((i, None))
            i += 1
        else:
            rows.append((None, j))
            j += 1
    rows += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return rows


def shared_runs(left: str, right: str, min_words: int) -> tuple[list[Mark], list[Mark]]:
    """Runs of at least `min_words` words (compared case-insensitively) found in both paragraphs."""
    ta, tb = list(_TOKEN.finditer(left)), list(_TOKEN.finditer(right))
    if not ta or not tb or len(ta) * len(tb) > 4_000_000:  # difflib is quadratic; skip very long paragraphs
        return [], []
    matcher = difflib.SequenceMatcher(None, [t.group().lower() for t in ta], [t.group().lower() for t in tb],
                                      autojunk=False)
    ml, mr = [], []
    for i, j, n in matcher.get_matching_blocks():
        if n >= min_words:
            ml.append(Mark(ta[i].start(), ta[i + n - 1].end(), "shared", f"{n} words in both"))
            mr.append(Mark(tb[j].start(), tb[j + n - 1].end(), "shared", f"{n} words in both"))
    return ml, mr


def _settings(data: dict[str, Any]) -> str:
    return ('<section id="settings"><details><summary>Settings this audit ran with</summary><pre>'
            f'{esc(json.dumps(data["settings"], indent=2, ensure_ascii=False))}</pre></details></section>')
