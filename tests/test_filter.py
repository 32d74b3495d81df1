"""`auditor filter`: conservation, determinism across workers, policy, dry-run, resume, WARC."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import Settings
from auditor.decide import FilterSettings
from auditor.engine import FilterOptions, filter_corpus
from auditor.errors import ConfigError

WORDS = ("the river people market council school winter summer water city report study music garden "
         "season harbour railway museum forest village doctor letter history island mountain").split()


def _article(rng: random.Random, n: int = 160) -> str:
    sents = []
    while sum(len(s.split()) for s in sents) < n:
        words = rng.choices(WORDS, k=rng.randint(8, 16))
        sents.append(" ".join(["The", *words[:3], "and", "that", *words[3:]]) + ".")
    paras = [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]
    return "\n\n".join(paras)


def make_corpus(path: Path, n: int = 120, seed: int = 7) -> list[str]:
    """Articles, near and exact copies, short junk, a repeated-paragraph page and broken lines."""
    rng = random.Random(seed)
    lines: list[str] = []
    bases: list[str] = []
    for i in range(n):
        r = rng.random()
        if bases and r < 0.15:
            text = rng.choice(bases)  # exact copy
        elif bases and r < 0.3:
            words = rng.choice(bases).split(" ")
            words[rng.randrange(len(words))] = "changed"
            text = " ".join(words)  # near copy
        elif r < 0.38:
            text = "Buy now! Click here."  # too short: Gopher quality drops it
        else:
            text = _article(rng)
            bases.append(text)
        lines.append(json.dumps({"id": f"d{i:04d}", "text": text, "metadata": {"source": f"s{i % 3}"}}))
        if i % 40 == 13:
            lines.append("{not json")
        if i % 50 == 21:
            lines.append(json.dumps({"id": f"nt{i}", "metadata": {}}))  # no text field
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def read_out(out: Path, name: str) -> list[dict]:
    p = out / f"{name}.jsonl"
    if not p.exists():
        p = out / f"{name}.jsonl.gz"
        with gzip.open(p, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def run(inputs: list[str], out: Path, settings: Settings | None = None, **opts) -> dict:
    return filter_corpus(inputs, out, settings or Settings(), FilterOptions(**opts))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("corpus") / "in.jsonl"
    return path, make_corpus(path)


def test_every_record_ends_in_exactly_one_output(corpus, tmp_path):
    path, lines = corpus
    summary = run([str(path)], tmp_path)
    kept, rejected, errors = (read_out(tmp_path, n) for n in ("kept", "rejected", "errors"))
    assert len(kept) + len(rejected) + len(errors) == len(lines) == summary["records"]
    ids = [r["id"] for r in kept + rejected + errors]
    assert len(ids) == len(set(ids))
    assert {e["code"] for e in errors} == {"I003", "I004"}
    assert summary["kept"] == len(kept) and summary["rejected"] == len(rejected) and summary["errors"] == len(errors)
    assert not (tmp_path / ".filter-work").exists()
    assert json.loads((tmp_path / "summary.json").read_text())["records"] == len(lines)


def test_copies_name_the_kept_document_and_short_junk_is_dropped(corpus, tmp_path):
    path, _ = corpus
    run([str(path)], tmp_path)
    kept = {r["id"]: r for r in read_out(tmp_path, "kept")}
    rejected = read_out(tmp_path, "rejected")
    copies = [r for r in rejected if "duplicate_of" in r]
    assert any(r["duplicate_of"]["kind"] == "exact" for r in copies)
    assert any(r["duplicate_of"]["kind"] == "near" for r in copies)
    rejected_ids = {r["id"] for r in rejected}
    for r in copies:
        assert r["id"] > r["duplicate_of"]["id"]  # the first seen is kept
        if r["duplicate_of"]["kept"]:
            assert r["duplicate_of"]["id"] in kept  # the kept copy of its cluster
            assert {x["code"] for x in r["reasons"]} & {"D001", "D002"}
        else:  # a copy of a document rejected for quality names it, and is judged on its own
            assert r["duplicate_of"]["id"] in rejected_ids
            assert not {x["code"] for x in r["reasons"]} & {"D001", "D002"}
    assert any(r["duplicate_of"]["kept"] for r in copies)
    junk = [r for r in rejected if r["text"] == "Buy now! Click here."]
    assert junk and all(any(x["code"] == "Q101" for x in r["reasons"]) for r in junk)
    some = next(iter(kept.values()))
    assert "Q101" in some["metadata"]["auditor"]["scores"] and some["metadata"]["source"]


def _sets(out: Path) -> tuple[list, list, list]:
    return tuple([(r["id"], r.get("duplicate_of", {}).get("id")) for r in read_out(out, n)]
                 for n in ("kept", "rejected", "errors"))


def test_two_workers_give_the_same_outputs_as_one(corpus, tmp_path):
    path, _ = corpus
    settings = Settings(filter=FilterSettings(batch_size=16))
    run([str(path)], tmp_path / "one", settings, workers=1)
    run([str(path)], tmp_path / "two", settings, workers=2)
    for name in ("kept", "rejected", "errors"):
        assert (tmp_path / "one" / f"{name}.jsonl").read_bytes() == (tmp_path / "two" / f"{name}.jsonl").read_bytes()


def test_policy_flag_only_keeps_copies_and_dry_run_writes_nothing(corpus, tmp_path):
    path, _ = corpus
    base = run([str(path)], tmp_path / "base")
    flagged = run([str(path)], tmp_path / "flag", Settings(filter=FilterSettings(flag=("D00",))))
    assert "D001" not in flagged["reasons"] and flagged["flags"].get("D001")
    assert flagged["kept"] > base["kept"]
    dry = run([str(path)], tmp_path / "dry", dry_run=True)
    assert not (tmp_path / "dry").exists()
    assert dry["reasons"] == base["reasons"] and dry["kept"] == base["kept"]


def test_policy_from_pyproject_and_bad_policy(tmp_path):
    from auditor.config import load_settings

    pp = tmp_path / "pyproject.toml"
    pp.write_text('[tool.auditor.filter]\ndrop = ["error", "D003"]\nflag = ["Q105"]\n', encoding="utf-8")
    s = load_settings(pp)
    assert s.filter.drop == ("error", "D003") and s.filter.flag == ("Q105",)
    pp.write_text('[tool.auditor.filter]\ndrop = "error"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'drop' must be a list"):
        load_settings(pp)


def test_cli_filter_gzip_and_dry_run(corpus, tmp_path):
    path, lines = corpus
    res = CliRunner().invoke(app, ["filter", str(path), "--out", str(tmp_path / "o"), "--gzip"])
    assert res.exit_code == 0, res.output
    total = sum(len(read_out(tmp_path / "o", n)) for n in ("kept", "rejected", "errors"))
    assert total == len(lines)
    res = CliRunner().invoke(app, ["filter", str(path), "--out", str(tmp_path / "d"), "--dry-run"])
    assert res.exit_code == 0 and "would drop, by rule:" in res.output and "Q101" in res.output
    res = CliRunner().invoke(app, ["filter", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "Error: no such file or folder" in res.output
    res = CliRunner().invoke(app, ["filter", str(path), "--out", str(tmp_path / "r"), "--resume"])
    assert res.exit_code == 2 and "nothing to resume" in res.output
    assert "Example:" in CliRunner().invoke(app, ["filter", "--help"]).output


def test_a_record_that_crashes_processing_goes_to_errors(corpus, tmp_path, monkeypatch):
    import auditor.engine.work as work

    path, lines = corpus
    real = work.clean_corpus

    def flaky(docs, settings, *model):
        if docs[0].id == "d0005":
            raise RuntimeError("boom")
        return real(docs, settings, *model)

    monkeypatch.setattr(work, "clean_corpus", flaky)
    run([str(path)], tmp_path)
    errors = read_out(tmp_path, "errors")
    crash = [e for e in errors if e["id"] == "d0005"]
    assert crash and crash[0]["code"] == "X001" and "boom" in crash[0]["error"]
    assert sum(len(read_out(tmp_path, n)) for n in ("kept", "rejected", "errors")) == len(lines)


def test_a_worker_process_that_dies_loses_no_record(corpus, tmp_path, monkeypatch):
    import auditor.engine.work as work

    path, lines = corpus
    real = work.clean_corpus

    def die(docs, settings, *model):
        if docs[0].id == "d0007":
            os._exit(3)  # a worker killed mid-batch (e.g. out of memory)
        return real(docs, settings, *model)

    monkeypatch.setattr(work, "clean_corpus", die)
    run([str(path)], tmp_path, Settings(filter=FilterSettings(batch_size=8)), workers=2)
    errors = read_out(tmp_path, "errors")
    assert [e["code"] for e in errors if e["id"] == "d0007"] == ["X002"]
    assert sum(len(read_out(tmp_path, n)) for n in ("kept", "rejected", "errors")) == len(lines)


def test_killed_run_resumes_to_the_same_outputs(tmp_path):
    path = tmp_path / "in.jsonl"
    make_corpus(path, n=600, seed=3)
    pp = tmp_path / "pyproject.toml"
    pp.write_text("[tool.auditor.filter]\nbatch_size = 8\ncheckpoint_every = 16\n", encoding="utf-8")
    exe = [sys.executable, "-m", "auditor", "filter", str(path)]
    subprocess.run([*exe, "--out", str(tmp_path / "full")], cwd=tmp_path, check=True, capture_output=True)
    proc = subprocess.Popen([*exe, "--out", str(tmp_path / "cut")], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = tmp_path / "cut" / ".filter-work" / "state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill once a few checkpoints are written, well before the end
        if state.exists() and json.loads(state.read_text())["counts"]["records"] >= 100:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "cut" / "kept.jsonl").exists()
    done = json.loads(state.read_text())["counts"]["records"]
    assert 0 < done < 700
    res = subprocess.run([*exe, "--out", str(tmp_path / "cut"), "--resume"], cwd=tmp_path, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    for name in ("kept", "rejected", "errors"):
        assert (tmp_path / "cut" / f"{name}.jsonl").read_bytes() == (tmp_path / "full" / f"{name}.jsonl").read_bytes()
    summary = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert summary["resumed_from"] == done
    full = json.loads((tmp_path / "full" / "summary.json").read_text())
    assert {k: summary[k] for k in ("records", "kept", "rejected", "errors", "reasons")} == \
        {k: full[k] for k in ("records", "kept", "rejected", "errors", "reasons")}


def test_warc_records_are_filtered(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(1)
    article = _article(rng)
    page = "<html><body><nav>Home | News</nav><article>" + "".join(
        f"<p>{p}</p>" for p in article.split("\n\n")) + "</article></body></html>"
    with open(tmp_path / "crawl.warc.gz", "wb") as f:
        w = WARCWriter(f, gzip=True)
        for url, body, ctype in [("http://a.example/1", page, "text/html"), ("http://b.example/2", page, "text/html"),
                                 ("http://a.example/x.png", "\x89PNG", "image/png")]:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body.encode("latin-1")),
                                                http_headers=http))
        w.write_record(w.create_warc_record("http://a.example/1", "request", payload=io.BytesIO(b"GET /1\r\n\r\n")))
    summary = run([str(tmp_path / "crawl.warc.gz")], tmp_path / "out")
    assert (summary["records"], summary["kept"], summary["rejected"], summary["errors"]) == (3, 1, 1, 1)
    kept = read_out(tmp_path / "out", "kept")[0]
    assert kept["metadata"]["url"] == "http://a.example/1" and "Home | News" not in kept["text"]
    assert read_out(tmp_path / "out", "rejected")[0]["duplicate_of"]["id"] == kept["id"]
    assert read_out(tmp_path / "out", "errors")[0]["code"] == "I002"


def test_resume_refuses_changed_inputs(corpus, tmp_path):
    from auditor.engine import ResumeError

    path, _ = corpus
    other = tmp_path / "other.jsonl"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "o"
    (out / ".filter-work").mkdir(parents=True)
    (out / ".filter-work" / "state.json").write_text(json.dumps({"schema": "auditor.filter-state/1",
                                                                  "fingerprint": {}}))
    with pytest.raises(ResumeError, match="changed"):
        run([str(other)], out, resume=True)


def test_workers_must_be_positive(corpus, tmp_path):
    with pytest.raises(ConfigError):
        run([str(corpus[0])], tmp_path, workers=0)
    assert dataclasses.asdict(FilterSettings())["drop"] == ("error",)


def test_stacked_line_model_predicts_bit_identically_to_the_line_model():
    """The filter walks the line model's trees all at once; the probabilities must not change."""
    import numpy as np

    model_mod = pytest.importorskip("auditor.clean.model")
    from auditor.engine.lines import StackedLineModel

    model = model_mod.load_line_model()
    stacked = StackedLineModel.of(model)
    rng = np.random.default_rng(3)
    rows = rng.normal(0, 3, (400, len(model.features)))
    rows[::7, ::3] = np.nan  # NaN goes right (`x <= threshold` is false), as in LineModel
    tree = model.trees[0]  # a value exactly at a threshold goes left
    rows[1, tree.feature[0]] = tree.threshold[0]
    rows = rows.tolist()
    assert np.array_equal(stacked.predict(rows), model.predict(rows))
    assert np.array_equal(stacked.predict(rows[:1]), model.predict(rows[:1]))
    assert len(stacked.predict([])) == 0


