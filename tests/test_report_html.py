"""The HTML report (issue 8): self-contained, escaped, every highlight and every pair shown.

What a browser does with it is in test_report_browser.py; here the page is read as text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import Settings
from auditor.document import AuditResult, Document, DuplicateLink
from auditor.pipeline import audit_documents
from auditor.report.html import (
    HtmlOptions,
    Mark,
    doc_anchor,
    evidence_passages,
    highlight,
    render_html,
    render_html_data,
)
from auditor.report.json import audit_to_dict
from tests.conftest import seed_text

HOSTILE = (
    "An ordinary first paragraph about the weather, the harvest and the market in the town.\n\n"
    "<script>document.title = 'pwned'</script>\n\n"
    '<img src=x onerror="document.title=\'pwned\'"> and "quotes" & ampersands\n'
)
_TAG = re.compile(r"<[^>]*>")


def visible(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


@pytest.fixture(scope="module")
def seed_page(seed_audit) -> str:
    return render_html(seed_audit)


def test_self_contained_nothing_fetched(seed_page):
    assert seed_page.startswith("<!DOCTYPE html>")
    # only in-page links; no src= at all (plots are inline SVG), no stylesheet or import from elsewhere
    assert not re.search(r"\ssrc\s*=", seed_page)
    assert all(h.startswith("#") for h in re.findall(r'\shref="([^"]*)"', seed_page))
    assert "@import" not in seed_page and not re.search(r"url\(\s*['\"]?(https?:)?//", seed_page)
    assert seed_page.count("<svg") >= 4  # verdicts, words, boilerplate share, findings by rule


def test_only_our_script_may_run(seed_page):
    scripts = re.findall(r"<script>(.*?)</script>", seed_page, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', seed_page).group(1)
    assert f"script-src 'sha256-{digest}'" in html.unescape(csp)
    assert "default-src 'none'" in html.unescape(csp)
    assert not re.search(r"\son[a-z]+\s*=", seed_page)  # no inline handlers: they would not run under the CSP


def test_document_content_is_escaped_everywhere():
    doc = Document(id='<img src=x onerror="alert(1)">.txt', raw=HOSTILE, source="<b>src</b>", path="p<script>")
    page = render_html(audit_documents([doc], Settings()))
    assert page.count("<script") == 1
    assert "<img" not in page and "<b>src" not in page and 'onerror="' not in page
    assert "&lt;script&gt;document.title = &#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.txt" in page
    assert "&quot;quotes&quot; &amp; ampersands" in page


def test_seed_texts_carry_their_highlights(seed_audit, seed_page):
    d004 = next(d for d in seed_audit.documents if d.id.startswith("004"))
    article = seed_page.split(f'id="{doc_anchor(d004.id)}"', 1)[1].split("</article>", 1)[0]
    reps = re.findall(r'<mark class="([^"]*\brep\b[^"]*)" title="([^"]*)">(.*?)</mark>', article, flags=re.S)
    assert reps and all("D003" in title for _, title, _ in reps)
    marked = "".join(visible(text) for _, _, text in reps)
    for f in (f for f in d004.findings if f.code == "D003"):
        for sp in f.spans:
            assert d004.text[sp.start : sp.end] in marked
    assert any("rule" in cls and "Q202" in title for cls, title, _ in reps)  # a rule span over the same passage
    # 002: the raw view marks what cleaning removed, with its reason
    d002 = next(d for d in seed_audit.documents if d.id.startswith("002"))
    article = seed_page.split(f'id="{doc_anchor(d002.id)}"', 1)[1].split("</article>", 1)[0]
    removed = re.findall(r'<mark class="rm" title="removed: ([^"]*)">(.*?)</mark>', article, flags=re.S)
    assert any("Share on Facebook" in visible(t) and r == "share-buttons" for r, t in removed)
    assert "Inside the White House" in visible(article.split("Cleaned text", 1)[1])


def test_table_lists_every_document_and_markdown_stays(seed_audit, seed_page, tmp_path, seeds_dir):
    table = seed_page.split('id="doc-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr class=") == len(seed_audit.documents)
    for d in seed_audit.documents:
        assert f'href="#{doc_anchor(d.id)}"' in table
    res = CliRunner().invoke(app, ["audit", str(seeds_dir), "--report-dir", str(tmp_path), "--format", "md,json,html",
                                   "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    assert {p.name for p in tmp_path.iterdir()} >= {"audit.md", "audit.json", "audit.html"}
    assert (tmp_path / "audit.html").read_text(encoding="utf-8").count('<article class="doc') == 5


def test_unknown_format_is_error_exit_2(seeds_dir, tmp_path):
    res = CliRunner().invoke(app, ["audit", str(seeds_dir), "--report-dir", str(tmp_path), "--format", "pdf"])
    assert res.exit_code == 2
    assert res.output.strip().splitlines()[-1] == "Error: unknown report format: pdf (choose from md, json, html)"


def test_near_duplicate_pair_side_by_side_aligned_by_paragraph():
    base = seed_text("001")
    docs = [Document(id="a.txt", raw=base), Document(id="b.txt", raw=base.replace("the", "a", 2))]
    result = audit_documents(docs, Settings())
    near = [i for i, lk in enumerate(result.links) if lk.kind == "near"]
    assert len(near) == 1  # other kinds of link (same story, shared passage) may join it; each gets its own view
    page = render_html(result)
    view = page.split(f'<article class="pair" id="pair-{near[0] + 1}">', 1)[1].split("</article>", 1)[0]
    assert "a.txt" in view and "b.txt" in view and "aligned by paragraph" in view
    assert view.count('<tr class="shared">') >= 10
    differs = re.findall(r'<tr class="differs"><td>(.*?)</td><td>(.*?)</td></tr>', view, flags=re.S)
    assert 1 <= len(differs) <= 2 and all('<mark class="shared"' in left for left, _ in differs)


def _pair_result(kind: str, evidence: dict) -> AuditResult:
    a = Document(id="a", raw="", text="Intro of a.\n\nThe shared passage is here.\n\nEnd of a.")
    b = Document(id="b", raw="", text="Other start.\n\nThe shared passage is here.\n\nOther end.")
    return AuditResult(documents=[a, b], links=[DuplicateLink(kind, "a", "b", 0.4, "a", evidence)])


def test_pair_aligned_by_the_spans_its_evidence_carries():
    ev = {"passages": [{"a": {"start": 13, "end": 40, "field": "text"}, "b": {"start": 14, "end": 41}}]}
    assert evidence_passages(ev) == [((13, 40), (14, 41))]
    page = render_html(_pair_result("shared-passage", ev))
    view = page.split('id="pair-1"', 1)[1].split("</article>", 1)[0]
    assert "aligned by the shared passages" in view and "shared-passage" in view
    rows = re.findall(r'<tr class="(\w+)"><td>(.*?)</td><td>(.*?)</td></tr>', view, flags=re.S)
    assert [r[0] for r in rows] == ["differs", "shared", "differs"]
    assert rows[1][1] == rows[1][2] == "The shared passage is here."
    assert rows[0][1:] == ("Intro of a.", "Other start.")


def test_pair_of_any_kind_without_spans_falls_back_to_difflib():
    page = render_html(_pair_result("rewrite", {"similarity": 0.4}))
    view = page.split('id="pair-1"', 1)[1].split("</article>", 1)[0]
    assert "rewrite" in view and "aligned by paragraph" in view
    assert '<tr class="shared"><td>The shared passage is here.</td><td>The shared passage is here.</td></tr>' in view
    # the same with spans out of order on one side: not alignable by spans, so difflib
    crossed = {"spans_a": [{"start": 0, "end": 11}, {"start": 13, "end": 40}],
               "spans_b": [{"start": 14, "end": 41}, {"start": 0, "end": 12}]}
    assert "aligned by paragraph" in render_html(_pair_result("shared-passage", crossed))


def test_caps_say_what_is_left_out():
    page = render_html(_pair_result("near", {}), HtmlOptions(max_documents=1, max_pairs=0, max_chars=5))
    assert page.count('<article class="doc') == 1 and "1 documents (the best verdicts)" in page
    assert 'class="side-by-side"' not in page and "1 pairs of lowest similarity" in page
    assert "Text cut at 5 of" in page


spans = st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(["rm", "rep", "rule"]))


@given(st.text(alphabet="ab<>&\"' \n", max_size=40), st.lists(spans, max_size=6))
def test_highlight_keeps_the_text_and_escapes_it(text, raw_marks):
    marks = [Mark(min(s, e), max(s, e), cls, f"<{cls}>") for s, e, cls in raw_marks]
    out = highlight(text, marks)
    assert visible(out) == text
    assert "<" not in _TAG.sub("", out) and not re.search(r"<(?!/?mark[ >])", out)


def test_numeric_scores_a_document_carries_are_plotted(seed_audit):
    data = audit_to_dict(seed_audit)
    for i, d in enumerate(data["documents"]):  # as a scoring stage would attach them (issue 5)
        d["scores"] = {"p_machine$": i / 10, "label": "not a number"}
    page = render_html_data(data, HtmlOptions())
    assert 'aria-label="Score: p_machine$"' in page and "Score: label" not in page


def test_rewrite_paragraphs_set_beside_their_most_alike_counterpart():
    a = Document(id="a", raw="", text="The cat sat on the old mat all day today.\n\n"
                 "Completely unrelated words are here.\n\nDogs bark loudly at the moon every night.")
    b = Document(id="b", raw="", text="A new opening paragraph about nothing.\n\n"
                 "The cat sat on the old mat all day.\n\nDogs bark loudly at the moon each night.")
    page = render_html(AuditResult(documents=[a, b], links=[DuplicateLink("rewrite", "a", "b", 0.5, "", {})]))
    view = page.split('id="pair-1"', 1)[1].split("</article>", 1)[0]
    rows = [(cls, visible(left), visible(right))
            for cls, left, right in re.findall(r'<tr class="(\w+)"><td>(.*?)</td><td>(.*?)</td></tr>', view, re.S)]
    paired = {left[:8]: right[:8] for cls, left, right in rows if cls == "differs"}
    assert paired == {"The cat ": "The cat ", "Dogs bar": "Dogs bar"}
    assert sorted((left[:8], right[:8]) for cls, left, right in rows if cls == "only") == [
        ("", "A new op"), ("Complete", "")]
    assert "(kept)" not in view  # a same-story link keeps both
    assert '<mark class="shared" title="8 words in both">The cat sat on the old mat all</mark>' in view
