"""reuse: pair scores from word 3-gram containment, TF-IDF cosine and graded reuse (auditor.dedup.rewrites:
word n-gram containment averaged over n = 1..16, and the same with reuse through a third text), scored by score.py.

Every pair also carries "original": the side auditor/dedup/provenance.py judges to be
the source (score.py's direction_accuracy), decided from the two texts only.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import make_inputs, score
from benchmarks.pairs import containment_matrix, cosine_matrix, load, write_pairs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", type=float, default=0.5, help="weight of containment (the rest: cosine)")


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ids, texts = load(make_inputs("reuse", args.set, args.set_dir, Path(tmp) / "inputs.jsonl"))
        cont, cos = containment_matrix(texts, 3), cosine_matrix(texts)
        origin = _directions(ids, texts, cos)
        out = {}
        from auditor.dedup.rewrites import reuse_matrix

        graded = reuse_matrix(texts)
        graded = np.maximum(graded, graded.T)  # a pair's score: the more reused side's share
        via = reuse_matrix(texts, via=True)  # also what a pair shares through a third text
        combined = args.weight * cont + (1 - args.weight) * cos
        for name, m in (("containment", cont), ("cosine", cos), ("combined", combined),
                        ("graded", graded), ("graded+via", via)):
            pred = Path(tmp) / f"{name}.jsonl"
            write_pairs(pred, ids, [(i, j, m[i, j]) for i in range(len(ids)) for j in range(i + 1, len(ids))])
            _add_originals(pred, origin)
            res = score("reuse", pred, args.set, args.set_dir)
            out.update({f"{k}[{name}]": v for k, v in res.items() if isinstance(v, float)})
        out["direction_accuracy"] = out.get("direction_accuracy[combined]", 0.0)
        return {"task": "reuse", **out}


STORY_COSINE = 0.3  # same-story groups: [tool.auditor.seeds] same_story (D005); 0.15..0.5 judge alike on clough


def _directions(ids: list[str], texts: list[str], cos) -> dict[frozenset, str]:  # type: ignore[no-untyped-def]
    """The judged original of every pair with some similarity (the others have nothing to judge),
    each pair weighed inside its same-story group (connected texts at STORY_COSINE), as the
    auditor judges a story's copies: what the rest of the group shares tells the source's text
    from what one answer added."""
    from auditor.dedup.provenance import pair_judgements

    n = len(ids)
    parent = list(range(n))

    def find(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for i in range(n):
        for j in range(i + 1, n):
            if cos[i, j] >= STORY_COSINE and find(i) != find(j):
                parent[max(find(i), find(j))] = min(find(i), find(j))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if cos[i, j] > 0]
    judged = pair_judgements(texts, [g for g in groups.values() if len(g) > 1], pairs)
    return {frozenset((ids[i], ids[j])): ids[jd.original] for (i, j), jd in judged.items()}


def _add_originals(pred: Path, origin: dict[frozenset, str]) -> None:
    rows = [json.loads(line) for line in open(pred, encoding="utf-8")]
    with open(pred, "w", encoding="utf-8") as f:
        for r in rows:
            o = origin.get(frozenset((r["a"], r["b"])))
            f.write(json.dumps({**r, "original": o} if o else r) + "\n")
