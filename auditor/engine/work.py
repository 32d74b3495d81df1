"""The per-document work of the filter, done in parallel: read, clean, score, sign.

`process_batch` is a pure function of its inputs (no state kept between calls), so
any worker (a local process, a Ray task) gives the same result for the same
batch, and the single ordered dedup step after it makes the kept and rejected
sets independent of how the work was spread.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.clean import CleanSettings, clean_corpus
from auditor.decide import FilterSettings, decide, reason_of
from auditor.dedup import DedupSettings, repeated_passages
from auditor.dedup.near import prose_shingles
from auditor.dedup.shingles import distinct
from auditor.document import Document, Finding, Severity
from auditor.engine.lines import load_stacked
from auditor.engine.records import Item
from auditor.normalized import NormalizedText
from auditor.score import RuleSet
from auditor.score.signals import TextStats


@dataclass(frozen=True, slots=True)
class StageConfig:
    """Everything a worker needs; small and picklable (sent with each batch)."""

    clean: CleanSettings
    dedup: DedupSettings
    rules: RuleSet
    policy: FilterSettings


@dataclass(slots=True)
class Outcome:
    """One record after the parallel stages. `body` is its output JSON without the closing brace."""

    id: str
    error: str = ""  # non-empty: the record goes to errors.jsonl with this reason
    code: str = ""
    body: str = ""
    drops: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    exact: int = 0  # 64-bit hash of the normalised cleaned text
    size: int = 0  # distinct shingles
    prose: int = 0  # distinct shingles the prose gate measures it by (auditor.dedup.near.prose_shingles)


@dataclass(slots=True)
class BatchResult:
    outcomes: list[Outcome]
    signatures: np.ndarray  # (len(outcomes), num_perm) uint32; rows of errors are unused
    # each record's word-shingle hashes (uint64, in text order) and the words of the line each
    # starts in (uint8, capped): what exact verification and the prose gate need (auditor.dedup.near)
    shingles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    offsets: np.ndarray | None = None  # len(outcomes) + 1; None: no shingles (all rows empty)

    def shingles_of(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self.offsets is None:
            return self.shingles[:0], self.lines[:0]
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.shingles[lo:hi], self.lines[lo:hi]


def merge_results(parts: list[BatchResult]) -> BatchResult:
    """Consecutive batch results as one (records in order)."""
    offsets = [np.zeros(1, dtype=np.int64)]
    base = 0
    for p in parts:
        off = p.offsets if p.offsets is not None else np.zeros(len(p.outcomes) + 1, dtype=np.int64)
        offsets.append(off[1:] + base)
        base += int(off[-1])
    return BatchResult([o for p in parts for o in p.outcomes], np.concatenate([p.signatures for p in parts]),
                       np.concatenate([p.shingles for p in parts]), np.concatenate([p.lines for p in parts]),
                       np.concatenate(offsets))


class Signer:
    """MinHash signatures of cleaned texts, batched, with the dedup stage's vectorised shingler."""

    scheme = "auditor-vectorised+shingles"

    def __init__(self, settings: DedupSettings) -> None:
        from auditor.dedup.minhash import MinHasher
        from auditor.dedup.shingles import Shingler

        self.settings = settings
        self._shingler = Shingler(settings.ngram)
        self._hasher = MinHasher(settings.num_perm, settings.seed)

    def sign(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, Any]:
        """(signatures uint32 (n, num_perm), distinct shingle counts (n,), the ShingleBatch with lines)."""
        batch = self._shingler.hash_batch(texts, lines=True)
        sigs = np.asarray(self._hasher.signatures(batch), dtype=np.uint32)
        sizes = np.array([len(distinct(batch.of(i))) for i in range(len(texts))], dtype=np.int64)
        return sigs, sizes, batch


def exact_hash(text: str | NormalizedText) -> int:
    """The first 8 bytes of SHA-1 over the code points of `segment.normalize(text)` (NormalizedText):
    equal for two texts exactly when their normalized words are the same."""
    normalized = NormalizedText(text) if isinstance(text, str) else text
    return int.from_bytes(hashlib.sha1(normalized.code_points.tobytes()).digest()[:8], "little")


def score_plan(rules: RuleSet) -> list[Any]:
    """The document rules (source rules run on a source's scorecard, not on one text)."""
    return [rule for rule in rules if rule.scope == "document"]


