"""Exact and near-duplicate documents: LSH candidates, verified, clustered, one kept each.

1. exact copies: the same normalised text (SHA-1);
2. candidates: MinHash signatures banded by LSH (`lsh.py`);
3. verification, first estimated from the signatures for every candidate at once,
   then exactly on the shingle sets of the survivors: Jaccard for copies,
   containment (the share of the smaller document found in the larger) for a
   truncated copy or a copy inside another site's boilerplate;
4. the shared-prose gate: two documents are not copies when what they share is
   only short lines (a menu, a headline list, a footer: one site's template
   around two different articles) while they have prose of their own. The
   shared shingles must come from lines of at least `prose_line_words` words
   (median), unless neither document has such lines at all;
5. clusters are connected components (union-find); one document of each is kept
   by the `keep` policy and every other names it, with the similarity.

Defaults were chosen by measurement on make_neardup.py --seed 1 (see
benchmarks/tasks/neardup.py and the README): word 4-grams, 128 permutations in
64 bands of 2 rows, near-duplicate if Jaccard >= 0.4 or containment >= 0.6.
With 5-grams and Jaccard >= 0.7 (the FineWeb-style setting), copies with 5% word
edits and a boilerplate wrapper are mostly missed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.dedup.lsh import band_keys, candidate_chunks, choose_bands
from auditor.dedup.minhash import MinHasher
from auditor.dedup.shingles import ShingleBatch, Shingler
from auditor.document import Document, DuplicateLink, Finding, Severity
from auditor.errors import ConfigError

KEEP_POLICIES = ("quality", "length", "earliest", "source")
_MARGIN = 0.15  # estimates from 128 permutations have a standard error of about 0.045


@dataclass(frozen=True, slots=True)
class DedupSettings:
    ngram: int = 4
    num_perm: int = 128
    seed: int = 1
    # LSH S-curve turning point: low, so that a short copy inside a long page (low
    # Jaccard, high containment) is still a candidate; candidates are then verified.
    lsh_threshold: float = 0.15
    jaccard: float = 0.4
    containment: float = 0.6
    prose_line_words: int = 8  # median words per line of the shared part (0: no gate)
    min_shingles: int = 5  # texts with fewer shingles are only compared exactly
    keep: str = "quality"  # quality | length | earliest | source
    source_priority: tuple[str, ...] = ()  # with keep = "source": sources in order of preference
    text: str = "raw"  # which text to compare: "raw" (as read) or "clean" (after cleaning)
    min_passage_words: int = 5
    sentence_passage_words: int = 8  # a restated sentence (D006) needs at least this many words
    # D006: content-word containment and shared content words between two sentences
    # (measured: benchmarks/run.py passages; see auditor/dedup/passages.py)
    passage_similarity: float = 0.6
    passage_shared_words: int = 8
    shared_passage_words: int = 20  # a paragraph shared between documents needs this many words
    rewrite_similarity: float = 0.25  # TF-IDF cosine at or above which two documents tell one story
    rewrite_max_df: float = 0.5  # terms in more than this share of documents are pruned

    def __post_init__(self) -> None:
        if self.keep not in KEEP_POLICIES:
            raise ConfigError(f"dedup keep must be one of {', '.join(KEEP_POLICIES)}, not '{self.keep}'")
        if self.text not in ("raw", "clean"):
            raise ConfigError(f"dedup text must be 'raw' or 'clean', not '{self.text}'")
        if self.ngram < 1 or self.num_perm < 2:
            raise ConfigError("dedup ngram must be >= 1 and num_perm >= 2")


@dataclass(slots=True)
class Record:
    """What near-duplicate detection needs of one document."""

    id: str
    text: str
    quality: float | None = None
    source: str = ""
    order: int = 0


@dataclass(slots=True)
class Pair:
    a: int
    b: int
    kind: str  # exact | near
    jaccard: float
    containment: float


@dataclass(slots=True)
class NearDupResult:
    ids: list[str]
    cluster: list[int]  # index of the kept record of each record's cluster
    pairs: list[Pair] = field(default_factory=list)
    signatures: np.ndarray | None = None
    sizes: np.ndarray | None = None

    def best_pair(self) -> dict[int, Pair]:
        """For each dropped record, the verified pair to its cluster's kept record, or its strongest pair."""
        out: dict[int, Pair] = {}
        for p in self.pairs:
            for me, other in ((p.a, p.b), (p.b, p.a)):
                if self.cluster[me] == me:
                    continue
                cur = out.get(me)
                direct = other == self.cluster[me]
                cur_direct = cur is not None and self.cluster[me] in (cur.a, cur.b)
                if cur is None or (direct and not cur_direct) or (
                    direct == cur_direct and max(p.jaccard, p.containment) > max(cur.jaccard, cur.containment)
                ):
                    out[me] = p
        return out


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, k: int) -> int:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def prose_quality(line_words: np.ndarray, prose_line_words: int) -> float:
    """A cheap quality number for keep-best: the share of a text's shingles in prose lines."""
    if not len(line_words):
        return 0.0
    return float(np.mean(line_words >= prose_line_words))


