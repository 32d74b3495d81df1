"""The HTML report in a real browser: headless Chromium loads the report of the seeds (plus a hostile
document and a near-duplicate pair), and the page is checked from inside: the table sorts and filters,
a side-by-side view is there, our script ran and no script from a document did. A screenshot is saved.

Chromium is driven over the DevTools protocol on a pipe (tests/devtools.py), so no driver or extra
package is needed. Skips when no Chromium is installed; `.ci/run` installs Debian's package when it is
missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from auditor.config import Settings
from auditor.document import Document
from auditor.io import read_inputs
from auditor.pipeline import audit_documents
from auditor.report.html import HtmlOptions, doc_anchor, render_html
from tests.conftest import SEEDS
from tests.devtools import DevTools, chromium

HOSTILE_ID = '<img src=x onerror="window.__pwned=1">.txt'
HOSTILE = (
    "A perfectly ordinary opening paragraph that talks about the weather, the harvest and the market.\n\n"
    '<script>window.__pwned = 2; document.title = "pwned";</script>\n\n'
    '<img src="x" onerror="window.__pwned = 3; document.title = \'pwned\'">\n\n'
    "<b onmouseover=\"window.__pwned=4\">bold</b> and a closing paragraph about nothing in particular at all.\n"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    exe = chromium()
    if exe is None:
        pytest.skip("no Chromium installed (.ci/run installs Debian's chromium)")
    tmp = tmp_path_factory.mktemp("browser")
    docs = list(read_inputs([str(SEEDS)]))
    base = next(d for d in docs if d.id.startswith("001"))
    # A near-duplicate pair: a copy of seed 001 with one sentence changed.
    copy = base.raw.replace("the", "a", 3)
    docs.append(Document(id="001_copy.txt", raw=copy, source="copies", path="001_copy.txt"))
    docs.append(Document(id=HOSTILE_ID, raw=HOSTILE, source='<script>window.__pwned=5</script>', path="hostile"))
    result = audit_documents(docs, Settings())
    report = tmp / "audit.html"
    report.write_text(render_html(result), encoding="utf-8")
    browser = DevTools(exe, tmp / "profile")
    try:
        browser.open(report.as_uri())
        yield browser, result, tmp
    finally:
        browser.close()


def test_our_script_ran_and_no_script_from_a_document_did(page):
    browser, result, _ = page
    assert browser.js("document.documentElement.dataset.ready") == "1"  # the page's own script ran (CSP hash ok)
    assert browser.js("typeof window.__pwned") == "undefined"
    assert browser.js("document.title") == f"Audit report: {len(result.documents)} documents"
    assert browser.js("document.scripts.length") == 1
    assert browser.js("document.querySelectorAll('img, [onerror], [onmouseover]').length") == 0
    text = browser.js("document.body.textContent")
    assert '<script>window.__pwned = 2; document.title = "pwned";</script>' in text  # shown, as text
    assert HOSTILE_ID in text


def test_table_sorts_and_filters(page):
    browser, result, _ = page
    n = len(result.documents)
    assert browser.js("document.querySelectorAll('#doc-table tbody tr').length") == n
    col = browser.js("[...document.querySelectorAll('#doc-table th')]"
                     ".findIndex(th => th.textContent === 'words after')")
    assert col >= 0
    words = f"[...document.querySelectorAll('#doc-table tbody tr')].map(r => +r.cells[{col}].textContent)"
    browser.js(f"document.querySelectorAll('#doc-table th')[{col}].click()")
    asc = browser.js(words)
    assert asc == sorted(asc) and len(asc) == n
    browser.js(f"document.querySelectorAll('#doc-table th')[{col}].click()")
    assert browser.js(words) == sorted(asc, reverse=True)
    browser.js("const f = document.getElementById('verdict-filter'); f.value = 'reject';"
               "f.dispatchEvent(new Event('change'))")
    visible = browser.js("[...document.querySelectorAll('#doc-table tbody tr')].filter(r => !r.hidden).length")
    assert visible == sum(1 for d in result.documents if d.verdict().value == "reject")
    browser.js("const g = document.getElementById('verdict-filter'); g.value = '';"
               "g.dispatchEvent(new Event('change'))")


def test_side_by_side_view_of_the_near_duplicate_pair(page):
    browser, result, tmp = page
    pid = "pair-{}".format(1 + next(i for i, lk in enumerate(result.links)
                                    if lk.kind == "near" and "001_copy.txt" in (lk.a, lk.b)))
    assert browser.js("document.querySelectorAll('table.side-by-side').length") == len(result.links)
    heads = browser.js(f"[...document.querySelectorAll('#{pid} table.side-by-side th')].map(th => th.textContent)")
    assert any("001_copy.txt" in h for h in heads)
    assert browser.js(f"document.querySelectorAll('#{pid} tr.shared').length") > 0
    assert browser.js(f"document.querySelectorAll('#{pid} tr.differs mark.shared').length") > 0
    # highlights switch off and on
    browser.js("const c = document.querySelector('input[data-toggle=shared]'); c.click()")
    assert browser.js("document.body.classList.contains('hide-shared')") is True
    assert browser.js(f"getComputedStyle(document.querySelector('#{pid} mark.shared')).backgroundColor") == \
        "rgba(0, 0, 0, 0)"
    browser.js("document.querySelector('input[data-toggle=shared]').click()")
    assert browser.js("document.body.classList.contains('hide-shared')") is False
    browser.screenshot(tmp / "audit-top.png")
    browser.js(f"document.getElementById('{pid}').scrollIntoView()")
    browser.screenshot(tmp / "audit-pair.png")
    doc = next(d for d in result.documents if d.id.startswith("004"))
    browser.js(f"document.getElementById('{doc_anchor(doc.id)}').scrollIntoView()")
    assert browser.js(f"document.querySelectorAll('#{doc_anchor(doc.id)} pre.text mark.rep').length") >= 8
    browser.screenshot(tmp / "audit-doc.png")
    for name in ("audit-top.png", "audit-pair.png", "audit-doc.png"):
        png = (tmp / name).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        if os.environ.get("AUDITOR_SCREENSHOTS"):  # a folder to keep them in, to look at
            Path(os.environ["AUDITOR_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp / name, Path(os.environ["AUDITOR_SCREENSHOTS"]) / name)


def test_folded_texts_open_when_followed_from_the_table(page):
    browser, result, tmp = page
    folded = tmp / "folded.html"
    folded.write_text(render_html(result, HtmlOptions(open_up_to=0)), encoding="utf-8")
    first, second = (doc_anchor(d.id) for d in result.documents[:2])
    browser.open(f"{folded.as_uri()}#{first}")
    is_open = "document.querySelector('#{} details.body').open"
    assert browser.js(is_open.format(first)) is True  # opened by the link's fragment on load
    assert browser.js(is_open.format(second)) is False
    browser.js(f"document.querySelector('#doc-table a[href=\"#{second}\"]').click()")
    assert browser.wait_js(is_open.format(second)) is True  # opened by following the table's link
    assert browser.js("document.querySelector('#pair-1 details.body').open") is False
