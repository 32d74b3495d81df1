"""Retrain the shipped line classifier from the shared benchmark data.

    python -m auditor.clean.train --bench ../shared/bench

Training data (only "train"/"dev" splits, so every benchmark test set stays unseen):
Turku text-quality annotations train + dev (line labels from people), and the
CleanEval dev pages flattened to plain text as score.py does, each line labelled
content when at least half of its word 4-grams (or, for lines under 4 words, the
whole line) occur in the page's gold text. Writes auditor/clean/models/lines.json
and lines.metrics.json beside it (held-out Turku test noise-line P/R/F1).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from auditor.clean.features import PageLines, feature_names, line_features
from auditor.clean.model import MODEL_FILE, LineModel, Tree

_TOKEN = re.compile(r"\w+", re.UNICODE)
HERE = Path(__file__).resolve().parent


def load_score(bench: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_score", bench / "score.py")
    if spec is None or spec.loader is None:
        sys.exit(f"Error: {bench / 'score.py'} not found")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def gold_labeller(gold: str):  # type: ignore[no-untyped-def]
    toks = _TOKEN.findall(gold.lower())
    grams = {tuple(toks[i : i + 4]) for i in range(len(toks) - 3)}
    padded = f" {' '.join(toks)} "

    def label(line: str) -> bool | None:
        t = _TOKEN.findall(line.lower())
        if not t:
            return None
        if len(t) >= 4:
            mine = [tuple(t[i : i + 4]) for i in range(len(t) - 3)]
            return sum(g in grams for g in mine) / len(mine) >= 0.5
        return f" {' '.join(t)} " in padded

    return label


Labelled = list[tuple[list[str], list[bool | None]]]  # pages: their lines, and a label per line (None: not judged)


def pages(score: ModuleType) -> tuple[Labelled, Labelled]:
    train: Labelled = []
    for split in ("turku-train", "turku-dev"):
        for _key, lines, keep in score.turku_docs(split):
            kept = [(ln, k) for ln, k in zip(lines, keep, strict=False) if ln.strip()]
            train.append(([ln for ln, _ in kept], [k if _TOKEN.search(ln) else None for ln, k in kept]))
    for _key, html, gold in score.extraction_set("cleaneval-dev", None):
        lines = [ln for ln in score.html_to_plain(html).split("\n") if ln.strip()]
        label = gold_labeller(gold)
        train.append((lines, [label(ln) for ln in lines]))
    test: Labelled = []
    for _key, lines, keep in score.turku_docs("turku-test"):
        kept = [(ln, k) for ln, k in zip(lines, keep, strict=False) if ln.strip()]
        test.append(([ln for ln, _ in kept], [k if _TOKEN.search(ln) else None for ln, k in kept]))
    return train, test


def matrix(data: list) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for lines, labels in data:
        for row, y in zip(line_features(PageLines(lines)), labels, strict=True):
            if y is not None:
                xs.append(row)
                ys.append(int(y))
    return np.asarray(xs), np.asarray(ys)


def export(clf, metrics: dict) -> LineModel:  # type: ignore[no-untyped-def]
    trees = []
    for (pred,) in clf._predictors:  # binary: one tree per boosting iteration
        n = pred.nodes
        trees.append(Tree(
            feature=n["feature_idx"].astype(np.int64), threshold=n["num_threshold"].astype(np.float64),
            left=n["left"].astype(np.int64), right=n["right"].astype(np.int64),
            value=np.round(n["value"].astype(np.float64), 6), leaf=n["is_leaf"].astype(bool),
            depth=int(n["depth"].max()),
        ))  # fmt: skip
    baseline = float(np.ravel(clf._baseline_prediction)[0])
    return LineModel(tuple(feature_names(False)), baseline, tuple(trees), metrics)


def noise_prf(model: LineModel, test: list, threshold: float = 0.5) -> dict:
    tp = fp = fn = tn = 0
    for lines, keep in test:
        p = model.predict(line_features(PageLines(lines)))
        for prob, k in zip(p, keep, strict=True):
            if k is None:  # score.py does not judge lines without words
                continue
            removed, noise = bool(prob < threshold), not k
            tp += removed and noise
            fp += removed and not noise
            fn += (not removed) and noise
            tn += (not removed) and not noise
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"turku_test_noise_precision": round(prec, 4), "turku_test_noise_recall": round(rec, 4),
            "turku_test_noise_f1": round(f1, 4), "turku_test_lines": tp + fp + fn + tn}


def main(argv: list[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default="../shared/bench", help="the shared benchmark folder (with score.py)")
    ap.add_argument("--out", default=str(HERE / "models"), help="folder to write lines.json and its metrics")
    ap.add_argument("--trees", type=int, default=200)
    args = ap.parse_args(argv)
    score = load_score(Path(args.bench).resolve())
    train, test = pages(score)
    x, y = matrix(train)
    clf = HistGradientBoostingClassifier(max_iter=args.trees, learning_rate=0.1, max_leaf_nodes=15,
                                         random_state=0).fit(x, y)
    meta = {"trained_on": "turku-train, turku-dev, cleaneval-dev (plain text, lines aligned with gold)",
            "lines": int(len(y)), "content_share": round(float(y.mean()), 4), "trees": args.trees,
            "command": "python -m auditor.clean.train --bench ../shared/bench"}
    model = export(clf, meta)
    # The exported evaluator must agree with scikit-learn's own prediction.
    sk = clf.predict_proba(x[:500])[:, 1]
    assert np.allclose(sk, model.predict(x[:500].tolist()), atol=1e-4), "exported trees disagree with sklearn"
    metrics = {**meta, **noise_prf(model, test)}
    model = LineModel(model.features, model.baseline, model.trees, metrics)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_text(json.dumps(model.to_dict(), separators=(",", ":")), encoding="utf-8")
    (out / "lines.metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
