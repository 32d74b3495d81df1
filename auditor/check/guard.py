"""Check new or changed seeds: clean and score each, then compare it with every existing seed.

Composition only, like pipeline.py: cleaning and scoring are their stages' own
functions; the comparison with the seeds is auditor.check.index over cached
signatures (auditor.check.cache), so a commit processes only the files it adds.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from auditor import __version__
from auditor.check.cache import FileSignatures, SignatureCache, content_key, fingerprint
from auditor.check.index import Part, SeedIndex, SeedSet, Thresholds
from auditor.check.policy import BLOCK, IGNORE, WARN, SeedPolicy
from auditor.check.signature import Signature, sign
from auditor.clean import clean_corpus
from auditor.config import Settings
from auditor.dedup import repeated_passages
from auditor.document import Document, Finding, Severity, Span
from auditor.errors import InputError
from auditor.io import read_inputs
from auditor.io.readers import SUPPORTED
from auditor.score import RuleSet


@dataclass(slots=True)
class Outcome:
    """One checked document and what the policy makes of each of its findings."""

    path: str
    doc_id: str
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (block | warn, finding)

    @property
    def blocked(self) -> bool:
        return any(act == BLOCK for act, _ in self.findings)


@dataclass(slots=True)
class CheckReport:
    outcomes: list[Outcome]
    seeds: int  # documents in the folder compared against
    processed: int  # documents cleaned in this run (the rest came from the cache)
    elapsed_s: float = 0.0

    @property
    def blocked(self) -> bool:
        return any(o.blocked for o in self.outcomes)


def is_seed_file(path: str | Path) -> bool:
    name = os.path.basename(path).lower()
    return not name.startswith(".") and os.path.splitext(name.removesuffix(".gz"))[1] in SUPPORTED


def seed_files(folder: str | Path) -> list[str]:
    """The seed files under `folder` (recursive, hidden folders and files skipped), sorted.

    Plain strings, not Path objects: on a folder of thousands of seeds, pathlib's
    overhead was most of a warm check's time.
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [os.path.join(dirpath, n) for n in filenames if is_seed_file(n)]
    return sorted(os.path.normpath(f) for f in found)


def display(path: str | Path) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def thresholds(settings: Settings) -> Thresholds:
    d, s = settings.dedup, settings.seeds
    return Thresholds(ngram=d.ngram, jaccard=d.jaccard, containment=d.containment, min_shingles=d.min_shingles,
                      min_shared_words=s.min_shared_words, same_story=s.same_story,
                      prose_line_words=getattr(d, "prose_line_words", 8))


def open_cache(settings: Settings, rules: RuleSet, root: Path | None) -> SignatureCache | None:
    if root is None:
        return None
    sig_fp = fingerprint(__version__, code_hash(SIGNING_CODE), settings.clean, settings.dedup.ngram)
    rules_fp = [(r.code, r.severity.value, r.params, r.message) for r in rules]
    doc_fp = fingerprint(sig_fp, code_hash(SCORING_CODE), rules_fp, settings.dedup.min_passage_words)
    return SignatureCache(root, sig_fp, doc_fp)


# The code a cached entry depends on, besides settings and rules: an editable install
# changes it without a version bump, and a stale signature would compare wrongly.
SIGNING_CODE = ("io", "clean", "segment.py", "check/signature.py")
SCORING_CODE = ("score", "dedup/passages.py", "document.py")


def code_hash(parts: tuple[str, ...]) -> str:
    """SHA-1 over the named modules and packages of auditor (a few hundred KB: milliseconds)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for part in parts:
        path = root / part
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if f.is_file():
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


# Cleaned documents by content key, for one run: a new seed is in the folder (signed for the
# index) and checked (scored); cleaning it once halves its cost (the line model loads once).
Cleaned = dict[str, list[Document]]


def _read_clean(path: str | Path, settings: Settings, memo: Cleaned | None = None, key: str = "") -> list[Document]:
    if memo is not None and key in memo:
        return memo[key]
    docs = clean_corpus(read_inputs([str(path)]), settings.clean)
    if memo is not None and key:
        memo[key] = docs
    return docs


def _read_key(path: str) -> str:
    with open(path, "rb") as f:
        return content_key(f.read())


def _signed(path: str, key: str, settings: Settings, cache: SignatureCache | None,
            memo: Cleaned | None = None) -> tuple[FileSignatures, int]:
    """A file's signatures: from the cache, else cleaned and signed now (and cached)."""
    sigs = cache.load_file(key) if cache else None
    if sigs is not None:
        return sigs, 0
    docs = [d for d in _read_clean(path, settings, memo, key) if d.readable]
    sigs = [(d.id, sign(d.text, settings.dedup.ngram)[0]) for d in docs]
    if cache is not None:
        cache.save_file(key, sigs)
    return sigs, len(docs)