def test_line_model_is_loaded_once_per_process_and_predicts_as_a_fresh_load():
    """process_batch asks for the model every batch; the same object comes back (no reload), and it
    predicts as a freshly loaded model does."""
    import numpy as np

    model_mod = pytest.importorskip("auditor.clean.model")
    from auditor.engine.lines import load_stacked

    first = load_stacked(True)
    assert first is load_stacked(True) and load_stacked(False) is None
    rows = np.random.default_rng(4).normal(0, 3, (50, len(first.features))).tolist()
    assert np.array_equal(first.predict(rows), model_mod.load_line_model().predict(rows))


def _signed(texts: list[str]):
    """Signatures, sizes and shingles of `texts` as the filter's dedup step gets them, and a maker of
    a StreamingIndex with the default settings over a given ShingleStore."""
    import numpy as np

    from auditor.dedup import DedupSettings
    from auditor.dedup.lsh import choose_bands
    from auditor.engine.index import StreamingIndex
    from auditor.engine.work import Signer

    settings = DedupSettings()
    sigs, sizes, batch = Signer(settings).sign(texts)
    lines = np.minimum(batch.line_words, 255).astype(np.uint8)
    sh = [(batch.of(i), lines[batch.offsets[i]: batch.offsets[i + 1]]) for i in range(len(texts))]
    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)

    def make_index(store, **kwargs) -> StreamingIndex:
        return StreamingIndex(settings.num_perm, bands, rows, settings.jaccard, settings.containment,
                              settings.min_shingles, settings=settings, store=store, **kwargs)

    return sigs, sizes, sh, make_index


