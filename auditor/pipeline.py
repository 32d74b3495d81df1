"""Compose the stages: read -> clean -> dedup -> score -> verdict. No stage logic here."""

from __future__ import annotations

import time
from collections.abc import Iterable

from auditor.clean import clean_corpus
from auditor.config import Settings
from auditor.dedup import find_duplicates, repeated_passages
from auditor.document import AuditResult, Document, Finding, Severity
from auditor.io import read_inputs
from auditor.limits import DocumentTimeout, apply_size_limit, deadline, timeout_finding
from auditor.score import RuleSet
from auditor.score.scoring import rules_for  # also here: the stages' entry point
from auditor.sources import find_stories, resolve_sources, scorecards


def audit_documents(docs: Iterable[Document], settings: Settings, rules: RuleSet | None = None) -> AuditResult:
    """Run every stage over an in-memory set of documents."""
    t0 = time.perf_counter()
    rules = rules if rules is not None else rules_for(settings)
    docs = unique_ids(list(docs))
    resolve_sources(docs, settings.sources)
    for doc in docs:
        apply_size_limit(doc, settings.limits)
    docs = clean_corpus(docs, settings.clean)
    links, clusters = find_duplicates(docs, settings.dedup)
    for doc in docs:
        if not doc.readable or not doc.text.strip():
            continue
        try:
            with deadline(settings.limits.max_seconds):
                dd = settings.dedup
                found = repeated_passages(doc, dd.min_passage_words, sentence_words=dd.sentence_passage_words,
                                          similarity=dd.passage_similarity,
                                          shared_words=dd.passage_shared_words) + rules.evaluate(doc)
        except DocumentTimeout:
            found = [timeout_finding("score", settings.limits)]
        doc.findings.extend(found)
    if settings.classifier:  # M001: the classifier's probability and features, as evidence only
        from auditor.score.classifier import load_model
        from auditor.score.scoring import machine_text_findings

        machine_text_findings(docs, settings.machine_text_threshold, load_model(settings.machine_text_model))
    for doc in docs:
        doc.findings.sort(key=lambda f: (-f.severity.rank, f.code))
    stories = find_stories(docs, links)
    return AuditResult(
        documents=docs,
        links=links,
        clusters=clusters,
        settings=settings.to_dict(),
        elapsed_s=time.perf_counter() - t0,
        stories=stories,
        sources=scorecards(docs, stories, rules),
    )


def unique_ids(docs: list[Document]) -> list[Document]:
    """Give a repeated id a `#2`, `#3`... suffix (with a finding), so no record hides another."""
    taken = {doc.id for doc in docs}  # a new name must not collide with a real id such as "a#2"
    seen: dict[str, int] = {}
    for doc in docs:
        n = seen.get(doc.id, 0) + 1
        seen[doc.id] = n
        if n > 1:
            original = doc.id
            while f"{original}#{n}" in taken:
                n += 1
            seen[original] = n
            doc.id = f"{original}#{n}"
            taken.add(doc.id)
            doc.findings.append(Finding(
                code="I007", name="duplicate-id", severity=Severity.WARNING, stage="read",
                message=f"id {original!r} was already used by an earlier record; this one is {doc.id!r}",
                evidence={"id": original},
            ))
    return docs


def audit_paths(paths: list[str], settings: Settings) -> AuditResult:
    """Read the inputs (files, folders, `-`) and audit them."""
    rules = rules_for(settings)  # a bad rules file fails before any input is read
    return audit_documents(read_inputs(paths), settings, rules)


def worst_severity(result: AuditResult) -> Severity | None:
    ranks = [f.severity for d in result.documents for f in d.findings]
    return max(ranks, key=lambda s: s.rank, default=None)


def exit_code(result: AuditResult, fail_on: str) -> int:
    """0: nothing at or above `fail_on`; 1: something is. Unreadable inputs count as errors."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    worst = worst_severity(result)
    return 1 if worst is not None and worst.rank >= threshold else 0