# The cached index is rebuilt when files added since it was built outnumber this
# (or this share of it), or when this share of its entries is gone: a commit that
# adds one seed reads the index and signs one file, and writes one small entry.
REBUILD_AFTER = (32, 0.02, 0.10)


def load_index(folder: Path, settings: Settings, cache: SignatureCache | None,
               memo: Cleaned | None = None) -> tuple[SeedSet, int]:
    """The seeds of `folder` to compare with, and how many documents had to be cleaned (cache misses)."""
    if not folder.is_dir():
        raise InputError(f"no such folder of seeds: {folder}")
    files = seed_files(folder)
    by_key = _keys(files, folder, cache)
    base = cache.load_index(folder) if cache else None
    base_keys = set(base.keys.tolist()) if base is not None else set()
    processed = 0
    delta: list[tuple[str, str, Signature]] = []
    for key, paths in by_key.items():
        if key not in base_keys:
            sigs, n = _signed(paths[0], key, settings, cache, memo)
            processed += n
            delta += [(key, doc_id, sig) for doc_id, sig in sigs]
    few, share, gone = REBUILD_AFTER
    if base is not None:
        alive = np.array([k in by_key for k in base.keys.tolist()], dtype=bool)  # np.isin imports numpy.ma
        if len(delta) <= max(few, share * len(base)) and (~alive).sum() <= gone * len(base):
            parts = [_part(base, alive, by_key), _part(SeedIndex.build(delta), None, by_key)]
            return SeedSet(parts), processed
        rows = [r for r, ok in zip(base.rows(), alive, strict=True) if ok]
    else:
        rows = []
    full = SeedIndex.build(rows + delta)
    if cache is not None:
        cache.save_index(folder, full)
    return SeedSet([_part(full, None, by_key)]), processed


def _keys(files: list[str], folder: Path, cache: SignatureCache | None) -> dict[str, list[str]]:
    """Content key -> files with that content. A file whose size and modification time (ns)
    are those recorded last time keeps its recorded key, unread: git's own index trusts the
    same two numbers to skip unchanged files."""
    known = cache.load_stats(folder) if cache else {}
    stats: dict[str, list[Any]] = {}
    by_key: dict[str, list[str]] = {}
    for f in files:
        st = os.stat(f)
        old = known.get(f)
        key = old[2] if old and old[0] == st.st_size and old[1] == st.st_mtime_ns else _read_key(f)
        stats[f] = [st.st_size, st.st_mtime_ns, key]
        by_key.setdefault(key, []).append(f)
    if cache is not None and stats != known:
        cache.save_stats(folder, stats)
    return by_key


def _part(ix: SeedIndex, alive: np.ndarray | None, by_key: dict[str, list[str]]) -> Part:
    keys = ix.keys.tolist()
    multi: dict[str, int] = {}
    for k in keys:
        multi[k] = multi.get(k, 0) + 1
    ok = alive if alive is not None else np.ones(len(ix), dtype=bool)
    return Part(ix, by_key, ok, {k: n for k, n in multi.items() if n > 1})