def test_streaming_index_verifies_exactly_and_keeps_template_pages_apart(tmp_path):
    """Two articles in one site's menu template are no copies (the shared part is short lines, the
    prose gate of auditor.dedup.near); a lightly edited copy of one of them is, verified on its shingles."""
    import tempfile

    import numpy as np

    from auditor.engine.index import ShingleStore

    rng = random.Random(11)
    pairs = zip(rng.choices(WORDS, k=80), rng.choices(WORDS, k=80), strict=True)
    menu = "\n".join(f"Home News {w} {v} Weather" for w, v in pairs)  # estimated Jaccard 0.67 between pages
    a, b = _article(rng, 70), _article(rng, 70)
    words = a.split()
    for k in range(0, len(words), 25):
        words[k] = "changed"
    texts = [menu + "\n" + a, menu + "\n" + b, " ".join(words), menu + "\n" + a]
    sigs, sizes, sh, make_index = _signed(texts)
    with tempfile.TemporaryFile() as f:
        index = make_index(ShingleStore(f))
        exact = np.arange(len(texts), dtype=np.uint64)  # no exact twins: every match must be verified
        matches, added = index.match_batch(sigs, sizes, exact, keep=[True] * len(texts), shingles=sh)
    assert matches[0] is None
    assert matches[1] is None  # same template, different article
    assert matches[2] is not None and matches[2].kept == 0 and matches[2].kind == "near"
    assert matches[3] is not None and matches[3].kept == 0 and matches[3].jaccard == 1.0
    assert added == [True, True, False, False]


