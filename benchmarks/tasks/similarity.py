"""similarity: pair scores from word 3-gram containment, TF-IDF cosine, story similarity and graded reuse
(auditor.dedup.rewrites; reuse is not what people rated here: a check that its chance correction does
not hurt where texts merely share a topic), scored by score.py."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import BENCH, make_inputs, score
from benchmarks.pairs import containment_matrix, cosine_matrix, load, write_pairs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", type=float, default=0.5, help="weight of containment (the rest: cosine)")
    p.add_argument("--no-background", action="store_true", help="story similarity without lee_background.cor")


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ids, texts = load(make_inputs("similarity", args.set, args.set_dir, Path(tmp) / "inputs.jsonl"))
        cont, cos = containment_matrix(texts, 3), cosine_matrix(texts)
        out = {}
        from auditor.dedup.rewrites import reuse_matrix, story_similarity

        graded = {"graded": reuse_matrix(texts), "graded-raw": reuse_matrix(texts, chance=False)}
        mats = {"containment": cont, "cosine": cos, "combined": args.weight * cont + (1 - args.weight) * cos,
                "story": story_similarity(texts), **{k: np.maximum(m, m.T) for k, m in graded.items()}}
        bg = BENCH / "reuse" / "lee" / "lee_background.cor"
        if not args.no_background and bg.is_file():  # the Lee corpus' own background documents, for IDF
            lines = bg.read_text(encoding="latin-1").splitlines()
            mats["story+background"] = story_similarity(texts, [ln for ln in lines if ln.strip()])
        for name, m in mats.items():
            pred = Path(tmp) / f"{name}.jsonl"
            write_pairs(pred, ids, [(i, j, m[i, j]) for i in range(len(ids)) for j in range(i + 1, len(ids))])
            res = score("similarity", pred, args.set, args.set_dir)
            out.update({f"{k}[{name}]": v for k, v in res.items() if isinstance(v, float)})
        return {"task": "similarity", **out}