def _score(doc: Document, plan: list[Any], stats: TextStats | None = None) -> tuple[dict[str, float], list[Finding]]:
    """Every rule's measured value, and the findings of the rules out of bounds. `stats`: the text's
    TextStats, where the caller has it."""
    stats = TextStats(doc.text) if stats is None else stats
    scores: dict[str, float] = {}
    findings: list[Finding] = []
    for rule in plan:  # each rule's memo key was worked out at load: measures shared between rules
        value = rule.measure(stats).value
        scores[rule.code] = round(value, 4) if isinstance(value, float) else value
        if (rule.min is not None and value < rule.min) or (rule.max is not None and value > rule.max):
            f = rule.evaluate(stats)
            if f is not None:
                findings.append(f)
    return scores, findings


def _error(doc_id: str, code: str, message: str, where: str = "") -> Outcome:
    return Outcome(id=doc_id, error=message, code=code, body=json.dumps(
        {"id": doc_id, "where": where, "code": code, "error": message}, ensure_ascii=False)[:-1])


def _process_one(doc: Document, config: StageConfig, model: Any = None,
                 plan: list[Any] | None = None) -> tuple[Outcome, str | None]:
    if not doc.readable:
        f = doc.findings[0] if doc.findings else None
        return _error(doc.id, f.code if f else "I000", f.message if f else "unreadable", doc.path), None
    # one document: no cross-document template lines in a stream; the line model is loaded once per batch
    clean_corpus([doc], config.clean, model) if model is not None else clean_corpus([doc], config.clean)
    findings = list(doc.findings) + config.policy.findings_for(doc.source)  # a whole source's findings
    normalized = NormalizedText(doc.text)  # for the repeated paragraphs and the exact hash
    if doc.text.strip():
        stats = TextStats(doc.text)  # its paragraph table serves the repeated paragraphs too
        findings.extend(repeated_passages(doc, config.dedup.min_passage_words, normalized=normalized,
                                          table=stats.paragraph_table))
        scores, found = _score(doc, plan if plan is not None else score_plan(config.rules), stats)
        findings.extend(found)
        stats.memo.clear()  # its measures' explanations close over it: a cycle, broken (see scoring.py)
    else:
        scores = {}
        if not any(f.code == "I001" for f in findings):
            findings.append(Finding("I001", Severity.ERROR, "no text left after cleaning", "clean", name="empty-input"))
    decision = decide(findings, config.policy)
    meta = dict(doc.metadata)
    meta["auditor"] = {
        **{k: doc.clean_info.get(k) for k in ("method", "words_before", "words_after", "boilerplate_share")},
        "scores": scores,
        "flags": [f.code for f in decision.flag],
    }
    out = Outcome(id=doc.id, drops=[reason_of(f) for f in decision.drop], flags=[f.code for f in decision.flag])
    out.body = json.dumps({"id": doc.id, "text": doc.text, "metadata": meta}, ensure_ascii=False)[:-1]
    out.exact = exact_hash(normalized)
    return out, doc.text


def process_batch(items: list[Item], config: StageConfig) -> BatchResult:
    """Clean, score and sign a batch. A record whose processing raises goes to errors (X001)."""
    outcomes: list[Outcome] = []
    texts: list[str] = []
    rows: list[int] = []
    model = load_stacked(config.clean.line_model)
    plan = score_plan(config.rules)
    for item in items:
        doc_id = item.doc.id if item.doc is not None else item.where
        try:
            doc = item.document()
            doc_id = doc.id
            out, text = _process_one(doc, config, model, plan)
        except Exception as e:  # noqa: BLE001 (one bad record must not stop the corpus)
            tb = traceback.extract_tb(e.__traceback__)[-1]
            out, text = _error(doc_id, "X001", f"processing failed: {type(e).__name__}: {e} "
                                               f"({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})", item.where), None
        if text is not None:
            rows.append(len(outcomes))
            texts.append(text)
        outcomes.append(out)
    sigs = np.zeros((len(outcomes), config.dedup.num_perm), dtype=np.uint32)
    if not texts:
        return BatchResult(outcomes, sigs)
    s, sizes, batch = Signer(config.dedup).sign(texts)
    sigs[rows] = s
    gate = config.dedup.prose_line_words
    for k, (r, size) in enumerate(zip(rows, sizes.tolist(), strict=True)):
        outcomes[r].size = int(size)
        outcomes[r].prose = prose_shingles(batch.of(k), batch.lines_of(k), gate, int(size))
    counts = np.zeros(len(outcomes), dtype=np.int64)
    counts[rows] = np.diff(batch.offsets)
    offsets = np.zeros(len(outcomes) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(counts)
    lines = np.minimum(batch.line_words, 255).astype(np.uint8)  # the prose gate compares with ~8 words
    return BatchResult(outcomes, sigs, batch.hashes, lines, offsets)