def _spliced_pages(seed: int, pages: int) -> list[str]:
    """Pages spliced from a small pool of paragraphs (as make_neardup's filler): most pairs share a
    paragraph or two, some share most of their prose; a few short lines of a template, and copies."""
    rng = random.Random(seed)
    pool = [_article(rng, rng.choice((25, 40, 70))) for _ in range(12)]
    menu = "\n".join(f"Home {w} News" for w in rng.choices(WORDS, k=6))
    texts = []
    for _ in range(pages):
        paras = rng.sample(pool, rng.randint(1, 4))
        if rng.random() < 0.3:
            paras.append(_article(rng, rng.choice((10, 30, 60))))
        page = "\n\n".join(paras)
        texts.append(menu + "\n" + page if rng.random() < 0.5 else page)
        if rng.random() < 0.15:  # a lightly edited copy of an earlier page
            words = rng.choice(texts).split(" ")
            words[rng.randrange(len(words))] = "changed"
            texts.append(" ".join(words))
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prose_gate_bound_never_rejects_a_pair_the_gate_passes(seed):
    """`prose_gate_may_pass` is a necessary condition of verify_sides' prose gate: on every pair of
    spliced pages it rejects, verification fails too; and it rejects most pairs that share only a
    paragraph or two (what it is for), while verified pairs exist among them."""
    import numpy as np

    from auditor.dedup import DedupSettings
    from auditor.dedup.near import prose_gate_may_pass, prose_shingles, verify_sides
    from auditor.dedup.shingles import distinct
    from auditor.engine.work import Signer

    settings = DedupSettings()
    texts = _spliced_pages(seed, 40)
    _, sizes, batch = Signer(settings).sign(texts)
    sides = [(batch.of(i), batch.lines_of(i), distinct(batch.of(i))) for i in range(len(texts))]
    gate = settings.prose_line_words
    prose = [prose_shingles(h, lw, gate, int(n)) for (h, lw, _), n in zip(sides, sizes, strict=True)]
    assert prose == [prose_shingles(h, lw, gate) for h, lw, _ in sides]
    rejected = verified = 0
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            inter = len(np.intersect1d(sides[a][2], sides[b][2]))
            jac = inter / (len(sides[a][2]) + len(sides[b][2]) - inter)
            if not inter or (jac < settings.jaccard and inter / min(len(sides[a][2]), len(sides[b][2]))
                             < settings.containment):
                continue
            result = verify_sides(sides[a], sides[b], settings)
            may = prose_gate_may_pass(np.array([inter]), np.array([jac]), np.array([prose[a]]), np.array([prose[b]]),
                                      settings)[0]
            if not may:
                assert result is None, (a, b)
                rejected += 1
            verified += result is not None
    assert rejected > 10 and verified > 0