def keep_key(policy: str, rec: Record, size: int, priority: Sequence[str]) -> tuple[Any, ...]:
    """Sort key: the smallest is kept. Ties fall to the longer text, then the earlier one."""
    tail = (-size, rec.order, rec.id)
    if policy == "quality":
        return (-(rec.quality or 0.0), *tail)
    if policy == "earliest":
        return (rec.order, rec.id)
    if policy == "source":
        rank = priority.index(rec.source) if rec.source in priority else len(priority)
        return (rank, *tail)
    return tail  # length


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values in sorted_set, elementwise (faster than np.isin for small arrays)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[idx] == values


def _shared_is_prose(batch: ShingleBatch, i: int, other: np.ndarray, min_words: int) -> bool:
    lw = batch.lines_of(i)
    shared = _member(batch.of(i), other)
    if not shared.any():
        return False
    return float(np.median(lw[shared])) >= min_words


def _has_prose(batch: ShingleBatch, i: int, min_words: int) -> bool:
    lw = batch.lines_of(i)
    return bool(len(lw)) and bool(np.quantile(lw, 0.9) >= min_words)


def find_near_duplicates(records: Sequence[Record], settings: DedupSettings,
                         shingler: Shingler | None = None, hasher: MinHasher | None = None) -> NearDupResult:
    """Cluster records into exact and near-duplicate groups; choose one to keep per group."""
    n = len(records)
    shingler = shingler or Shingler(settings.ngram)
    hasher = hasher or MinHasher(settings.num_perm, settings.seed)
    uf = _UnionFind(n)
    pairs: dict[tuple[int, int], Pair] = {}

    batch = shingler.hash_all([r.text for r in records], lines=True)
    sigs = np.concatenate([hasher.signatures(_slice(batch, s, min(n, s + 512))) for s in range(0, n, 512)]) \
        if n else np.zeros((0, settings.num_perm), dtype=np.uint32)
    # Exact copies: the same sequence of shingles, i.e. the same words in the same order
    # once case and punctuation are dropped.
    first: dict[bytes, int] = {}
    for i in range(n):
        digest = hashlib.sha1(batch.of(i).tobytes()).digest()
        if digest in first:
            j = first[digest]
            pairs[(j, i)] = Pair(j, i, "exact", 1.0, 1.0)
            uf.union(j, i)
        else:
            first[digest] = i
    sets = batch.sets()
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    for i, r in enumerate(records):
        if r.quality is None:
            r.quality = prose_quality(batch.lines_of(i), settings.prose_line_words)

    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)
    eligible = np.flatnonzero(sizes >= settings.min_shingles)
    contained: list[tuple[float, int, int]] = []  # (containment, a, b) of pairs linked by containment only
    survivors = _estimated_candidates(sigs, sizes, eligible, bands, rows, settings)
    if len(survivors):
        for a, b in survivors.tolist():
            key = (a, b) if a < b else (b, a)
            if key in pairs:
                continue
            verified = _verify(batch, sets, a, b, settings)
            if verified is None:
                continue
            pairs[key] = Pair(key[0], key[1], "near", *verified)
            if verified[0] >= settings.jaccard:
                uf.union(a, b)
            else:
                contained.append((verified[1], key[0], key[1]))
    _join_contained(uf, contained, sizes)

    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(uf.find(i), []).append(i)
    cluster = [0] * n
    for group in members.values():
        kept = min(group, key=lambda i: keep_key(settings.keep, records[i], int(sizes[i]), settings.source_priority))
        for i in group:
            cluster[i] = kept
    return NearDupResult([r.id for r in records], cluster, sorted(pairs.values(), key=lambda p: (p.a, p.b)),
                         sigs, sizes)


