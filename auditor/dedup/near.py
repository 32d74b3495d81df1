"""Exact and near-duplicate documents: LSH candidates, verified, clustered, one kept each.

Candidates come from datasketch's MinHashLSH; each candidate pair is verified on
the exact shingle sets: Jaccard for copies, containment (the share of the smaller
document found in the larger) for a truncated copy or a copy inside other
boilerplate. Clusters are the connected components (union-find); the longest
document of a cluster is kept (ties: the smaller id).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from datasketch import MinHashLSH

from auditor.dedup.minhash import shingles, signature
from auditor.document import Document, DuplicateLink, Finding, Severity
from auditor.segment import normalize


@dataclass(frozen=True, slots=True)
class DedupSettings:
    ngram: int = 5
    num_perm: int = 128
    # datatrove/FineWeb band at ~0.72 effective Jaccard (REFERENCES.md); verified below.
    lsh_threshold: float = 0.5
    jaccard: float = 0.7
    containment: float = 0.9
    min_shingles: int = 5  # shorter texts are only compared exactly
    min_passage_words: int = 5


class _UnionFind:
    def __init__(self, keys: list[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _keep_order(doc: Document) -> tuple[int, str]:
    return (-len(doc.text), doc.id)


def find_duplicates(docs: list[Document], settings: DedupSettings) -> tuple[list[DuplicateLink], dict[str, str]]:
    """Links between duplicate documents and a cluster id per document; adds findings."""
    live = [d for d in docs if d.readable and d.text.strip()]
    uf = _UnionFind([d.id for d in live])
    pairs: dict[tuple[str, str], tuple[str, float, dict[str, float]]] = {}

    by_hash: dict[bytes, list[Document]] = {}
    for d in live:
        by_hash.setdefault(hashlib.sha1(normalize(d.text).encode()).digest(), []).append(d)
    for group in by_hash.values():
        for other in group[1:]:
            key = (min(group[0].id, other.id), max(group[0].id, other.id))
            pairs[key] = ("exact", 1.0, {"jaccard": 1.0})
            uf.union(group[0].id, other.id)

    sets = {d.id: shingles(d.text, settings.ngram) for d in live}
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.num_perm)
    for d in sorted(live, key=lambda d: d.id):
        s = sets[d.id]
        if len(s) < settings.min_shingles:
            continue
        sig = signature(s, settings.num_perm)
        for other in lsh.query(sig):
            key = (min(d.id, other), max(d.id, other))
            if key in pairs:
                continue
            a, b = sets[d.id], sets[other]
            inter = len(a & b)
            jac = inter / len(a | b)
            cont = inter / min(len(a), len(b))
            if jac >= settings.jaccard or cont >= settings.containment:
                pairs[key] = ("near", jac, {"jaccard": round(jac, 4), "containment": round(cont, 4)})
                uf.union(d.id, other)
        lsh.insert(d.id, sig)

    members: dict[str, list[Document]] = {}
    for d in live:
        members.setdefault(uf.find(d.id), []).append(d)
    kept = {root: min(group, key=_keep_order).id for root, group in members.items()}
    clusters = {d.id: kept[uf.find(d.id)] for d in live}

    links = []
    for (a, b), (kind, sim, ev) in sorted(pairs.items()):
        links.append(DuplicateLink(kind, a, b, sim, kept[uf.find(a)], ev))
    for d in live:
        keeper = clusters[d.id]
        if keeper == d.id:
            continue
        own = [lk for lk in links if d.id in (lk.a, lk.b)]
        best = max(own, key=lambda lk: lk.similarity)
        exact = any(lk.kind == "exact" for lk in own)
        d.findings.append(
            Finding(
                code="D001" if exact else "D002",
                name="exact-duplicate" if exact else "near-duplicate",
                severity=Severity.ERROR,
                stage="dedup",
                message=(f"duplicate of {keeper}" if exact else
                         f"near-duplicate of {keeper} (Jaccard {best.evidence['jaccard']:.2f})"),
                evidence={"kept": keeper, "cluster": keeper, **best.evidence,
                          "cluster_size": sum(1 for v in clusters.values() if v == keeper)},
            )
        )
    return links, clusters