def test_streaming_index_prose_bound_changes_no_match():
    """The index applies the prose gate's bound before verifying: the matches are those found with the
    bound off (no prose counts known), on pages that share paragraphs."""
    import tempfile

    import numpy as np

    from auditor.engine.index import ShingleStore

    texts = _spliced_pages(4, 120)
    sigs, sizes, sh, make_index = _signed(texts)
    exact = np.arange(len(texts), dtype=np.uint64)
    found = []
    for prose in (None, np.zeros(len(texts), dtype=np.int64)):  # worked out from the shingles; unknown
        with tempfile.TemporaryFile() as f:
            index = make_index(ShingleStore(f))
            out = []
            for s in range(0, len(texts), 16):
                part = slice(s, s + 16)
                matches, added = index.match_batch(sigs[part], sizes[part], exact[part], keep=[True] * len(sh[part]),
                                                   shingles=sh[part], prose=None if prose is None else prose[part])
                out += [(m.kept, m.jaccard, m.containment) if m else None for m in matches] + added
        found.append(out)
    assert found[0] == found[1]
    assert sum(m is not None and m is not True and m is not False for m in found[0]) > 5


def test_sorted_runs_merge_like_a_stable_sort():
    import numpy as np

    from auditor.engine.index import SortedRuns

    rng = np.random.default_rng(5)
    runs = SortedRuns()
    keys = rng.integers(0, 50, 3000).astype(np.uint64)
    vals = np.arange(3000, dtype=np.int32)
    for s in range(0, 3000, 100):  # runs of many sizes get merged
        runs.add(keys[s : s + 100], vals[s : s + 100])
    assert len(runs.keys) < 30
    for k in range(50):
        assert sorted(runs.lookup(np.array([k], dtype=np.uint64))[0]) == np.flatnonzero(keys == k).tolist()
    merged = np.concatenate(runs.keys)
    assert all(np.all(np.diff(r.astype(np.int64)) >= 0) for r in runs.keys) and len(merged) == 3000


