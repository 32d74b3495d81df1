"""Training the machine-text classifier from labelled JSONL (`auditor train`).

Records: {"text": str, "label": 0 | 1 | "human" | "machine", "metadata": {"group": ...}}.
Cross-validation (grouped by metadata.group when present, so two texts about the same
article never sit on both sides) measures the model before the final fit on everything;
the metrics and a description of the training data are written beside the model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import InputError
from auditor.score import neural
from auditor.score.classifier import MachineTextModel, load_model
from auditor.score.features import TrigramLM

_LABELS = {0: 0, 1: 1, "0": 0, "1": 1, "human": 0, "machine": 1}  # bools hash as 0 and 1: already covered


def read_labelled(paths: list[Path]) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts: list[str] = []
    labels: list[int] = []
    groups: list[str] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text, label = rec["text"], _LABELS[rec["label"]]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(f"{path}:{n}: expected a JSON record with 'text' and 'label' (0/1)") from None
            texts.append(text)
            labels.append(label)
            groups.append(str((rec.get("metadata") or {}).get("group", f"{path}:{n}")))
    if len(set(labels)) < 2:
        raise InputError("training needs texts of both labels (0 = human, 1 = machine)")
    return texts, np.array(labels), np.array(groups)


def _read_plain(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for p in paths:
        try:
            raw = p.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(f"cannot read {p}: {e.strerror}") from None
        if p.suffix == ".jsonl":
            out += [json.loads(x).get("text", "") for x in raw.splitlines() if x.strip()]
        else:
            out.append(raw)
    return out


def cross_validate(texts: list[str], y: np.ndarray, groups: np.ndarray, kn: TrigramLM, C: float,
                   folds: int = 5, lm: dict[str, str] | None = None) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    k = min(folds, len(set(groups)))
    if k < 2:
        return {}
    prob = np.zeros(len(y))
    counts, dense, tails = MachineTextModel(C=C, kn=kn, neural=lm).featurize(texts)  # these need no labels
    for tr, te in GroupKFold(k).split(texts, y, groups):
        m = MachineTextModel(C=C, kn=kn, neural=lm).fit_features(counts[tr], dense[tr], [tails[i] for i in tr],
                                                                 y[tr], groups[tr])
        prob[te] = 1.0 / (1.0 + np.exp(-m.decision_features(counts[te], dense[te], [tails[i] for i in te])))
    human = np.sort(prob[y == 0])[::-1]
    thr = human[max(0, int(len(human) * 0.01) - 1)]
    return {"cv": f"{k}-fold GroupKFold", "auroc": round(float(roc_auc_score(y, prob)), 4),
            "tpr_at_1pct_fpr": round(float((prob[y == 1] > thr).mean()), 4)}


def train_from_files(data: list[Path], output: Path, lm_text: list[Path], C: float = 4.0,
                     with_lm: bool = False) -> dict[str, Any]:
    """Train (and cross-validate) a model; `with_lm`: with the causal language model's features
    (the `lm` extra), as the shipped `lm` model."""
    texts, y, groups = read_labelled(data)
    kn = TrigramLM.fit(_read_plain(lm_text)) if lm_text else load_model().kn
    assert kn is not None
    lm = neural.describe() if with_lm else None
    metrics = cross_validate(texts, y, groups, kn, C, lm=lm) if len(texts) >= 20 else {}
    model = MachineTextModel(C=C, kn=kn, neural=lm).fit(texts, y, groups)
    info = {"texts": len(texts), "machine": int(y.sum()), "human": int((1 - y).sum())}
    model.info = {
        "trained_on": {**info, "files": [{"path": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                                         for p in data]},
        "human_lm": [str(p) for p in lm_text] or "the shipped model's",
        "metrics": metrics,
    }
    model.save(output)
    return info
