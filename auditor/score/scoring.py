"""Per-document scores with their evidence: the rules' findings and the classifier's probability.

`texts_to_score` runs the clean stage first, as `auditor audit` does, so the scores are of
the text an audit would keep; `score_documents` yields one record per document:
    {"id", "scores": {"machine_text", "quality", "templated"}, "verdict", "scored_text", "findings": [...]}
(`scored_text` says which text was scored: "cleaned", or "raw" / "main text" with --no-clean).
- machine_text: the classifier's probability that the text is machine-generated or templated;
  its finding (M001) carries the probability and the features that pushed it most.
- quality: share of the quality rules (codes Q...) the text passes, 1.0 = all.
- templated: share of the five templating signals present (T100's measure / 5).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.clean_settings import CleanSettings
from auditor.document import Document, Finding, Severity
from auditor.errors import ConfigError
from auditor.score.checks import CHECKS, memo_key
from auditor.score.rules import RuleSet, default_rules_dir, load_rules
from auditor.score.signals import TextStats

if TYPE_CHECKING:  # the classifier (scipy, its features) is imported only where a model is used, and
    # the cleaner (lxml, the line model) only where a text is cleaned: `auditor score --no-clean
    # --no-model` starts faster without them (the scoring benchmark counts start-up)
    from auditor.config import Settings
    from auditor.score.classifier import MachineTextModel

MACHINE_TEXT_CODE = "M001"
TEMPLATED_SIGNALS = 5


def rules_for(settings: Settings) -> RuleSet:
    """The shipped rules plus the user's `rules` files (only those with `default_rules` off).
    Importing it loads only the rules, not the other stages (`auditor.pipeline` re-exports it)."""
    paths: list[Path | str] = [default_rules_dir()] if settings.default_rules else []
    paths += list(settings.rules)
    if not paths:
        raise ConfigError("no rules to run: the shipped rules are off (--no-default-rules) and no --rules given")
    rules = load_rules(paths)
    for prefix in (*settings.select, *settings.ignore):
        if not any(r.code.startswith(prefix) for r in rules):
            raise ConfigError(f"no rule code starts with '{prefix}' (see `auditor rules list`)")
    return rules.filtered(list(settings.select), list(settings.ignore))


def machine_text_finding(prob: float, explanation: dict[str, Any], threshold: float) -> Finding:
    """Information, never a verdict on its own: the classifier is a ranking aid (see its metrics)."""
    return Finding(
        code=MACHINE_TEXT_CODE,
        name="machine-text",
        severity=Severity.INFO,
        stage="score",
        message=(f"machine-text probability {prob:.3f}; at least {threshold} reported (a ranking aid trained on "
                 "short news continuations, uncalibrated on other text: see the model card)"),
        evidence={"check": "classifier", "value": round(prob, 4), "threshold": f">= {threshold}",
                  "unit": "probability", "source": "auditor mgt classifier (model.json beside the model)",
                  "model": explanation["model"], "features": explanation["features"]},
    )


def machine_text_findings(docs: list[Document], threshold: float, model: MachineTextModel) -> None:
    """Add M001 (info: evidence, never a verdict) to the texts the classifier scores at or above
    `threshold`, with its probability and strongest features."""
    scored = [d for d in docs if d.readable and d.text.strip()]
    if not scored:
        return
    probs, explained = model.predict_explain([d.text for d in scored], threshold)
    for i, doc in enumerate(scored):
        if i in explained:
            doc.findings.append(machine_text_finding(float(probs[i]), explained[i], threshold))


def texts_to_score(docs: Iterable[Document], settings: CleanSettings | None) -> list[Document]:
    """The documents with the text `auditor audit` would score: cleaned (boilerplate lines, HTML
    chrome and, with `settings.templates`, lines shared across a source's documents removed), as the
    audit's clean stage does; with `settings` None, the raw text as given (HTML is still reduced to
    its main text, since markup is never prose). Each document's `clean_info["scored"]` names it."""
    docs = list(docs)
    if settings is None:
        html = [d for d in docs if d.kind == "html" and d.readable]
        if html:
            from auditor.clean import clean_corpus

            clean_corpus(html, dataclasses.replace(CleanSettings(), templates=False))
        cleaned = {id(d) for d in html}
        for doc in docs:
            if id(doc) not in cleaned:
                doc.text = doc.text or doc.raw
            doc.clean_info["scored"] = "main text" if id(doc) in cleaned else "raw"
        return docs
    from auditor.clean import clean_corpus

    clean_corpus(docs, settings)
    for doc in docs:
        doc.clean_info["scored"] = "cleaned"
    return docs