def test_sorted_runs_pairs_are_every_query_value_pair_whatever_the_query_order():
    """`pairs` looks the queries up in key order; the pairs must be those of a plain dict lookup."""
    import numpy as np

    from auditor.engine.index import SortedRuns

    rng = np.random.default_rng(11)
    runs = SortedRuns()
    keys = rng.integers(0, 400, 5000).astype(np.uint32)
    vals = np.arange(5000, dtype=np.int32)
    for s in range(0, 5000, 250):
        runs.add(keys[s : s + 250], vals[s : s + 250])
    assert len(runs.keys) > 1
    plain: dict[int, list[int]] = {}
    for k, v in zip(keys.tolist(), vals.tolist(), strict=True):
        plain.setdefault(k, []).append(v)
    queries = rng.integers(0, 450, 3000).astype(np.uint32)  # unsorted, repeats, misses
    q, v = runs.pairs(queries)
    want = sorted((i, x) for i, k in enumerate(queries.tolist()) for x in plain.get(k, []))
    assert sorted(zip(q.tolist(), v.tolist(), strict=True)) == want and len(want) > 3000


def test_streaming_index_estimates_are_the_agreeing_share_of_b_bit_rows():
    """`_estimate` (count of agreeing b-bit minima / num_perm, rows gathered across chunks) against
    the plain mean of the comparison, bit for bit."""
    import numpy as np

    from auditor.engine import index as ix

    rng = np.random.default_rng(3)
    idx = ix.StreamingIndex(64, 32, 2)
    sigs = rng.integers(0, 2**32, (300, 64), dtype=np.uint64).astype(np.uint32)
    sigs[150:] = sigs[:150]
    sigs[150:, :20] += 1  # entries 150+ agree with 0..149 on about 44 of 64 minima
    old_rows = ix._CHUNK_ROWS
    ix._CHUNK_ROWS = 128  # several chunks
    try:
        for i, s in enumerate(sigs):
            idx._append(s, 10 + i)
        for ks in (np.array([151, 3, 290, 128, 5, 299]), np.array([130, 131, 140]), np.array([7])):
            mine = ix.bbit(sigs[(ks + 150) % 300])  # each entry's twin: about 44 of 64 agree
            est_j, est_c = idx._estimate(mine, np.full(len(ks), 40), ks)
            same = (ix.bbit(sigs[ks]) == mine).mean(axis=1)
            want_j = np.clip((same - ix._BBIT_CHANCE) / (1 - ix._BBIT_CHANCE), 0.0, 1.0)
            other = (10 + ks).astype(np.float64)
            want_c = np.minimum(1.0, want_j / (1 + want_j) * (40 + other) / np.maximum(1, np.minimum(40, other)))
            assert est_j.tolist() == want_j.tolist() and est_c.tolist() == want_c.tolist()
            assert 0.5 < est_j.min() and est_j.max() < 0.9
    finally:
        ix._CHUNK_ROWS = old_rows


