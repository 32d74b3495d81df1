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
                max_size=20).map(
    lambda parts: "<html><body>" + "".join(f"<{t}>{x}</{t}>" for t, x in parts) + "</body></html>")


def _clean(docs: list[Document]) -> list[Document]:
    return clean_corpus(copy.deepcopy(docs), CleanSettings())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_text_cleaning_is_deterministic_and_only_removes_lines(texts):
    docs = [Document(id=f"d{i}", raw=t, source="s") for i, t in enumerate(texts)]
    first, second = _clean(docs), _clean(docs)
    for a, b, raw in zip(first, second, texts, strict=True):
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


# ---------------------------------------------------------------- shingling and signatures
from auditor.dedup.minhash import MinHasher  # noqa: E402
from auditor.dedup.shingles import Shingler  # noqa: E402

_SHINGLER = Shingler(n=5)
_HASHER = MinHasher(num_perm=64)
WORDY = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["the", "cat", "sat", "on", "mat", "’", "—", "\n"])),
                 max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDY, min_size=1, max_size=6))
def test_shingles_and_signatures_are_deterministic_and_batch_independent(texts):
    batch = _SHINGLER.hash_batch(texts)
    assert len(batch) == len(texts) and batch.offsets[0] == 0 and batch.offsets[-1] == len(batch.hashes)
    sigs = _HASHER.signatures(batch)
    assert sigs.shape == (len(texts), 64)
    for i, text in enumerate(texts):  # the same text alone gives the same shingles and signature
        alone = _SHINGLER.hash_batch([text])
        assert sorted(alone.of(0).tolist()) == sorted(batch.of(i).tolist())
        assert (_HASHER.signatures(alone)[0] == sigs[i]).all()
    again = _HASHER.signatures(_SHINGLER.hash_batch(texts))
    assert (again == sigs).all()


@settings(max_examples=100, deadline=None)
@given(WORDY, WORDY)
def test_signature_of_a_text_with_more_shingles_is_never_larger(a, b):
    """MinHash is a minimum: adding shingles can only lower each value."""
    both = _SHINGLER.hash_batch([a, a + "\n" + b])
    sig_a, sig_ab = _HASHER.signatures(both)
    assert set(both.of(0).tolist()) <= set(both.of(1).tolist()) or len(both.of(0)) <= 1
    if set(both.of(0).tolist()) <= set(both.of(1).tolist()):
        assert (sig_ab <= sig_a).all()