def _scored_text(doc: Document) -> dict[str, Any]:
    """Which text the scores and spans refer to, and how much cleaning took away."""
    info = doc.clean_info
    out: dict[str, Any] = {"text": info.get("scored", "raw")}
    for key in ("method", "words_before", "words_after", "boilerplate_share"):
        if key in info:
            out[key] = info[key]
    return out


def score_documents(
    docs: Iterable[Document], rules: RuleSet, model: MachineTextModel | None, threshold: float = 0.5,
    batch: int = 256,
) -> Iterator[dict[str, Any]]:
    """Score documents in batches (the classifier is vectorised); one record per document."""
    pending: list[Document] = []
    for doc in docs:
        pending.append(doc)
        if len(pending) >= batch:
            yield from _score_batch(pending, rules, model, threshold)
            pending = []
    if pending:
        yield from _score_batch(pending, rules, model, threshold)


def _score_batch(
    docs: list[Document], rules: RuleSet, model: MachineTextModel | None, threshold: float
) -> Iterator[dict[str, Any]]:
    quality_rules = [r for r in rules if r.code.startswith("Q")]
    readable = [d for d in docs if d.readable and d.text.strip()]
    probs: dict[str, float] = {}
    explained: dict[str, dict[str, Any]] = {}
    if model is not None:
        p_all, by_index = model.predict_explain([d.text for d in readable], threshold)
        probs = {d.id: float(p) for d, p in zip(readable, p_all, strict=True)}
        explained = {readable[i].id: e for i, e in by_index.items()}
    templated = CHECKS["templated_signal_count"]
    templated_key = memo_key(templated.name, templated.params)  # once per batch, not per text
    for doc in docs:
        if doc.readable and doc.text.strip():
            stats = TextStats(doc.text)  # shared with the rules: T100's measure is not taken twice
            findings = rules.evaluate(doc, stats)
            failed_q = {f.code for f in findings if f.code.startswith("Q")}
            scores: dict[str, Any] = {
                "quality": round(1 - len(failed_q) / len(quality_rules), 4) if quality_rules else None,
                "templated": round(
                    templated.measured(stats, templated_key, templated.params).value / TEMPLATED_SIGNALS, 4),
            }
            # Each memoised measure holds its explanation, a closure over `stats`: a reference cycle
            # that only the cyclic collector would free. Broken here (the findings carry their
            # evidence already), each text's measures go as soon as it is scored (4% of the CPU
            # time of `auditor score --no-clean --no-model` went to the collector before).
            stats.memo.clear()
            if model is not None:
                p = float(probs[doc.id])
                scores = {"machine_text": round(p, 4), **scores}
                if p >= threshold:
                    findings.append(machine_text_finding(p, explained[doc.id], threshold))
            doc.findings.extend(findings)
        else:
            scores = {"machine_text": None, "quality": None, "templated": None}
        doc.findings.sort(key=lambda f: (-f.severity.rank, f.code))
        findings = doc.findings
        yield {"id": doc.id, "scores": scores, "verdict": doc.verdict().value, "scored_text": _scored_text(doc),
               "findings": [f.to_dict() for f in findings]}