def test_closing_the_pool_is_bounded_when_a_worker_never_exits():
    """A worker stuck in its task must not hold the filter at shutdown: it is terminated."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from auditor.engine.local import close_pool

    pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"))
    pool.submit(time.sleep, 600)
    time.sleep(0.5)  # running in the worker, beyond cancelling
    procs = list(pool._processes.values())
    t0 = time.monotonic()
    close_pool(pool, timeout=0.5)
    assert time.monotonic() - t0 < 15
    assert procs and not any(p.is_alive() for p in procs)


def test_streaming_index_verifies_a_bounded_number_of_candidates_most_similar_first(tmp_path):
    """A document with many candidates (pages sharing paragraphs with it) reads and verifies at most
    `max_verify` of them, the most similar by estimate, so the dedup step's cost per document does
    not grow with the corpus; its true copy, the most similar, is still found."""
    import tempfile

    import numpy as np

    from auditor.engine.index import ShingleStore

    rng = random.Random(5)
    shared = [_article(rng, 60) for _ in range(3)]
    # pages that each share two of the three paragraphs with the last one, plus prose of their own
    pages = [shared[k % 3] + "\n\n" + shared[(k + 1) % 3] + "\n\n" + _article(rng, 150) for k in range(12)]
    source = "\n\n".join(shared) + "\n\n" + _article(rng, 40)
    words = source.split(" ")
    words[5] = "changed"
    texts = [*pages, source, " ".join(words)]
    sigs, sizes, sh, make_index = _signed(texts)
    with tempfile.TemporaryFile() as f:
        store = ShingleStore(f)
        reads: list[int] = []
        real_read = store.read
        store.read = lambda k: (reads.append(k), real_read(k))[1]  # type: ignore[method-assign]
        index = make_index(store, max_verify=3)
        exact = np.arange(len(texts), dtype=np.uint64)
        index.match_batch(sigs[:-1], sizes[:-1], exact[:-1], keep=[True] * (len(texts) - 1), shingles=sh[:-1])
        reads.clear()
        matches, _ = index.match_batch(sigs[-1:], sizes[-1:], exact[-1:], keep=[True], shingles=sh[-1:])
    assert len(reads) <= 3
    assert matches[0] is not None and matches[0].kept == len(texts) - 2


@pytest.mark.parametrize("text", [
    "", " ", "!!", "a", " a ", "Hello,  World!\n\nhello world", "İstanbul ǅ ß ﬁ Σ ΑΣ.Β", "x\ud800y z", "__ _",
    "a\u2028b\u00a0c\td", "𝔘𝔫𝔦 ok 中文字 ١٢٣", "5€ 5 €", "America’s — “quoted” …", "x" * 5000 + " end",
])
def test_exact_hash_code_points_are_the_normalized_text(text):
    """The filter's exact hash is taken over the code points of `segment.normalize`'s text, so two
    texts hash alike exactly when their normalized words are the same."""
    import numpy as np

    from auditor.engine.work import exact_hash
    from auditor.normalized import NormalizedText
    from auditor.segment import normalize

    want = np.frombuffer(normalize(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    assert np.array_equal(NormalizedText(text).code_points, want)
    spaced = "  " + normalize(text).replace(" ", " ,\n ") + " !"  # the same words, other spacing and marks
    assert exact_hash(text) == exact_hash(normalize(text)) == exact_hash(spaced)
    assert (exact_hash(text) == exact_hash(text + " extra")) is False


def test_normalized_words_of_paragraphs_are_their_own():
    """NormalizedText.words_in gives each paragraph the words `segment.normalize` gives it alone."""
    from auditor.normalized import NormalizedText
    from auditor.segment import normalize, paragraphs

    text = "  Intro – “Quoted” words, 5€.\n\nΣΟΦΙΑΣ ran;  ΑΣ.Β\n\n  \n- bullet_one\n- two\n\n!!!\n\nlast word"
    norm = NormalizedText(text)
    assert norm.aligned
    paras = paragraphs(text)
    counts, keys = norm.words_in([p.start for p in paras], [p.end for p in paras])
    assert keys == [normalize(p.text).encode("utf-32-le") for p in paras]
    assert counts == [len(normalize(p.text).split()) for p in paras]
    assert not NormalizedText("İstanbul").aligned
