"""Property tests: cleaning never crashes, is deterministic and never adds text."""

from __future__ import annotations

import copy
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.clean import CleanSettings, clean_corpus
from auditor.document import Document

LINE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["Home", "Share on Facebook", "Log in", "© 2024 Site", "", "   ",
                     "The committee met on Tuesday to review the budget and the plans for next year."]),
)
TEXTS = st.lists(LINE, max_size=40).map("\n".join)
HTML = st.lists(st.tuples(st.sampled_from(["p", "div", "li", "nav", "footer", "h1", "script"]), st.text(max_size=80)),
                max_size=20).map(lambda parts: "<html><body>" + "".join(f"<{t}>{x}</{t}>" for t, x in parts) + "</body></html>")


def _clean(docs: list[Document]) -> list[Document]:
    return clean_corpus(copy.deepcopy(docs), CleanSettings())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_text_cleaning_is_deterministic_and_only_removes_lines(texts):
    docs = [Document(id=f"d{i}", raw=t, source="s") for i, t in enumerate(texts)]
    first, second = _clean(docs), _clean(docs)
    for a, b, raw in zip(first, second, texts):
        assert a.text == b.text
        raw_lines = {ln.rstrip() for ln in raw.split("\n")}
        for line in a.text.split("\n"):
            assert line == "" or line in raw_lines  # cleaning never adds or rewrites text
        assert len(a.text) <= len(raw)
        for r in a.removals:
            assert r.reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTML)
def test_html_cleaning_never_crashes_and_adds_no_words(html):
    doc = Document(id="p", raw=html, kind="html")
    (a,) = _clean([doc])
    (b,) = _clean([doc])
    assert a.text == b.text
    # every character of the output is in the page (entities decoded) at least as often
    have = Counter(a.raw_text) | Counter(html)
    extra = Counter(c for c in a.text if not c.isspace()) - have
    assert not extra
