"""passages: how often near-identical passages inside one document (D006) fire on ordinary articles.

No gold set marks restated passages, so this measures the two sides that matter:
- false positives: the share of real human articles with at least one D006 finding
  (the human side of mgt/xsum, BBC; and the gold main texts of cleaneval-dev);
- hits: the restating bullets of seeds/003 (3 bullets restate 3 of its paragraphs).
MRPC paraphrase pairs (sentences that say the same thing) give the recall of the same
sentence measure on restatements made by other people, and how often it fires on
MRPC's non-paraphrases (same event, different claim).
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.common import BENCH, ROOT, need_bench


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--similarity", type=float, default=None, help="content-word containment (default: the setting)")
    p.add_argument("--shared", type=int, default=None, help="shared content words (default: the setting)")


def run(args: argparse.Namespace) -> dict:
    from auditor.dedup.near import DedupSettings
    from auditor.dedup.passages import content_words, repeated_passages
    from auditor.document import Document

    need_bench()
    sys.path.insert(0, str(BENCH))
    import score as bench  # type: ignore[import-not-found]

    d = DedupSettings()
    sim = d.passage_similarity if args.similarity is None else args.similarity
    shared = d.passage_shared_words if args.shared is None else args.shared

    def fires(text: str) -> int:
        doc = Document(id="x", raw=text, text=text)
        return sum(1 for f in repeated_passages(doc, d.min_passage_words, sentence_words=d.sentence_passage_words,
                                                similarity=sim, shared_words=shared) if f.code == "D006")

    xsum = list(dict.fromkeys(r["human_text"] for r in bench.read_jsonl(str(BENCH / "mgt" / "xsum" / "pairs.jsonl"))))
    cleaneval = [gold for _, _, gold in bench.extraction_set("cleaneval-dev", None)]
    seed = next((ROOT / "seeds").glob("003_*.txt")).read_text(encoding="utf-8")
    out: dict = {"task": "passages", "similarity": sim, "shared_words": shared}
    for name, texts in (("xsum_human", xsum), ("cleaneval_dev_gold", cleaneval)):
        hit = sum(1 for t in texts if fires(t))
        out[f"docs[{name}]"] = len(texts)
        out[f"doc_fp_rate[{name}]"] = round(hit / len(texts), 4)
    out["seed003_findings"] = fires(seed)
    pos = neg = pos_hit = neg_hit = 0
    for _, a, b, yes in bench.mrpc():
        ca, cb = content_words(a), content_words(b)
        inter = len(ca & cb)
        ok = inter >= shared and inter / max(1, min(len(ca), len(cb))) >= sim
        pos, neg = pos + yes, neg + (not yes)
        pos_hit, neg_hit = pos_hit + (yes and ok), neg_hit + (not yes and ok)
    out["mrpc_paraphrase_recall"] = round(pos_hit / pos, 4)
    out["mrpc_non_paraphrase_rate"] = round(neg_hit / neg, 4)
    return out
