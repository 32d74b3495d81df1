"""The existing seeds as one set of sorted arrays, and one new document compared with all of them.

Every comparison is exact, not estimated: a new seed's shingles are looked up in
the sorted shingles of every seed at once (numpy searchsorted), which gives the
intersection with each seed, hence Jaccard and containment, and the positions of
passages they share. At the scale of a seeds folder (thousands of documents) this
is faster than MinHash + LSH and misses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from auditor.check.signature import Signature, Tokens, shingle_hashes
from auditor.document import Finding, Severity, Span


@dataclass(frozen=True, slots=True)
class Thresholds:
    ngram: int = 5
    jaccard: float = 0.7  # auditor.dedup's near-duplicate thresholds (DedupSettings)
    containment: float = 0.9
    min_shingles: int = 5
    min_shared_words: int = 40
    same_story: float = 0.5
    max_same_story: int = 3  # report the closest few, not every seed on the same topic


@dataclass(slots=True)
class Entry:
    id: str  # how findings name the seed (its path)
    path: str  # resolved path, to leave a file out of its own comparison
    signature: Signature


def _lookup(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query, the indices of its occurrences in `sorted_keys`: (query index, key index) pairs."""
    lo = np.searchsorted(sorted_keys, queries, "left")
    hi = np.searchsorted(sorted_keys, queries, "right")
    n = hi - lo
    qi = np.repeat(np.arange(len(queries)), n)
    ki = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
    return qi, ki


def _tf(counts: np.ndarray) -> np.ndarray:
    return 1.0 + np.log(counts.astype(np.float64))  # sublinear term frequency


