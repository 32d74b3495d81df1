"""Duplication: shingles, signatures (bit-identical to datasketch), near-duplicates, keep-best, index, CLI."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from auditor.dedup.index import SAMPLE_ABOVE, DedupIndex, DedupIndexError, sketches
from auditor.dedup.lsh import band_keys, candidate_pairs, choose_bands
from auditor.dedup.minhash import MinHasher, to_hash32
from auditor.dedup.near import DedupSettings, Record, find_near_duplicates
from auditor.dedup.rewrites import find_rewrites
from auditor.dedup.shingles import Shingler

WORDS = ("river bank city council vote budget school road police report storm night market price family "
         "doctor hospital court judge minister party election team match player coach season").split()


def article(rng: random.Random, paragraphs: int = 6, words: int = 40) -> str:
    return "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(words)) + "." for _ in range(paragraphs))


def test_words_match_the_regex_tokenizer_and_curly_quotes_split_like_straight_ones():
    sh = Shingler(1)
    text = "America’s best — “quoted” text, naïve café_2 ok…"
    words, _, _ = sh.words([text])
    expected = re.findall(r"\w+", text.lower())
    assert len(words) == len(expected)
    assert np.array_equal(sh.hash_text("America's best"), sh.hash_text("america’s BEST!"))


def test_batches_do_not_leak_between_texts_and_short_texts_get_one_shingle():
    sh = Shingler(3)
    batch = sh.hash_batch(["one two three four", "", "five six", "seven eight nine"])
    assert np.diff(batch.offsets).tolist() == [2, 0, 1, 1]
    alone = sh.hash_text("seven eight nine")
    assert np.array_equal(batch.of(3), alone)


def test_signatures_are_bit_identical_to_datasketch_update_batch():
    rng = random.Random(3)
    texts = [article(rng, 2) for _ in range(5)] + ["tiny", "x " * 5000]
    sh, mh = Shingler(5), MinHasher(64, seed=7)
    batch = sh.hash_batch(texts)
    sigs = mh.signatures(batch)
    for i in range(len(texts)):
        m = MinHash(num_perm=64, seed=7, hashfunc=lambda x: x)
        m.update_batch([int(v) for v in to_hash32(batch.of(i))])
        assert np.array_equal(m.hashvalues, sigs[i]), i


def test_signatures_index_in_datasketch_minhashlsh():
    rng = random.Random(4)
    a = article(rng)
    b = a.replace("river", "lake", 1)
    sh, mh = Shingler(5), MinHasher(128)
    sigs = mh.signatures(sh.hash_batch([a, b, article(rng)]))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    lsh.insert("a", mh.lean(sigs[0]))
    assert lsh.query(mh.lean(sigs[1])) == ["a"]
    assert lsh.query(mh.lean(sigs[2])) == []


def test_banding_finds_pairs_sharing_a_band():
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
    pairs = candidate_pairs(band_keys(sigs, 2, 2))
    assert pairs.tolist() == [[0, 1]]
    assert choose_bands(0.15, 128) == (64, 2)


def _corpus() -> tuple[list[Record], dict[str, str]]:
    rng = random.Random(1)
    base = article(rng, 8)
    other = article(rng, 8)
    menu = "\n".join(f"Menu item {w}" for w in WORDS[:20])
    template = "\n".join(f"{w.title()} news and more" for w in WORDS)
    words = base.split(" ")
    edited = " ".join(rng.choice(WORDS) if rng.random() < 0.05 else w for w in words)
    truncated = "\n\n".join(base.split("\n\n")[:6])
    recs = {
        "base": base,
        "wrapped": menu + "\n\n" + edited + "\n\n" + menu,  # a copy inside another site's boilerplate
        "truncated": truncated,
        "other": other,
        # two different articles in one heavy template: not copies
        "tmpl1": template + "\n\n" + article(rng, 2) + "\n\n" + template,
        "tmpl2": template + "\n\n" + article(rng, 2) + "\n\n" + template,
    }
    return [Record(k, v, order=i) for i, (k, v) in enumerate(recs.items())], recs


def test_copies_are_found_templates_are_not_merged_and_every_copy_names_the_kept_one():
    records, _ = _corpus()
    res = find_near_duplicates(records, DedupSettings())
    cluster = {res.ids[i]: res.ids[k] for i, k in enumerate(res.cluster)}
    assert cluster["wrapped"] == cluster["base"] == cluster["truncated"]
    assert cluster["other"] == "other"
    assert cluster["tmpl1"] != cluster["tmpl2"]
    best = res.best_pair()
    for i in range(len(res.ids)):
        if res.cluster[i] != i:
            assert best[i].jaccard > 0 and max(best[i].jaccard, best[i].containment) >= 0.4


def test_a_copy_of_a_page_of_short_lines_is_found_but_template_pages_with_own_titles_are_not():
    """The shared-prose gate (shared text must be prose) holds only where a page has a passage
    of its own: a list page copied with scattered typos and reflowed lines is a copy; two
    pages of one template that differ by a few short lines of their own are not."""
    rng = random.Random(7)
    items = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))) for _ in range(60)]
    notes = [" ".join(rng.choice(WORDS) for _ in range(14)) + "." for _ in range(6)]
    page = "\n".join(items[:30] + notes + items[30:])
    copy = "\n\n".join(" ".join(rng.choice(WORDS) if rng.random() < 0.04 else w for w in line.split(" "))
                        for line in page.split("\n"))
    template = "\n".join(items[:40] + notes)
    one = template + "\n" + "\n".join(" ".join(rng.choice(WORDS) for _ in range(5)) for _ in range(4))
    two = template + "\n" + "\n".join(" ".join(rng.choice(WORDS) for _ in range(5)) for _ in range(4))
    res = find_near_duplicates([Record("page", page), Record("copy", copy, order=1)], DedupSettings())
    assert res.cluster == [0, 0]
    res = find_near_duplicates([Record("one", one), Record("two", two, order=1)], DedupSettings())
    assert res.cluster == [0, 1]


@pytest.mark.parametrize("policy, kept", [("length", "wrapped"), ("earliest", "base"), ("quality", "base")])
def test_keep_policy_chooses_who_is_kept(policy, kept):
    records, _ = _corpus()
    res = find_near_duplicates(records, DedupSettings(keep=policy))
    i = res.ids.index("truncated")
    assert res.ids[res.cluster[i]] == kept


def test_keep_by_source_priority():
    records, _ = _corpus()
    for r in records:
        r.source = "mirror.example" if r.id == "truncated" else "origin.example"
    res = find_near_duplicates(records, DedupSettings(keep="source", source_priority=("mirror.example",)))
    assert res.ids[res.cluster[res.ids.index("base")]] == "truncated"


def test_bad_keep_policy_is_a_config_error():
    from auditor.errors import ConfigError

    with pytest.raises(ConfigError, match="keep must be one of"):
        DedupSettings(keep="random")


def _paragraph_pool(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"{w}{k}" for w in WORDS for k in range(8)]  # distinct paragraphs share no 4-gram by chance
    return [" ".join(rng.choice(vocab) for _ in range(45)) + "." for _ in range(n)]


def test_pages_sharing_some_paragraphs_are_not_copies_and_do_not_chain():
    # pages spliced from one pool of paragraphs, each sharing two of its three with the next:
    # union-find over such pairs once merged thousands of different pages into one cluster
    p = _paragraph_pool(12)
    pages = ["\n\n".join(p[k : k + 3]) for k in range(10)]
    res = find_near_duplicates([Record(str(k), t, order=k) for k, t in enumerate(pages)], DedupSettings())
    assert res.cluster == list(range(10))


def test_a_page_with_an_article_among_other_articles_is_not_its_copy():
    p = _paragraph_pool(8)
    art = "\n\n".join(p[:2])
    digest = "\n\n".join([p[2], *p[:2], p[3], p[4], p[5]])  # the article is inside, but a third of the page
    res = find_near_duplicates([Record("art", art), Record("digest", digest, order=1)], DedupSettings())
    assert res.cluster == [0, 1]
    copy = "\n".join(f"Menu {w}" for w in WORDS[:12]) + "\n\n" + art  # inside boilerplate: a copy
    res = find_near_duplicates([Record("art", art), Record("copy", copy, order=1)], DedupSettings())
    assert res.cluster == [0, 0]


def test_with_prose_opening_an_article_opening_is_a_copy_the_same_text_amid_others_is_not():
    p = _paragraph_pool(8)
    article_ = "\n\n".join(p[:5])
    opening = "\n\n".join(p[:2])  # a teaser: the first two of five paragraphs
    teasers = DedupSettings(prose_opening=0.75)
    res = find_near_duplicates([Record("article", article_), Record("opening", opening, order=1)], teasers)
    assert res.cluster == [0, 0]
    res = find_near_duplicates([Record("article", article_), Record("opening", opening, order=1)], DedupSettings())
    assert res.cluster == [0, 1]  # off by default: two fifths of a page is not its copy
    amid = "\n\n".join([p[5], p[0], p[6], p[1], p[7]])
    res = find_near_duplicates([Record("amid", amid), Record("opening", opening, order=1)], teasers)
    assert res.cluster == [0, 1]


def test_every_copy_is_verified_against_the_document_it_is_a_copy_of():
    rng = random.Random(2)
    base = article(rng, 10)
    paras = base.split("\n\n")
    copies = ["\n\n".join(paras[:8]), "\n\n".join(paras[2:]), "\n\n".join(paras[:5] + paras[6:]),
              " ".join(rng.choice(WORDS) if rng.random() < 0.04 else w for w in base.split(" "))]
    records = [Record(str(k), t, order=k) for k, t in enumerate([*copies, base])]
    res = find_near_duplicates(records, DedupSettings())
    assert set(res.cluster) == {4}  # the source all copies were made from is kept
    direct = {(p.a, p.b) for p in res.pairs}
    for i, k in enumerate(res.cluster):
        if i != k:
            assert (min(i, k), max(i, k)) in direct
            best = res.best_pair()[i]
            assert {best.a, best.b} == {i, k}


def test_index_matches_new_documents_and_rolls_back_an_interrupted_run(tmp_path):
    records, recs = _corpus()
    settings = DedupSettings()
    sh, mh = Shingler(settings.ngram), MinHasher(settings.num_perm, settings.seed)

    def sign(texts):
        b = sh.hash_batch(texts, lines=True)
        return mh.signatures(b), np.array([len(s) for s in b.sets()]), sketches(b, settings.prose_line_words)

    idx = DedupIndex(tmp_path, settings)
    sigs, sizes, sk = sign([recs["base"], recs["other"]])
    with idx.transaction():
        idx.add(["base", "other"], sigs, sizes, ["base", "other"], sk)
    with pytest.raises(RuntimeError):
        with idx.transaction():
            idx.add(["half"], sigs[:1], sizes[:1], ["half"], sk[:1])
            raise RuntimeError("killed")
    assert len(idx) == 2
    idx.close()
    idx = DedupIndex(tmp_path, settings)  # reopened from disk
    qs, qz, qk = sign([recs["wrapped"], recs["tmpl1"]])
    found = idx.query(qs, qz, qk)
    assert found[0] is not None and found[0].id == "base" and found[1] is None
    with pytest.raises(DedupIndexError, match="num_perm"):
        DedupIndex(tmp_path, DedupSettings(num_perm=64))


def test_index_and_in_memory_paths_agree_on_which_pages_are_copies(tmp_path):
    """The index verifies a match with the same prose checks as the in-memory path: a page
    sharing two paragraphs, or one site's template, is no copy on either path; copies inside
    boilerplate, truncated or edited are copies on both (long texts: from sampled sketches)."""
    rng = random.Random(5)
    a, long = article(rng, 8), article(rng, 14)
    template = "\n".join(f"{w.title()} news and more" for w in WORDS)
    menu = "\n".join(f"Menu item {w}" for w in WORDS[:20])
    pa, pl = a.split("\n\n"), long.split("\n\n")

    def edit(text, rate):
        return " ".join(rng.choice(WORDS) if rng.random() < rate else w for w in text.split(" "))

    indexed = {"a": a, "long": long, "tmpl1": template + "\n\n" + article(rng, 2) + "\n\n" + template}
    queries = {  # name -> the indexed page it copies, or None
        "wrapped": ("a", menu + "\n\n" + edit(a, 0.05) + "\n\n" + menu),
        "truncated": ("a", "\n\n".join(pa[:6])),
        "long-edited": ("long", edit(long, 0.05)),
        "long-cut": ("long", "\n\n".join(pl[:10])),
        "two-paragraphs": (None, "\n\n".join([pa[1], pa[4], article(rng, 1)])),
        "long-part": (None, "\n\n".join(pl[:6] + article(rng, 8).split("\n\n"))),
        "spliced": (None, "\n\n".join(pa[:3] + article(rng, 5).split("\n\n"))),
        "tmpl2": (None, template + "\n\n" + article(rng, 2) + "\n\n" + template),
    }
    settings = DedupSettings()
    sh, mh = Shingler(settings.ngram), MinHasher(settings.num_perm, settings.seed)
    b = sh.hash_batch(list(indexed.values()), lines=True)
    assert len(b.sets()[1]) > SAMPLE_ABOVE  # the long page's sketch is a sample
    idx = DedupIndex(tmp_path, settings)
    with idx.transaction():
        idx.add(list(indexed), mh.signatures(b), np.array([len(x) for x in b.sets()]), list(indexed),
                sketches(b, settings.prose_line_words))
    qb = sh.hash_batch([t for _, t in queries.values()], lines=True)
    found = idx.query(mh.signatures(qb), np.array([len(x) for x in qb.sets()]),
                      sketches(qb, settings.prose_line_words))
    for (name, (want, text)), match in zip(queries.items(), found, strict=True):
        recs = [Record(k, v, order=i) for i, (k, v) in enumerate(indexed.items())] + [Record(name, text, order=9)]
        res = find_near_duplicates(recs, settings)
        in_memory = [res.ids[p.a] for p in res.pairs if p.b == len(recs) - 1]
        assert in_memory == ([want] if want else []), name
        assert (match.id if match else None) == want, name


def test_rewrites_are_mutual_nearest_neighbours():
    rng = random.Random(9)
    story = article(rng, 3)
    retold = " ".join(reversed(story.split()))  # same words, no shared 5-gram
    # unrelated texts: other vocabularies, with a few of the story's words
    texts = [story, retold, " ".join(f"{w}x{i % 7}" for i, w in enumerate(story.split()[:60])) + " river bank",
             " ".join(f"{w}y{i % 5}" for i, w in enumerate(story.split()[:60])) + " court judge"]
    pairs = find_rewrites(texts, threshold=0.25, max_df=1.0)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]


def test_cli_dedup_writes_clusters_and_pairs_and_uses_an_index(tmp_path):
    from typer.testing import CliRunner

    from auditor.cli import app

    _, recs = _corpus()
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in recs.items()), encoding="utf-8")
    out, pairs = tmp_path / "clusters.jsonl", tmp_path / "pairs.jsonl"
    res = CliRunner().invoke(app, ["dedup", str(inp), "-o", str(out), "--pairs", str(pairs), "--keep", "earliest"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["wrapped"]["duplicate_of"] == "base" and rows["wrapped"]["similarity"] > 0
    assert rows["base"]["duplicate_of"] is None and rows["base"]["cluster"] == "base"
    assert all({"a", "b", "jaccard", "containment"} <= set(json.loads(x)) for x in pairs.read_text().splitlines())
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "base", "text": recs["base"]}) + "\n", encoding="utf-8")
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"id": "copy", "text": recs["wrapped"]}) + "\n", encoding="utf-8")
    for f in (first, second):
        res = CliRunner().invoke(app, ["dedup", str(f), "-o", str(out), "--index", str(tmp_path / "idx")])
        assert res.exit_code == 0, res.output
    row = json.loads(out.read_text())
    assert row["id"] == "copy" and row["duplicate_of"] == "base"
    res = CliRunner().invoke(app, ["dedup", "--help"])
    assert "Example:" in res.output


# ---------------------------------------------------------------- near-identical passages inside one document (D006)
def _near(text: str) -> list:
    from auditor.dedup.passages import repeated_passages
    from auditor.document import Document

    return [f for f in repeated_passages(Document(id="d", raw=text, text=text)) if f.code == "D006"]


@pytest.mark.parametrize("units_count", [2, 30, 79, 81, 200])
def test_near_pairs_are_those_of_comparing_every_pair(units_count):
    """near_pairs' shortcut (only units with enough words shared with some other unit are compared)
    and its sparse product for many units give every pair a plain comparison of all pairs finds."""
    from auditor.dedup.passages import near_pairs

    rng = random.Random(units_count)
    vocab = [f"w{k}" for k in range(60)]
    units = [set(rng.sample(vocab, rng.randint(0, 20))) for _ in range(units_count)]
    for k in range(0, units_count - 1, 7):  # restated units: most of another's words
        units[k + 1] = set(rng.sample(sorted(units[k]), max(0, len(units[k]) - 2))) | {"own"}
    for min_c, min_s in ((0.6, 8), (0.3, 3), (0.9, 1)):
        want = []
        for i in range(units_count):
            for j in range(i + 1, units_count):
                shared = len(units[i] & units[j])
                cont = shared / max(1, min(len(units[i]), len(units[j])))
                if shared >= min_s and cont >= min_c:
                    want.append((i, j, round(cont, 4), shared))
        assert near_pairs(units, min_c, min_s) == want
        assert want or units_count == 2


def test_sentence_cuts_are_those_of_the_lookbehind_pattern():
    r"""`sentences` cuts where `(?<=[.!?])["')\]]?[ \t]+(?=["'(\[]?[A-Z0-9])|\n+` matches (its pattern
    is written without the lookbehind, for speed): checked on random strings of the characters that
    matter, marks next to marks and breaks included."""
    from auditor.dedup.passages import sentences

    ref = re.compile(r"(?<=[.!?])[\"')\]]?[ \t]+(?=[\"'(\[]?[A-Z0-9])|\n+")
    rng = random.Random(3)
    alphabet = [".", "!", "?", " ", "\t", "\n", '"', "'", ")", "]", "(", "[", "A", "7", "a", "-", "*", "\u2022", "\r"]
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        cuts = [(m.start(), m.end()) for m in ref.finditer(text)]
        starts = [0, *(e for _, e in cuts)]
        ends = [*(s for s, _ in cuts), len(text)]
        want = []
        for a, b in zip(starts, ends, strict=True):
            raw = text[a:b]
            body = raw.strip(" \t\r\n-*\u2022")
            if body:
                lead = a + len(raw) - len(raw.lstrip(" \t\r\n-*\u2022"))
                want.append((lead, lead + len(body), body))
        assert [(p.start, p.end, p.text) for p in sentences(text)] == want, text


def test_seed_003_bullets_restating_its_paragraphs_are_found_with_both_spans():
    from pathlib import Path

    path = next(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("003_*.txt"))
    text = path.read_text(encoding="utf-8")
    found = _near(text)
    sides = {(text[f.spans[0].start : f.spans[0].end][:30], text[f.spans[1].start : f.spans[1].end][:30])
             for f in found}
    assert ("Mexican President Claudia Shei", "Despite the Trump administrati") in sides
    assert ("Despite the ongoing efforts, i", "Amidst the ongoing battle agai") in sides
    for f in found:
        assert f.spans[0].start < f.spans[1].start and 0.6 <= f.evidence["similarity"] <= 1.0


def test_restated_paragraph_is_one_paragraph_finding_and_plain_article_is_quiet():
    a = ("The city council approved a new budget for public libraries on Tuesday evening. "
         "Officials said the extra money would extend opening hours across every district branch.")
    b = ("On Tuesday evening the city council approved the new budget for the public libraries. "
         "According to officials, the extra money will extend the opening hours of every district branch.")
    other = ("Meanwhile the weather stayed mild, and farmers in the valley reported an early harvest "
             "of apples this year.")
    found = _near(f"{a}\n\n{other}\n\n{b}")
    assert len(found) == 1 and found[0].evidence["level"] == "paragraph"
    text = f"{a}\n\n{other}\n\n{b}"
    assert text[found[0].spans[1].start : found[0].spans[1].end] == b
    assert _near(f"{a}\n\n{other}") == []


def test_exact_repeats_stay_d003_only():
    from auditor.dedup.passages import repeated_passages
    from auditor.document import Document

    para = "This paragraph is repeated word for word in the text, which is a sign of a broken page."
    text = f"{para}\n\nSomething else entirely sits between the two copies of it here.\n\n{para}"
    codes = [f.code for f in repeated_passages(Document(id="d", raw=text, text=text))]
    assert codes == ["D003"]


def test_distinct_is_np_unique():
    """`distinct` (sort and compare neighbours) gives np.unique's sorted distinct values."""
    import numpy as np

    from auditor.dedup.shingles import distinct

    rng = np.random.default_rng(8)
    cases = [np.zeros(0, dtype=np.uint64), np.array([7], dtype=np.uint64), np.array([3, 3, 3], dtype=np.int64),
             np.array([2**64 - 1, 0, 2**63, 2**64 - 1], dtype=np.uint64)]
    for n in (2, 50, 600, 20000):
        x = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
        cases += [np.concatenate([x, x[: n // 3]]), rng.integers(-5, 40, n).astype(np.int64)]
    for x in cases:
        got = distinct(x)
        assert got.dtype == x.dtype and np.array_equal(got, np.unique(x))


def test_prose_gate_shortcuts_match_numpy_quantile_and_median():
    """The verification's counting shortcuts give np.quantile(., 0.9) >= gate and np.median >= gate
    exactly, on uint8 and int32 line-word arrays of every small length and on ties at the gate."""
    from auditor.dedup.near import _median_at_least, lines_have_prose

    rng = np.random.default_rng(11)
    checked = 0
    for n in [*range(0, 40), 99, 100, 101, 1001]:
        for _ in range(60):
            for dtype in (np.uint8, np.int32):
                lw = rng.choice([0, 3, 7, 8, 9, 30, 255], size=n).astype(dtype)
                for gate in (1, 8, 9):
                    want_q = bool(n) and bool(np.quantile(lw, 0.9) >= gate)
                    want_m = bool(n) and bool(np.median(lw) >= gate)
                    assert lines_have_prose(lw, gate) == want_q, (lw.tolist(), gate)
                    assert _median_at_least(lw, gate) == want_m, (lw.tolist(), gate)
                    checked += want_q + want_m
    assert checked > 1000  # both outcomes occur


def test_own_passage_run_test_matches_a_run_length_scan():
    """`_has_own_run` (prefix sums) says whether OWN_PASSAGE consecutive shingles are missing
    from the other text, as a plain scan of run lengths does."""
    from auditor.dedup.near import OWN_PASSAGE, _has_own_run

    def longest(own: np.ndarray) -> int:
        best = run = 0
        for x in own.tolist():
            run = run + 1 if x else 0
            best = max(best, run)
        return best

    rng = np.random.default_rng(5)
    seen = set()
    for n in [0, 1, 11, 12, 13, 24, 25, 60, 300]:
        for p in (0.5, 0.8, 0.93, 1.0):
            for _ in range(40):
                own = rng.random(n) < p
                want = longest(own) >= OWN_PASSAGE
                assert _has_own_run(own) == want, own.astype(int).tolist()
                seen.add(want)
    assert seen == {True, False}


def test_streaming_bounds_and_verification_hints_agree_with_plain_set_arithmetic():
    """The filter index bounds a document's candidates together (one search behind a bitmap) and
    hands the intersection and membership it found to verification: the same bounds as plain
    set intersections, and the same verdicts as verification that works them out itself."""
    from auditor.dedup.near import verify_sides
    from auditor.dedup.shingles import distinct
    from auditor.engine.index import StreamingIndex

    rng = random.Random(3)
    pool = _paragraph_pool(40, seed=9)
    pages = ["\n\n".join(rng.sample(pool, rng.randint(2, 8))) for _ in range(24)]
    pages += [p + "\n\n" + rng.choice(pool) for p in pages[:6]]  # copies with a paragraph more
    pages += ["\n".join(w for w in p.split(" ") if rng.random() > 0.03) for p in pages[6:10]]  # edited, reflowed
    settings = DedupSettings()
    batch = Shingler(settings.ngram).hash_batch(pages, lines=True)
    sets = batch.sets()
    index = StreamingIndex(settings.num_perm, 64, 2, settings.jaccard, settings.containment, settings=settings)
    for s_ in sets:
        index._append(np.zeros(settings.num_perm, dtype=np.uint32), len(s_))
    verdicts = set()
    for i in range(len(pages)):
        others = list(range(len(pages)))
        checks = index._may_pass(sets[i], [batch.of(k) for k in others], np.array(others, dtype=np.int64))
        for k, got in zip(others, checks, strict=True):
            inter = len(np.intersect1d(sets[i], sets[k]))
            jac = inter / (len(sets[i]) + len(sets[k]) - inter)
            cont = inter / min(len(sets[i]), len(sets[k]))
            passes = inter > 0 and (jac >= settings.jaccard or cont >= settings.containment)
            assert (got is not None) == passes, (i, k)
            mine = (batch.of(i), batch.lines_of(i), sets[i])
            theirs = (batch.of(k), batch.lines_of(k), sets[k])
            plain = verify_sides(theirs, mine, settings)
            if got is None:
                assert plain is None
                continue
            their_set, count, found = got
            assert np.array_equal(their_set, distinct(batch.of(k))) and count == inter
            assert np.array_equal(found, np.isin(batch.of(k), sets[i]))
            assert verify_sides((batch.of(k), batch.lines_of(k), their_set), mine, settings, count, found) == plain
            verdicts.add(plain is not None and k != i)
    assert verdicts == {True, False}  # copies verified and pages sharing paragraphs rejected


def test_content_words_and_exact_keys_match_their_plain_definitions():
    """`content_words` (one \\w{2,} search, stop words subtracted) against filtering the
    normalised words one by one, and D003's paragraph keys (words counted before joining)
    against normalize + split, on texts with Unicode case rules, digits, underscores and
    one-letter words."""
    import json
    from pathlib import Path

    from auditor.dedup import passages
    from auditor.document import Document
    from auditor.segment import normalize, paragraphs

    stop = passages.english_stop_words()
    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.joinpath("seeds").glob("*.txt"))]
    texts += ["", "a I x", "ΟΔΥΣΣΕΥΣ ΚΑΙ ΟΔΥΣΣΕΑΣ. İSTANBUL ıi", "snake_case and __dunder__ 42 x2 ½",
              "ﬁne ǅungla ß STRASSE", "“Quoted” — dashes… and ’apostrophes’ it's", "ab\u00a0cd\u2003ef\tgh\nij"]
    texts += [json.dumps(t)[1:-1] for t in texts[:2]]  # escaped forms: backslashes, \\u sequences
    for text in texts:
        for piece in [text, *text.split(". ")]:
            want = {w for w in normalize(piece).split() if len(w) > 1 and w not in stop}
            assert passages.content_words(piece) == want
        text5 = f"{text}\n\n{text}"  # every paragraph of five words or more repeats
        doc = Document(id="d", raw=text5, text=text5)
        found = [([(sp.start, sp.end) for sp in f.spans], f.evidence) for f in passages._exact_repeats(doc, 5)]
        groups: dict[str, list[tuple[int, int]]] = {}
        for p in paragraphs(text5):
            if len(normalize(p.text).split()) >= 5:
                groups.setdefault(normalize(p.text), []).append((p.start, p.end))
        assert found == [(sp, {"copies": len(sp), "words": len(k.split())}) for k, sp in groups.items() if len(sp) > 1]
    assert passages.content_words("The Quick quick brown fox, a fox.") == {"quick", "brown", "fox"}


def test_reuse_matrix_grades_a_copy_above_a_revision_above_a_text_on_the_topic():
    from auditor.dedup.rewrites import reuse_matrix

    src = ("Inheritance in object oriented programming lets a class take on the fields and methods of another "
           "class, so that common behaviour is written once in a base class and reused by every subclass.")
    cut = src
    light = src.replace("lets a class take on", "allows a class to acquire").replace("written once", "defined once")
    other = ("Object oriented programs are organised around classes, and a programmer decides which methods "
             "each one needs before writing any code at all.")
    m = reuse_matrix([cut, light, other, src])
    assert m[0, 3] > m[1, 3] > m[2, 3] and m[0, 3] == pytest.approx(1.0)


def test_reuse_via_a_third_text_links_two_cuts_from_one_larger_source():
    from auditor.dedup.rewrites import reuse_matrix

    rng = random.Random(4)
    paras = [article(rng, 1) for _ in range(4)]
    excerpt = "\n\n".join(paras[:2])  # the source as given: the first half of an article
    a = "\n\n".join(paras[1:3])  # cut from the excerpt and from the article beyond it
    b = "\n\n".join(paras[2:4])  # cut only from the part the excerpt lacks
    other = article(random.Random(99), 2)
    direct, via = reuse_matrix([excerpt, a, b, other]), reuse_matrix([excerpt, a, b, other], via=True)
    assert np.allclose(via, via.T) and np.allclose(np.diag(via), 0)
    assert max(direct[0, 2], direct[2, 0]) < 0.3 < via[0, 2]  # b reused the excerpt's article, through a
    assert via[0, 3] == pytest.approx(max(direct[0, 3], direct[3, 0]), abs=0.05) and via[0, 3] < 0.3
    assert via[0, 1] >= max(direct[0, 1], direct[1, 0])


def test_story_similarity_ranks_the_same_story_first_with_and_without_background():
    from auditor.dedup.rewrites import story_similarity

    a = "Floods swept through the northern towns after three days of heavy rain, and rescuers evacuated families."
    b = "Rescue teams evacuated hundreds of families from flooded northern towns following days of torrential rain."
    c = "The central bank raised interest rates again to slow inflation, surprising some market analysts."
    for bg in ((), ("Stock markets fell as investors weighed the rate decision.", "Heavy rain is forecast.")):
        s = story_similarity([a, b, c], bg)
        assert s[0, 1] > s[0, 2] and s[0, 1] > s[1, 2] and s[0, 0] == pytest.approx(1.0, abs=1e-5)


def test_reuse_matrix_takes_shares_beyond_what_a_text_shares_with_any_other_text():
    from auditor.dedup.rewrites import MIN_DOCS_TO_PRUNE, beyond_chance, reuse_matrix

    rng = random.Random(7)
    texts = [article(rng, 3) for _ in range(MIN_DOCS_TO_PRUNE)]  # unrelated texts: what they share is chance
    texts.append(texts[0].split("\n\n")[0])  # one reused paragraph of the first text
    raw, corrected = reuse_matrix(texts, max_n=4, chance=False), reuse_matrix(texts, max_n=4)
    off = ~np.eye(len(texts), dtype=bool)
    last = len(texts) - 1
    # the typical unrelated pair shares common words; beyond chance it shares almost nothing
    assert np.median(corrected[off]) < 0.05 < 0.2 < np.median(raw[off])
    # the reused paragraph stays far above every unrelated pair (random words of one small vocabulary:
    # every single word is shared by chance, so n = 1 says nothing and counts 0)
    unrelated = off.copy()
    unrelated[[0, last], :] = unrelated[:, [0, last]] = False
    assert corrected[last, 0] > 2 * corrected[unrelated].max() and corrected[last, 0] > corrected[0, last]
    # (share - median of the row) / (1 - median), at least 0
    m = np.array([[0.0, 0.5, 0.2, 0.1], [0.3, 0.0, 0.3, 0.9], [0.1, 0.1, 0.0, 0.1], [0.2, 0.4, 0.6, 0.0]])
    want = np.array([[0.0, 0.375, 0.0, 0.0], [0.0, 0.0, 0.0, 6 / 7], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1 / 3, 0.0]])
    assert np.allclose(beyond_chance(m), want)