def _join_contained(uf: _UnionFind, contained: list[tuple[float, int, int]], sizes: np.ndarray) -> None:
    """Containment is not transitive: a short text inside two pages does not make the pages
    copies of each other. The smaller side of a containment-only pair joins the larger
    side's cluster, each text at most once (its best container), and a text that took in
    others is not itself put inside a third; so containment builds stars, not chains. (At
    200,000 make_neardup --extra documents, spliced from shared paragraphs, chaining
    through containment merged 91,437 of them into one cluster.)"""
    inside: set[int] = set()
    hosts: set[int] = set()
    for _c, a, b in sorted(contained, key=lambda t: (-t[0], t[1], t[2])):
        small, large = (a, b) if sizes[a] <= sizes[b] else (b, a)
        if small in inside or small in hosts or large in inside:
            continue
        uf.union(small, large)
        inside.add(small)
        hosts.add(large)


def _estimated_candidates(sigs: np.ndarray, sizes: np.ndarray, eligible: np.ndarray, bands: int, rows: int,
                          settings: DedupSettings) -> np.ndarray:
    """LSH candidates whose similarity estimated from the signatures could pass verification:
    distinct (a, b), a < b, record indices. Candidates come and are filtered in bounded
    chunks (filler pages sharing paragraphs give tens of millions of candidate pairs at
    200,000 documents: listing them all at once ran out of memory), and only the few
    survivors are kept."""
    n = len(sigs)
    kept: list[np.ndarray] = []
    step = 1 << 16  # pairs per signature comparison: 2 x 65,536 x num_perm x 4 bytes
    for cand in candidate_chunks(band_keys(sigs[eligible], bands, rows)):
        code = np.unique(cand[:, 0] * n + cand[:, 1])
        for k in range(0, len(code), step):
            part = code[k : k + step]
            a_idx, b_idx = eligible[part // n], eligible[part % n]
            est_j = (sigs[a_idx] == sigs[b_idx]).mean(axis=1)
            sa, sb = sizes[a_idx], sizes[b_idx]
            est_inter = est_j * (sa + sb) / (1 + est_j)
            est_c = est_inter / np.maximum(1, np.minimum(sa, sb))
            ok = (est_j >= settings.jaccard - _MARGIN) | (est_c >= settings.containment - _MARGIN)
            if ok.any():
                kept.append(np.minimum(a_idx[ok], b_idx[ok]) * n + np.maximum(a_idx[ok], b_idx[ok]))
    if not kept:
        return np.zeros((0, 2), dtype=np.int64)
    code = np.unique(np.concatenate(kept))
    return np.stack([code // n, code % n], axis=1)


def _slice(batch: ShingleBatch, start: int, stop: int) -> ShingleBatch:
    lo, hi = batch.offsets[start], batch.offsets[stop]
    return ShingleBatch(batch.hashes[lo:hi], batch.offsets[start : stop + 1] - lo)


def _verify(batch: ShingleBatch, sets: list[np.ndarray], a: int, b: int,
            settings: DedupSettings) -> tuple[float, float] | None:
    sa, sb = sets[a], sets[b]
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    if not inter:
        return None
    jac = inter / (len(sa) + len(sb) - inter)
    cont = inter / min(len(sa), len(sb))
    if jac < settings.jaccard and cont < settings.containment:
        return None
    if jac < 0.9 and settings.prose_line_words > 0:  # a near-exact copy needs no gate
        gate = settings.prose_line_words
        if _has_prose(batch, a, gate) or _has_prose(batch, b, gate):
            if not (_shared_is_prose(batch, a, sb, gate) and _shared_is_prose(batch, b, sa, gate)):
                return None
    return round(jac, 4), round(cont, 4)


def dedup_text(doc: Document, settings: DedupSettings) -> str:
    return doc.raw_text or doc.text if settings.text == "raw" else doc.text


def dedup_records(docs: Sequence[Document], settings: DedupSettings, clean_settings: Any = None) -> list[Record]:
    """Records of the readable documents: the raw text (an HTML page's plain rendering) or,
    with text = "clean", the cleaned text (cleaning runs here then)."""
    from auditor.clean import clean_corpus, html_to_plain

    live = [d for d in docs if d.readable]
    if settings.text == "clean":
        live = [d for d in clean_corpus(live, clean_settings) if d.readable]
        texts = [d.text for d in live]
    else:
        texts = [html_to_plain(d.raw) if d.kind == "html" else d.raw for d in live]
    return [Record(d.id, t, d.metadata.get("quality"), d.source, i) for i, (d, t) in enumerate(zip(live, texts))]


def find_duplicates(docs: list[Document], settings: DedupSettings) -> tuple[list[DuplicateLink], dict[str, str]]:
    """Links between duplicate documents and a cluster id per document; adds D001/D002 findings."""
    live = [d for d in docs if d.readable and d.text.strip()]
    records = [Record(d.id, dedup_text(d, settings), d.metadata.get("quality"), d.source, i)
               for i, d in enumerate(live)]
    res = find_near_duplicates(records, settings)
    clusters = {d.id: live[res.cluster[i]].id for i, d in enumerate(live)}
    links = [
        DuplicateLink(p.kind, live[p.a].id, live[p.b].id, p.jaccard, live[res.cluster[p.a]].id,
                      {"jaccard": p.jaccard, "containment": p.containment})
        for p in res.pairs
    ]
    best = res.best_pair()
    sizes_of: dict[int, int] = {}
    for k in res.cluster:
        sizes_of[k] = sizes_of.get(k, 0) + 1
    for i, d in enumerate(live):
        keeper = res.cluster[i]
        if keeper == i:
            continue
        p = best[i]
        exact = p.kind == "exact"
        other = live[p.b if p.a == i else p.a].id
        d.findings.append(
            Finding(
                code="D001" if exact else "D002",
                name="exact-duplicate" if exact else "near-duplicate",
                severity=Severity.ERROR,
                stage="dedup",
                message=(f"duplicate of {live[keeper].id}" if exact else
                         f"near-duplicate of {live[keeper].id} (Jaccard {p.jaccard:.2f}, "
                         f"containment {p.containment:.2f} with {other})"),
                evidence={"kept": live[keeper].id, "cluster": live[keeper].id, "matched": other,
                          "jaccard": p.jaccard, "containment": p.containment, "keep_policy": settings.keep,
                          "cluster_size": sizes_of[keeper]},
            )
        )
    links += _story_links(live, res, clusters, settings)
    return links, clusters


def _story_links(live: list[Document], res: NearDupResult, clusters: dict[str, str],
                 settings: DedupSettings) -> list[DuplicateLink]:
    """Same-story rewrites (TF-IDF) and passages shared between documents: reported apart from copies."""
    from auditor.dedup.passages import shared_passages
    from auditor.dedup.rewrites import find_rewrites

    links: list[DuplicateLink] = []
    copies = {(p.a, p.b) for p in res.pairs}
    by_id = {d.id: d for d in live}
    for i, j, cos in find_rewrites([d.text for d in live], settings.rewrite_similarity, settings.rewrite_max_df,
                                   copies):
        a, b = live[i], live[j]
        links.append(DuplicateLink("rewrite", a.id, b.id, cos, "", {"tfidf_cosine": cos}))
        for me, other in ((a, b), (b, a)):
            me.findings.append(Finding(
                code="D005", name="same-story", severity=Severity.INFO, stage="dedup",
                message=f"tells the same story as {other.id} (TF-IDF cosine {cos:.2f}); not a copy",
                evidence={"other": other.id, "value": cos, "threshold": f">= {settings.rewrite_similarity}",
                          "unit": "cosine", "check": "tfidf_cosine"}))
    for a_id, b_id, sa, sb, words in shared_passages(live, settings.shared_passage_words, clusters):
        a, b = by_id[a_id], by_id[b_id]
        share = words / max(1, min(len(a.text.split()), len(b.text.split())))
        links.append(DuplicateLink("shared-passage", a_id, b_id, round(min(share, 1.0), 4), "",
                                   {"words": words, "spans_a": [s.to_dict() for s in sa],
                                    "spans_b": [s.to_dict() for s in sb]}))
        for me, other, mine, theirs in ((a, b, sa, sb), (b, a, sb, sa)):
            me.findings.append(Finding(
                code="D004", name="shared-passage", severity=Severity.INFO, stage="dedup",
                message=f"{words} words of passages also in {other.id}",
                spans=list(mine),
                evidence={"other": other.id, "other_spans": [s.to_dict() for s in theirs], "words": words}))
    return links