@dataclass(slots=True)
class SeedIndex:
    entries: list[Entry] = field(default_factory=list)
    sh_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    sh_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    t_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    t_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    t_weight: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    norms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))

    @classmethod
    def build(cls, entries: list[Entry]) -> SeedIndex:
        if not entries:
            return cls()
        sigs = [e.signature for e in entries]
        sh = np.concatenate([s.shingles for s in sigs])
        sh_doc = np.repeat(np.arange(len(sigs), dtype=np.int32), [len(s.shingles) for s in sigs])
        order = np.argsort(sh, kind="stable")
        th = np.concatenate([s.terms for s in sigs])
        t_doc = np.repeat(np.arange(len(sigs), dtype=np.int32), [len(s.terms) for s in sigs])
        tw = _tf(np.concatenate([s.counts for s in sigs]))
        torder = np.argsort(th, kind="stable")
        index = cls(entries, sh[order], sh_doc[order], th[torder], t_doc[torder], tw[torder])
        idf = index.idf(index.t_hash)
        index.norms = np.sqrt(np.bincount(index.t_doc, weights=(index.t_weight * idf) ** 2, minlength=len(sigs)))
        return index

    def __len__(self) -> int:
        return len(self.entries)

    def idf(self, terms: np.ndarray) -> np.ndarray:
        """Smoothed inverse document frequency over the seeds (as scikit-learn's TfidfTransformer)."""
        df = np.searchsorted(self.t_hash, terms, "right") - np.searchsorted(self.t_hash, terms, "left")
        return np.log((1 + len(self)) / (1 + df)) + 1.0

    def compare(self, sig: Signature, toks: Tokens, th: Thresholds, exclude: str = "") -> list[Finding]:
        """Findings that relate one document to the seeds: D001, D002, D004, D005."""
        if not len(self) or not sig.words:
            return []
        others = np.array([e.path != exclude for e in self.entries])
        findings: list[Finding] = []
        done = np.zeros(len(self), dtype=bool)
        for i, e in enumerate(self.entries):
            if others[i] and e.signature.text_hash == sig.text_hash:
                findings.append(_finding("D001", "exact-duplicate", Severity.ERROR, e.id,
                                         f"same text as {e.id}", {"jaccard": 1.0}))
                done[i] = True
        qi, ki = _lookup(self.sh_hash, sig.shingles)
        docs = self.sh_doc[ki]
        inter = np.bincount(docs, minlength=len(self))
        sizes = np.array([len(e.signature.shingles) for e in self.entries])
        union = len(sig.shingles) + sizes - inter
        jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        cont = inter / np.maximum(np.minimum(len(sig.shingles), sizes), 1)
        big = (sizes >= th.min_shingles) & (len(sig.shingles) >= th.min_shingles)
        near = others & ~done & big & ((jac >= th.jaccard) | (cont >= th.containment))
        for i in np.flatnonzero(near):
            e = self.entries[i]
            findings.append(_finding(
                "D002", "near-duplicate", Severity.ERROR, e.id,
                f"near-duplicate of {e.id} (Jaccard {jac[i]:.2f}, containment {cont[i]:.2f})",
                {"jaccard": round(float(jac[i]), 4), "containment": round(float(cont[i]), 4),
                 "shared_shingles": int(inter[i])},
            ))
        done |= near
        for i, f in self._shared_passages(sig, toks, th, qi, docs, inter, others & ~done):
            findings.append(f)
            done[i] = True
        findings += self._same_story(sig, th, others & ~done)
        return findings

    def _shared_passages(self, sig: Signature, toks: Tokens, th: Thresholds, qi: np.ndarray, docs: np.ndarray,
                         inter: np.ndarray, live: np.ndarray) -> list[tuple[int, Finding]]:
        n = th.ngram
        need = max(1, (th.min_shared_words - n + 1) // 2)  # a shared run needs at least this many shingles
        cands = np.flatnonzero(live & (inter >= need))
        if not len(cands):
            return []
        positional = shingle_hashes(toks.hashes, n)
        out = []
        for i in cands:
            matched = sig.shingles[np.unique(qi[docs == i])]
            runs = _runs(np.isin(positional, matched), n)
            runs = [(a, b) for a, b in runs if b - a + n >= th.min_shared_words]
            if not runs:
                continue
            e = self.entries[i]
            spans = [Span(int(toks.starts[a]), int(toks.ends[min(b + n - 1, len(toks.ends) - 1)]), "text")
                     for a, b in runs]
            words = sum(min(b + n, len(toks.hashes)) - a for a, b in runs)
            longest = max(runs, key=lambda r: r[1] - r[0])
            out.append((int(i), _finding(
                "D004", "shared-passage", Severity.ERROR, e.id,
                f"shares {len(runs)} passage(s), {words} words ({words / max(sig.words, 1):.0%}), with {e.id}",
                {"passages": len(runs), "shared_words": int(words), "share": round(words / max(sig.words, 1), 4),
                 "longest_words": int(longest[1] - longest[0] + n)},
                spans,
            )))
        return out

    def _same_story(self, sig: Signature, th: Thresholds, live: np.ndarray) -> list[Finding]:
        if not len(sig.terms) or not live.any():
            return []
        qi, ki = _lookup(self.t_hash, sig.terms)
        idf = self.idf(sig.terms)
        wq = _tf(sig.counts) * idf
        dots = np.bincount(self.t_doc[ki], weights=self.t_weight[ki] * idf[qi] * wq[qi], minlength=len(self))
        cos = dots / np.maximum(np.linalg.norm(wq) * self.norms, 1e-12)
        hits = [i for i in np.argsort(-cos) if live[i] and cos[i] >= th.same_story][: th.max_same_story]
        return [
            _finding("D005", "same-story", Severity.WARNING, self.entries[i].id,
                     f"tells the same story as {self.entries[i].id} (TF-IDF cosine {cos[i]:.2f})",
                     {"cosine": round(float(cos[i]), 4), "threshold": th.same_story})
            for i in hits
        ]


def _runs(mask: np.ndarray, n: int) -> list[tuple[int, int]]:
    """Runs of True as (first, last) positions; runs apart by at most n positions are merged,
    since one changed word breaks the n shingles that contain it."""
    pos = np.flatnonzero(mask)
    if not len(pos):
        return []
    breaks = np.flatnonzero(np.diff(pos) > n + 1)
    starts = np.concatenate([[pos[0]], pos[breaks + 1]])
    ends = np.concatenate([pos[breaks], [pos[-1]]])
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def _finding(code: str, name: str, severity: Severity, other: str, message: str, evidence: dict,
             spans: list[Span] | None = None) -> Finding:
    return Finding(code=code, name=name, severity=severity, stage="dedup", message=message,
                   spans=spans or [], evidence={"other": other, **evidence})
