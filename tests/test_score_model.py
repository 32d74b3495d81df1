"""The machine-text classifier: plain-array storage, evidence, the score and train commands."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.errors import ModelError
from auditor.score.classifier import MachineTextModel, _Trees, default_model_dir, dense_names, load_model
from auditor.score.features import (
    DOMAIN_NAMES,
    FEATURE_NAMES,
    STYLE_NAMES,
    DomainLMs,
    TrigramLM,
    featurize,
    later_half,
    normalize,
    skeleton,
    style_features,
    tokens,
)
from auditor.score.neural import LM_FILE, NEURAL_NAMES

runner = CliRunner()
HUMAN = ["the council met on tuesday and voted on the budget for the new library",
         "police said the man was arrested near the station after a short chase",
         "the club confirmed the striker had signed a new contract until next summer"]
FILLER = ["it is crucial to note that this underscores the need for transparency and accountability",
          "this development sent shockwaves and raises critical questions as events continue to unfold"]


def corpus(n: int, seed: int = 0) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        parts = [rng.choice(HUMAN) for _ in range(3)] + ([rng.choice(FILLER)] if label else [])
        rng.shuffle(parts)
        texts.append(". ".join(p.capitalize() for p in parts) + ".")
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def small_model():
    texts, labels = corpus(40)
    return MachineTextModel(C=0.5, kn=TrigramLM.fit(HUMAN * 5)).fit(texts, labels)


def test_fit_separates_and_explains_with_named_features(small_model):
    texts, labels = corpus(20, seed=1)
    p = small_model.predict_proba(texts)
    assert p[np.array(labels) == 1].min() > p[np.array(labels) == 0].max()
    ex = small_model.explain(texts[1], k=400)  # every feature: the text's n-grams and the dense profile
    assert 0.5 < ex["probability"] <= 1 and len(ex["features"]) > len(FEATURE_NAMES)
    sizes = [abs(f["contribution"]) for f in ex["features"]]
    assert sizes == sorted(sizes, reverse=True)
    assert any(f["feature"].startswith("words '") for f in ex["features"])


def test_save_and_load_round_trip_without_pickle(small_model, tmp_path):
    small_model.info = {"trained_on": {"texts": 40}}
    small_model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    texts, _ = corpus(6, seed=2)
    assert np.allclose(loaded.predict_proba(texts), small_model.predict_proba(texts))
    with np.load(tmp_path / "m" / "model.npz", allow_pickle=False) as z:  # would raise on object arrays
        assert all(z[k].dtype != object for k in z.files)
    assert json.loads((tmp_path / "m" / "model.json").read_text())["trained_on"] == {"texts": 40}


def test_a_foreign_or_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="cannot load model"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "other"}')
    np.savez(tmp_path / "model.npz", x=np.zeros(2))
    with pytest.raises(ModelError, match="not an auditor.mgt/5 model"):
        load_model(tmp_path)


def test_long_texts_are_judged_in_windows_of_the_training_length(small_model):
    texts, _ = corpus(40, seed=3)
    long_text = " ".join(texts)
    words = long_text.split()
    runs = round(len(words) / small_model.window_words)
    assert runs > small_model.max_windows
    owner, windows = small_model._windows([texts[0], long_text])
    sizes = [len(w.split()) for w in windows[1:]]
    # at most max_windows equal runs, spread from the text's first run to its last
    assert owner[0] == 0 and len(windows) - 1 == small_model.max_windows and max(sizes) - min(sizes) <= 1
    assert long_text.startswith(windows[1]) and long_text.endswith(windows[-1])
    # the probability is the mean window logit, and explain() reports the same probability
    z = small_model.decision_features(*small_model.featurize(windows[1:]))
    p = small_model.predict_proba([long_text])[0]
    assert p == pytest.approx(1 / (1 + np.exp(-z.mean())))
    assert small_model.explain(long_text)["probability"] == pytest.approx(p, abs=1e-4)


def test_features_ignore_line_breaks(small_model):
    a = small_model.featurize(["First line.\n\nSecond line here."])
    b = small_model.featurize(["First line. Second line here."])
    assert np.allclose(a[1], b[1]) and (a[0] != b[0]).nnz == 0


def test_features_ignore_typography_and_repair_mojibake(small_model):
    # curly quotes, dashes and cp1252 mojibake say which software touched a text, not who wrote it
    a = small_model.featurize(["\u201cIt\u2019s over\u201d \u2013 he said\u2026 It cost \u00c2\u00a35."])
    b = small_model.featurize(["\"It's over\" - he said... It cost \u00a35."])
    assert np.allclose(a[1], b[1]) and (a[0] != b[0]).nnz == 0 and a[2] == b[2]
    repaired = "Caf\u00e9 na\u00efve \u00c9cole \u20ac3"  # accents kept, mojibake repaired
    assert normalize("Caf\u00e9 na\u00efve \u00c3\u2030cole \u00e2\u201a\u00ac3") == repaired
    assert normalize("x\u00c2") == "x\u00c2"  # a lead byte alone is left as it is


def test_batched_trigram_lookup_equals_one_sequence_at_a_time():
    kn = TrigramLM.fit(HUMAN, prune=1)
    seqs = [tokens(h) for h in HUMAN] + [[], ["police"], ["the", "council"], tokens("unseen words entirely")]
    l3, l2, l1, s3, s2, _ = kn.logprobs_many(seqs)
    at = np.cumsum([0] + [len(q) for q in seqs])
    for i, q in enumerate(seqs):
        one = kn.logprobs_many([q])
        for many, single in zip((l3, l2, l1, s3, s2), one, strict=False):
            assert np.array_equal(many[at[i] : at[i + 1]], single)
    assert s3[: len(seqs[0])].all()  # every trigram of a training line was seen (prune=1)


def test_trees_as_plain_arrays_equal_scikit_learn_and_explain_their_logit():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 6))
    x[::9, 2] = np.nan  # missing values follow each node's learned direction
    y = (x[:, 0] + np.nan_to_num(x[:, 2]) * x[:, 1] > 0).astype(int)
    h = HistGradientBoostingClassifier(max_iter=30, early_stopping=False, random_state=0).fit(x, y)
    trees = _Trees.from_sklearn(h)
    assert np.allclose(trees.decision(x), h.decision_function(x), atol=1e-9)
    again = _Trees.from_arrays(trees.arrays(), trees.baseline)
    assert np.array_equal(again.decision(x[:50]), trees.decision(x[:50]))
    # per-feature path contributions add up to the logit minus the trees' expected logit
    m = MachineTextModel(trees_=trees)
    contrib = m._tree_contributions(x[:50])
    expected = trees.expected[trees.roots].sum() + trees.baseline
    assert np.allclose(contrib.sum(axis=1) + expected, trees.decision(x[:50]))
    assert np.abs(contrib[:, 0]).mean() > np.abs(contrib[:, 5]).mean()  # x0 matters, x5 is noise


def test_trigram_model_is_a_distribution_and_prefers_what_it_saw():
    kn = TrigramLM.fit(HUMAN, prune=1)
    vocab = sorted({t for h in HUMAN for t in tokens(h)})
    # p(w | "the council") summed over the vocabulary: Kneser-Ney interpolation keeps it ~1
    total = sum(np.exp(kn.logprobs(["the", "council", w])[0][2]) for w in vocab)
    assert total == pytest.approx(1.0, abs=0.02)
    seen = kn.logprobs(tokens("police said the man was arrested"))[0].mean()
    unseen = kn.logprobs(tokens("arrested the was man said police"))[0].mean()
    assert seen > unseen + 1


def test_trigram_tables_round_trip_through_plain_arrays():
    kn = TrigramLM.fit(HUMAN)
    again = TrigramLM.from_arrays(kn.arrays(), kn.vocab)
    t = tokens(HUMAN[0])
    assert all(np.array_equal(a, b) for a, b in zip(kn.logprobs(t), again.logprobs(t), strict=True))
    assert all(v.dtype != object for v in kn.arrays().values())


def test_domain_models_give_the_log_ratio_of_human_and_machine_text_and_round_trip():
    lms = DomainLMs.fit([tokens(h) for h in HUMAN] * 2, [tokens(f) for f in FILLER] * 2)
    background = TrigramLM.fit(HUMAN + FILLER)
    seqs = [tokens(HUMAN[0]), tokens(FILLER[0]), [], tokens("zebra quartz")]
    prof = lms.profile(seqs, background)
    i = DOMAIN_NAMES.index("domain_logratio_mean")
    j = DOMAIN_NAMES.index("mixed_logratio_mean")
    assert prof.shape == (4, len(DOMAIN_NAMES)) and np.isfinite(prof).all()
    assert prof[0, i] > 1 and prof[1, i] < -1  # log p(human model) - log p(machine model), per token
    assert prof[0, j] > 0.3 and prof[1, j] < -0.3  # mixed with the background: same sign, smaller
    # mixing pulls each token's ratio towards 0 (log (a + g) / (b + g) lies between 0 and log a / b)
    assert all(abs(prof[k, j]) < abs(prof[k, i]) for k in (0, 1, 3))
    again = DomainLMs.from_arrays(lms.arrays(), lms.vocab)
    assert np.array_equal(again.profile(seqs, background), prof)
    assert all(v.dtype != object for v in lms.arrays().values())
    # the skeleton keeps function words and punctuation and classes the rest
    assert skeleton(tokens("The 12 councillors said it was over, sadly.")) == [
        "the", "<num>", "<-s>", "said", "it", "was", "over", ",", "<-ly>", "."]
    assert skeleton(tokens("Rain is")) == ["<w1>", "is"]


def test_training_texts_get_their_domain_values_from_models_fitted_without_their_group():
    rng = random.Random(0)
    vocab = [f"w{i}" for i in range(500)]
    # each text a random phrase said three times: models fitted on it know its trigrams by heart
    texts = [" ".join([" ".join(rng.choice(vocab) for _ in range(8))] * 3) for _ in range(60)]
    y = np.arange(60) % 2
    m = MachineTextModel(kn=TrigramLM.fit(HUMAN))
    _, _, tails = m.featurize(texts)
    i = DOMAIN_NAMES.index("domain_logratio_mean")
    inside = DomainLMs.fit([t for t, v in zip(tails, y, strict=True) if v == 0],
                           [t for t, v in zip(tails, y, strict=True) if v == 1]).profile(tails, m.kn)
    assert inside[y == 0, i].min() > inside[y == 1, i].max()  # memorised: perfectly "separated"
    oof = m._domain_oof(tails, y, np.arange(60) // 2)
    gap = oof[y == 0, i].mean() - oof[y == 1, i].mean()
    assert abs(gap) < 0.1 * (inside[y == 0, i].mean() - inside[y == 1, i].mean())


def test_cohesion_features_tell_a_drifting_continuation_from_a_consistent_one():
    opening = "Network Rail said the Dawlish line would reopen on Friday after repairs to the sea wall. "
    consistent = (opening + "Network Rail engineers worked on the Dawlish sea wall for weeks. "
                  "The line reopens on Friday.")
    drifting = opening + "Meanwhile Apple unveiled a phone in California. Fans queued outside Tokyo stores overnight."
    idx = {n: i for i, n in enumerate(STYLE_NAMES)}
    a, _, _ = style_features(consistent, opening_words=15)
    b, _, _ = style_features(drifting, opening_words=15)
    for name in ("later_words_in_opening", "later_names_in_opening"):
        assert a[idx[name]] > b[idx[name]]
    assert later_half("a b c d e f") == "d e f"
    assert featurize([consistent, drifting], TrigramLM.fit(HUMAN))[1].shape == (2, len(FEATURE_NAMES))


@pytest.mark.skipif(not (default_model_dir() / "model.npz").exists(), reason="no shipped model")
def test_shipped_model_has_its_training_data_and_metrics_recorded():
    m = load_model()
    assert m.info["trained_on"]["texts"] > 1000 and "auroc" in m.info["metrics"]


@pytest.mark.skipif(not (default_model_dir() / "model.npz").exists(), reason="no shipped model")
def test_score_command_writes_one_record_per_input_with_evidence(seeds_dir, tmp_path):
    out = tmp_path / "scores.jsonl"
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(out), "--threshold", "0"])
    assert res.exit_code == 0, res.output
    recs = {r["id"][:3]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(recs) == {"000", "001", "002", "003", "004"}
    for r in recs.values():
        assert set(r["scores"]) == {"machine_text", "quality", "templated"} and 0 <= r["scores"]["machine_text"] <= 1
        m001 = next(f for f in r["findings"] if f["code"] == "M001")
        assert m001["evidence"]["features"] and m001["evidence"]["value"] == r["scores"]["machine_text"]
    assert recs["000"]["scores"]["templated"] > recs["001"]["scores"]["templated"]
    assert recs["004"]["scores"]["quality"] < recs["001"]["scores"]["quality"] == 1.0


def test_score_without_model_and_with_select(seeds_dir, tmp_path):
    out = tmp_path / "s.jsonl"
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(out), "--no-model", "--select", "T"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert all("machine_text" not in r["scores"] for r in recs)
    assert {f["code"][0] for r in recs for f in r["findings"] if f["stage"] == "score"} == {"T"}


@pytest.mark.parametrize("with_lm", [False, True], ids=["default", "lm"])
def test_train_command_writes_a_loadable_model(tmp_path, with_lm):
    texts, labels = corpus(30)
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in zip(texts, labels, strict=True)))
    lm = tmp_path / "human.txt"
    lm.write_text("\n".join(HUMAN * 3))
    res = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--lm-text", str(lm), "--C", "0.5",
                              *(["--lm"] if with_lm else [])])
    assert res.exit_code == 0, res.output
    m = load_model(tmp_path / "m")
    assert m.info["trained_on"]["texts"] == 30 and m.info["metrics"]["auroc"] > 0.9
    # with --lm the language model's features are in, and the model names the weights they came from
    assert (m.neural is not None and m.neural["file"] == LM_FILE) == with_lm
    assert len(m.dense_names) == len(dense_names(False)) + with_lm * len(NEURAL_NAMES)


def test_train_rejects_unlabelled_records(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "no label"}\n')
    res = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m")])
    assert res.exit_code == 2 and "bad.jsonl:1: expected a JSON record with 'text' and 'label'" in res.output


@pytest.mark.parametrize("cmd", [["score"], ["train"]])
def test_new_commands_have_help_with_an_example(cmd):
    res = runner.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output


def test_score_scores_the_cleaned_text_as_audit_does_and_says_so(seeds_dir, tmp_path):
    out = tmp_path / "s.jsonl"
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(out), "--no-model"])
    assert res.exit_code == 0, res.output
    recs = {r["id"][:3]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert all(r["scored_text"]["text"] == "cleaned" for r in recs.values())
    seed2 = recs["002"]["scored_text"]
    assert seed2["words_after"] < seed2["words_before"]  # the page chrome went before scoring
    for sid in ("001", "002"):
        assert recs[sid]["scores"]["quality"] == 1.0, recs[sid]["findings"]
    raw_out = tmp_path / "raw.jsonl"
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(raw_out), "--no-model", "--no-clean"])
    assert res.exit_code == 0, res.output
    raw = [json.loads(x) for x in raw_out.read_text(encoding="utf-8").splitlines()]
    assert {r["scored_text"]["text"] for r in raw} == {"raw"}


def test_predict_explain_matches_predict_proba_and_explain():
    from auditor.score.classifier import load_model

    model = load_model(None)
    texts = [
        "The council met on Tuesday to discuss the budget. " * 8,
        "Short note.",
        " ".join(f"word{i} is here in sentence {i}." for i in range(400)),  # several windows
    ]
    probs, explained = model.predict_explain(texts, threshold=0.0)
    assert np.allclose(probs, model.predict_proba(texts))
    assert set(explained) == {0, 1, 2}
    for i, t in enumerate(texts):
        assert explained[i] == model.explain(t)
    none_probs, none = model.predict_explain(texts, threshold=1.01)
    assert none == {} and np.allclose(none_probs, probs)