def walked_form(path: str, folder: Path) -> str:
    """`path` as seed_files(folder) spells it, when it lies in the folder; else normalised."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    if real.startswith(root + os.sep):
        return os.path.normpath(os.path.join(folder, os.path.relpath(real, root)))
    return os.path.normpath(path)


def _own_findings(path: str | Path, settings: Settings, rules: RuleSet, memo: Cleaned | None = None,
                  key: str = "") -> list[Document]:
    """The file read, cleaned and scored on its own: its documents with their findings."""
    docs = _read_clean(path, settings, memo, key)
    for doc in docs:
        if doc.readable and doc.text.strip():
            doc.findings.extend(repeated_passages(doc, settings.dedup.min_passage_words))
            doc.findings.extend(rules.evaluate(doc))
    return docs


def _to_record(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "text": doc.text, "readable": doc.readable, "findings": [f.to_dict() for f in doc.findings]}


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(code=d["code"], severity=Severity(d["severity"]), message=d["message"], stage=d["stage"],
                   spans=[Span(**s) for s in d.get("spans", [])], evidence=d.get("evidence", {}),
                   name=d.get("name", ""))


def _checked_docs(path: Path, settings: Settings, rules: RuleSet, cache: SignatureCache | None,
                  memo: Cleaned | None = None) -> tuple[list[dict[str, Any]], int]:
    key = content_key(path.read_bytes())
    records = cache.load_doc(key) if cache else None
    if records is not None:
        return records, 0
    docs = _own_findings(path, settings, rules, memo, key)
    records = [_to_record(d) for d in docs]
    if cache is not None:
        cache.save_doc(key, records)
    return records, len(docs)


def check_files(paths: list[str], settings: Settings, rules: RuleSet, against: Path | None = None,
                cache_root: Path | None = None) -> CheckReport:
    """Check each file (new or changed seeds) against the seeds in `against` (default: the policy's)."""
    t0 = time.perf_counter()
    policy: SeedPolicy = settings.seeds
    folder = against if against is not None else Path(policy.against)
    targets = [Path(p) for p in paths]
    for p in targets:
        if not p.is_file():
            raise InputError(f"no such file: {p}")
    cache = open_cache(settings, rules, cache_root)
    memo: Cleaned = {}
    index, processed = load_index(folder, settings, cache, memo)
    th = thresholds(settings)
    outcomes = []
    for path in (p for p in targets if is_seed_file(p)):
        records, n = _checked_docs(path, settings, rules, cache, memo)
        processed += n
        for rec in records:
            own = [finding_from_dict(f) for f in rec["findings"]]
            found = own
            if rec["readable"] and rec["text"].strip():
                sig, toks = sign(rec["text"], th.ngram)
                hits = index.compare(rec["text"], sig, toks, th, exclude=walked_form(str(path), folder),
                                     exclude_key=content_key(path.read_bytes()))
                found = own + _quoted(hits, rec["text"])
            shown = display(path) if len(records) == 1 else f"{display(path)}#{rec['id']}"
            outcome = Outcome(display(path), shown)
            for f in found:
                act = policy.action(f.code, f.severity.value)
                if act != IGNORE:
                    outcome.findings.append((act, f))
            outcome.findings.sort(key=lambda af: (af[0] != BLOCK, -af[1].severity.rank, af[1].code))
            outcomes.append(outcome)
    return CheckReport(outcomes, len(index), processed, time.perf_counter() - t0)


def _quoted(findings: list[Finding], text: str, width: int = 100) -> list[Finding]:
    """Add the longest shared passage, cut to `width` characters, to each finding with spans."""
    for f in findings:
        if f.spans:
            s = max(f.spans, key=lambda sp: sp.end - sp.start)
            quote = " ".join(text[s.start : s.end].split())
            f.evidence["quote"] = quote if len(quote) <= width else quote[: width - 3] + "..."
    return findings


def render_lines(report: CheckReport) -> list[str]:
    """`path: CODE message` per finding; warnings say so, so a passing commit can still be read."""
    out = []
    for o in report.outcomes:
        for act, f in o.findings:
            tag = "" if act == BLOCK else " (warning)"
            out.append(f"{o.doc_id}: {f.code} {f.message}{tag}{_evidence(f)}")
    return out


def _evidence(f: Finding) -> str:
    """The first shared passage, quoted: what a reviewer needs to see the collision."""
    quote = f.evidence.get("quote")
    return f'\n    "{quote}"' if quote else ""


__all__ = ["BLOCK", "WARN", "CheckReport", "Outcome", "check_files", "load_index", "render_lines"]
