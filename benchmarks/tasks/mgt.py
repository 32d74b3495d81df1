"""mgt: machine-generated text detection (xsum): grouped cross-validation, or the shipped model on --set-dir.

Without --set-dir: 5-fold cross-validation grouped by article (metadata.group), the
classifier retrained on each training fold; the human-text trigram model is built from
the shared sets' human article texts (AEB and CleanEval gold bodies, MRPC, Lee), never
from xsum. With --set-dir DIR: DIR is scored by `auditor score` with the shipped model
(nothing is trained on DIR). --save-model FOLDER trains on the whole set afterwards and
writes the model with its training data and the cross-validation metrics beside it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import BENCH, auditor_cmd, make_inputs, need_bench, run_timed, score


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--save-model", help="After CV, train on the whole set and save the model in this folder.")
    p.add_argument("--tree-weight", type=float, default=0.6,
                   help="Weight of the gradient-boosted trees' logit beside the regression's (0: regression only).")
    p.add_argument("--cache", help="Folder keeping the features between runs (keyed by the texts, the feature "
                                    "code and the language model), e.g. to try --tree-weight values without "
                                    "featurizing again; a cached run reports no featurizing speed.")
    p.add_argument("--lm", action="store_true",
                   help="The `lm` model: the features of a small causal language model too (pip install "
                        "'auditor[lm]'; about 0.3-1 CPU-s a text). With --set-dir: `auditor score --model lm`.")


def _score_py():  # type: ignore[no-untyped-def]
    need_bench()
    spec = importlib.util.spec_from_file_location("bench_score", BENCH / "score.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def human_corpus() -> tuple[list[str], dict[str, int]]:
    """Human-written texts from the other shared sets, for the trigram model of human text."""
    s = _score_py()
    parts: dict[str, list[str]] = {
        "aeb gold article bodies": [g for _, _, g in s.extraction_set("aeb", None)],
        "cleaneval-final gold texts": [g for _, _, g in s.extraction_set("cleaneval-final", None)],
        "mrpc-train sentences": [a for _, a, _, _ in s.mrpc()],
        "lee documents": s.lee()[0],
    }
    sizes = {k: sum(len(t.split()) for t in v) for k, v in parts.items()}
    return [t for v in parts.values() for t in v], sizes


def _cache_file(folder: str, texts: list[str], lm: dict | None) -> Path:
    """The features' file: named by a hash of the texts, of the featurizing code and of the
    language model, so a change to any of them featurizes again."""
    import hashlib

    import auditor.score.features as features_py
    import auditor.score.neural as neural_py

    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\0")
    for mod in (features_py, neural_py):
        h.update(Path(mod.__file__).read_bytes())  # type: ignore[arg-type]
    h.update(json.dumps(lm, sort_keys=True).encode())
    return Path(folder) / f"mgt-features-{h.hexdigest()[:16]}.npz"


def _save_features(path: Path, counts, dense: np.ndarray, tails: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    flat = [t for ts in tails for t in ts]
    np.savez(tmp, data=counts.data, indices=counts.indices, indptr=counts.indptr, shape=np.array(counts.shape),
             dense=dense, tail_tokens=np.array(flat, dtype=str), tail_lengths=np.array([len(t) for t in tails]))
    tmp.replace(path)


def _load_features(path: Path):  # type: ignore[no-untyped-def]
    import scipy.sparse as sp

    with np.load(path, allow_pickle=False) as z:
        counts = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        bounds = np.concatenate([[0], np.cumsum(z["tail_lengths"])])
        flat = z["tail_tokens"].tolist()
        tails = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        return counts, z["dense"], tails


def run(args: argparse.Namespace) -> dict:
    from auditor.score import neural
    from auditor.score.classifier import MachineTextModel
    from auditor.score.features import TrigramLM

    if args.set_dir:
        with tempfile.TemporaryDirectory() as tmp:
            inputs = make_inputs("mgt", None, args.set_dir, Path(tmp) / "inputs.jsonl")
            pred = Path(tmp) / "scores.jsonl"
            secs = run_timed([*auditor_cmd(), "score", str(inputs), "-o", str(pred),
                              *(["--model", "lm"] if args.lm else [])])
            out = Path(tmp) / "pred.jsonl"
            with open(pred, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
                for line in f:
                    r = json.loads(line)
                    g.write(json.dumps({"id": r["id"], "score": r["scores"]["machine_text"]}) + "\n")
            metrics = score("mgt", out, None, args.set_dir)
            metrics["seconds"] = round(secs, 2)
            return metrics

    s = _score_py()
    rows = sorted(s.xsum(None))
    texts = [r[1] for r in rows]
    y = np.array([r[2] for r in rows])
    groups = np.array([r[3]["article_id"] for r in rows])
    t0 = time.perf_counter()
    human, sizes = human_corpus()
    kn = TrigramLM.fit(human)
    t_lm = time.perf_counter() - t0
    from sklearn.model_selection import GroupKFold

    lm = neural.describe() if args.lm else None  # the language model's file and hash, recorded in the model
    cached = _cache_file(args.cache, texts, lm) if args.cache else None
    t_feat = None
    if cached is not None and cached.exists():
        counts, dense, tails = _load_features(cached)
    else:
        t1 = time.process_time()  # CPU seconds: wall time on a shared machine says more about the neighbours
        counts, dense, tails = MachineTextModel(kn=kn, neural=lm).featurize(texts)  # label-free: once for all folds
        t_feat = time.process_time() - t1
        if cached is not None:
            _save_features(cached, counts, dense, tails)
    prob = np.zeros(len(y))
    for tr, te in GroupKFold(args.folds).split(texts, y, groups):
        # the in-domain human/machine models are fitted inside the training folds only
        m = MachineTextModel(kn=kn, tree_weight=args.tree_weight, neural=lm).fit_features(
            counts[tr], dense[tr], [tails[i] for i in tr], y[tr], groups[tr])
        prob[te] = 1.0 / (1.0 + np.exp(-m.decision_features(counts[te], dense[te], [tails[i] for i in te])))
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        with open(pred, "w", encoding="utf-8") as f:
            for (key, *_), p in zip(rows, prob, strict=True):
                f.write(json.dumps({"id": key, "score": float(p)}) + "\n")
        metrics = score("mgt", pred, None, None)
    metrics["cv"] = f"{args.folds}-fold GroupKFold by article"
    metrics["seconds"] = round(time.perf_counter() - t0, 1)
    metrics["lm_seconds"] = round(t_lm, 1)
    metrics["featurize_docs_per_cpu_s"] = round(len(texts) / t_feat, 2) if t_feat else f"cached in {cached}"
    if lm is not None:
        metrics["language_model"] = lm["name"]
    if args.save_model:
        m = MachineTextModel(kn=kn, tree_weight=args.tree_weight, neural=lm,
                             window_words=int(np.median([len(t.split()) for t in texts])))
        m.fit_features(counts, dense, tails, y, groups)
        m.info = {
            "trained_on": {
                "texts": len(texts), "machine": int(y.sum()), "human": int((1 - y).sum()),
                "set": "shared/bench/mgt/xsum pairs.jsonl (Fast-DetectGPT xsum, 5 generators)",
            },
            "human_lm_corpus_words": sizes,
            # a cached run's timings say nothing of the features' cost: left out of the model's record
            "metrics": {k: v for k, v in metrics.items()
                        if k != "per_generator" and (t_feat or k not in ("seconds", "featurize_docs_per_cpu_s"))},
            "note": "whitespace is collapsed before featurising; see auditor/score/features.py",
        }
        m.save(args.save_model)
        metrics["saved"] = str(args.save_model)
    return metrics
