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
from auditor.dedup.settings import DedupSettings
from auditor.dedup.shingles import ShingleBatch, Shingler, distinct
from auditor.document import Document, DuplicateLink, Finding, Severity

_MARGIN = 0.15  # estimates from 128 permutations have a standard error of about 0.045


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
    batch: ShingleBatch | None = None  # the shingles with line word counts (the index sketches them)

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


def keep_key(policy: str, rec: Record, size: int, priority: Sequence[str], links: float = 0.0) -> tuple[Any, ...]:
    """Sort key: the smallest is kept. Ties fall to the longer text, then the earlier one.

    With "quality", quality is compared to one decimal (a copy cut before a short credit
    line scores 0.99 against its source's 0.98: noise, not quality), then the document
    closest to the most copies (`links`: the sum of its verified Jaccard similarities) goes
    first: the source of several copies is verified against each, and closer to each than
    they are to each other, while two copies of it often differ too much to be verified
    (on make_neardup seed 1, keeping whichever copy had the top exact quality lost 8% of
    recall once clusters became stars around the kept document)."""
    tail = (-size, rec.order, rec.id)
    if policy == "quality":
        return (-round(rec.quality or 0.0, 1), -links, *tail)
    if policy == "earliest":
        return (rec.order, rec.id)
    if policy == "source":
        rank = priority.index(rec.source) if rec.source in priority else len(priority)
        return (rank, *tail)
    return tail  # length


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values in sorted_set, elementwise (faster than np.isin for small arrays)."""
    return find_in(values, sorted_set)[0]


def find_in(values: np.ndarray, sorted_set: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each value is in sorted_set, where it is or would go there, clipped to the set)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=np.intp)
    idx = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[idx] == values, idx


def _has_prose(batch: ShingleBatch, i: int, min_words: int) -> bool:
    return lines_have_prose(batch.lines_of(i), min_words)


def lines_have_prose(lw: np.ndarray, min_words: int) -> bool:
    """`np.quantile(lw, 0.9) >= min_words` (lw: words of the line each shingle starts in), with
    the quantile computed only when the two values it interpolates between straddle the gate:
    otherwise counting the values below the gate decides (the verification's hot path)."""
    n = len(lw)
    if not n:
        return False
    below = int(np.count_nonzero(lw < min_words))
    v = 0.9 * (n - 1)  # the quantile lies between sorted values floor(v) and ceil(v)
    lo, hi = max(0, int(np.floor(v - 1e-9))), min(n - 1, int(np.ceil(v + 1e-9)))
    if below <= lo:  # sorted[lo] >= min_words
        return True
    if below > hi:  # sorted[hi] < min_words
        return False
    return bool(np.quantile(lw, 0.9) >= min_words)


def _median_at_least(values: np.ndarray, bound: int) -> bool:
    """`np.median(values) >= bound` for integers, without sorting (False when empty)."""
    n = len(values)
    if not n:
        return False
    at_least = int(np.count_nonzero(values >= bound))
    half = n // 2
    if n % 2:
        return at_least > half
    if at_least != half:  # both middle values on one side of the bound
        return at_least > half
    # the two middle values: the smallest at or above the bound and the largest below it
    return int(values[values >= bound].min()) + int(values[values < bound].max()) >= 2 * bound


# A passage of its own: this many consecutive shingles the other text lacks (about 15 words).
# Scattered edits (typos, swapped words) leave runs of at most `ngram` shingles each, two close
# edits twice that; a title, a paragraph or a wrapper of one's own is longer. Measured on
# make_neardup seeds 1/2/3 (gate always applied -> gate skipped without such a passage): F1
# 0.979/0.962/0.964 -> 0.982/0.962/0.965, original_accuracy 0.895/0.921/0.914 -> 0.902/0.923/0.916,
# precision unchanged (8: seed 1 original_accuracy 0.897; counting only shingles of prose lines
# as a passage, at 16, let template pages whose own part is a few short lines through: P 0.983).
OWN_PASSAGE = 12


def _has_own_run(own: np.ndarray) -> bool:
    """Whether a text has a passage of its own: OWN_PASSAGE consecutive shingles the other text
    lacks (`own`: per shingle in text order, not in the other). Two articles in one template
    each have one (their titles and bodies); a copy whose differences are scattered edits, or a
    reflowed list page, has none."""
    if len(own) < OWN_PASSAGE:
        return False
    total = np.cumsum(own, dtype=np.int32)  # a run of k Trues ending at i: total[i] - total[i - k] == k
    if int(total[-1]) < OWN_PASSAGE:
        return False
    return int(total[OWN_PASSAGE - 1]) == OWN_PASSAGE or bool(
        np.any(total[OWN_PASSAGE:] - total[:-OWN_PASSAGE] == OWN_PASSAGE))


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
    twins: dict[int, list[int]] = {}  # each exact copy -> all texts of its exact group
    for i in range(n):
        digest = hashlib.sha1(batch.of(i).tobytes()).digest()
        if digest in first:
            j = first[digest]
            pairs[(j, i)] = Pair(j, i, "exact", 1.0, 1.0)
            uf.union(j, i)
            twins.setdefault(j, [j]).append(i)
            twins[i] = twins[j]
        else:
            first[digest] = i
    sets = batch.sets()
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    for i, r in enumerate(records):
        if r.quality is None:
            r.quality = prose_quality(batch.lines_of(i), settings.prose_line_words)

    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)
    eligible = np.flatnonzero(sizes >= settings.min_shingles)
    survivors = _estimated_candidates(sigs, sizes, eligible, bands, rows, settings)
    for a, b in survivors.tolist():
        key = (a, b) if a < b else (b, a)
        if key in pairs:
            continue
        verified = _verify(batch, sets, a, b, settings)
        if verified is not None:
            pairs[key] = Pair(key[0], key[1], "near", *verified)
            uf.union(a, b)

    links = np.zeros(n)
    for (a, b), p in pairs.items():
        links[a] += p.jaccard
        links[b] += p.jaccard
    order = {i: keep_key(settings.keep, records[i], int(sizes[i]), settings.source_priority, round(links[i], 6))
             for i in range(n)}
    cluster = _star_clusters(n, uf, pairs, twins, order, lambda a, b: _verify(batch, sets, a, b, settings))
    return NearDupResult([r.id for r in records], cluster, sorted(pairs.values(), key=lambda p: (p.a, p.b)),
                         sigs, sizes, batch)


SMALL_COMPONENT = 32  # members of a component this small are all checked against each kept one


def _star_clusters(n: int, uf: _UnionFind, pairs: dict[tuple[int, int], Pair], twins: dict[int, list[int]],
                   order: dict[int, Any], verify: Any) -> list[int]:
    """Each cluster is a star: its kept document (the first by the keep policy) and documents
    verified as copies of that document itself. Connected components of verified pairs are
    not clusters: similarity is not transitive, and at 200,000 make_neardup --extra documents
    (filler pages spliced from a shared pool of paragraphs) chains of pairs, each sharing a
    paragraph or two, merged thousands of different pages into one component. So within a
    component, the best remaining document by the keep policy takes every unassigned document
    it was verified with, then the next unassigned one does, and so on (greedy star, or
    "center", clustering). In a small component, a member not compared with a kept document
    is verified against it now, so a copy found only through another copy still joins;
    pairs verified that way are added to `pairs`. Exact copies (`twins`) go where one of them
    goes. Returns the kept index of every index."""
    adj: dict[int, list[int]] = {}
    for a, b in pairs:
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    members: dict[int, list[int]] = {}
    for i in adj:
        members.setdefault(uf.find(i), []).append(i)
    cluster = list(range(n))
    for group in members.values():
        group.sort(key=order.__getitem__)
        assigned: set[int] = set()
        for c in group:
            if c in assigned:
                continue
            _join(c, c, twins, assigned, cluster)
            for m in adj[c]:
                if m not in assigned:
                    _join(m, c, twins, assigned, cluster)
            if len(group) > SMALL_COMPONENT:
                continue
            for m in group:
                if m in assigned:
                    continue
                verified = verify(c, m)
                if verified is not None:
                    _join(m, c, twins, assigned, cluster)
                    key = (c, m) if c < m else (m, c)
                    pairs[key] = Pair(key[0], key[1], "near", *verified)
    return cluster


def _join(m: int, c: int, twins: dict[int, list[int]], assigned: set[int], cluster: list[int]) -> None:
    """m, and its exact copies, join the star of c."""
    for t in twins.get(m, (m,)):
        if t not in assigned:
            assigned.add(t)
            cluster[t] = c


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
        code = distinct(cand[:, 0] * n + cand[:, 1])
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
    code = distinct(np.concatenate(kept))
    return np.stack([code // n, code % n], axis=1)


def _slice(batch: ShingleBatch, start: int, stop: int) -> ShingleBatch:
    lo, hi = batch.offsets[start], batch.offsets[stop]
    return ShingleBatch(batch.hashes[lo:hi], batch.offsets[start : stop + 1] - lo)


def _verify(batch: ShingleBatch, sets: list[np.ndarray], a: int, b: int,
            settings: DedupSettings) -> tuple[float, float] | None:
    """(Jaccard, containment) of a verified pair of copies, else None.

    Jaccard or containment over all shingles first; then, unless the two are near-exact,
    the shared-prose gate (what they share is prose, not one site's menu lines; skipped when
    neither text has a passage of its own, `_has_own_run`), and what
    makes a copy a copy rather than two pages that share a passage or two: most of the
    smaller text's prose is inside the other (`prose_containment`: a copy inside
    boilerplate still passes), and most of the larger text's prose is inside the smaller
    (`prose_cover`: a page made of this text plus several other articles' paragraphs is not
    a copy of it), unless the smaller is the larger's opening (a truncated copy, however
    short: the larger's prose up to where the shared part ends is mostly shared). At 200,000
    make_neardup --extra pages, spliced from a pool of a few thousand paragraphs, containment
    >= 0.6 alone verified 209,000 pairs of different pages (each reusing two or three
    paragraphs) against 1,739 true pairs."""
    return verify_sides((batch.of(a), batch.lines_of(a), sets[a]), (batch.of(b), batch.lines_of(b), sets[b]),
                        settings)


Side = tuple[np.ndarray, np.ndarray, np.ndarray]  # shingle hashes in text order, their line words, sorted set


def verify_sides(a: Side, b: Side, settings: DedupSettings, inter: int | None = None,
                 a_in_b: np.ndarray | None = None) -> tuple[float, float] | None:
    """`_verify` on two texts given as sides. A caller that has them passes `inter`, the size of
    the sets' intersection, and `a_in_b`, which of a's shingles are in b's set. Each side's
    membership in the other's set is found once."""
    (ha, la, sa), (hb, lb, sb) = a, b
    if inter is None:
        inter = len(np.intersect1d(sa, sb, assume_unique=True))
    if not inter:
        return None
    jac = inter / (len(sa) + len(sb) - inter)
    cont = inter / min(len(sa), len(sb))
    if jac < settings.jaccard and cont < settings.containment:
        return None
    if jac < 0.9 and settings.prose_line_words > 0:  # a near-exact copy needs no gate
        gate = settings.prose_line_words
        ma = _member(ha, sb) if a_in_b is None else a_in_b  # each shingle of a found in b's set
        mb = _member(hb, sa)
        # what two pages share must be prose, unless neither has a passage of its own (a copy
        # of a page of short lines, a list or a forum thread, with scattered edits)
        if (lines_have_prose(la, gate) or lines_have_prose(lb, gate)) and (
                _has_own_run(~ma) or _has_own_run(~mb)):
            if not (_median_at_least(la[ma], gate) and _median_at_least(lb[mb], gate)):
                return None
        inside, cover, lead = _prose_shares((ha, la, ma, sb), (hb, lb, mb, sa), gate)
        if inside < settings.prose_containment or (cover < settings.prose_cover and lead < settings.prose_opening):
            return None
    return round(jac, 4), round(cont, 4)


_ProseSide = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _prose_shares(a: _ProseSide, b: _ProseSide, min_words: int) -> tuple[float, float, float]:
    """(share of the smaller side's prose shingles found in the other side, the same for the
    larger side, and how much of the larger side's prose up to where the shared part ends is
    shared). The last is high for a truncated copy (the smaller is the opening of the
    larger, however short) and low for a page that holds the text among other articles.
    A side with fewer than 5 prose shingles counts all of its shingles. Each side is (hashes
    in text order, their line words, their membership in the other side, the other's set)."""
    sides = []
    for h, lw, member, other in (a, b):
        prose_at = lw >= min_words
        prose, hit = h[prose_at], member[prose_at]
        if len(prose) < 5:
            prose, hit = h, member
        own = distinct(prose)
        sides.append((len(own), _share(_member(own, other)) if len(own) else 0.0, hit))
    (_, small, _), (_, large, hit) = sorted(sides, key=lambda t: t[0])
    if not hit.any():
        return small, large, 0.0
    # the opening of the larger that holds 90% of what is shared, and how much of it is shared
    upto = int(np.flatnonzero(hit)[int(0.9 * (hit.sum() - 1))]) + 1
    return small, large, _share(hit[:upto])


def _share(flags: np.ndarray) -> float:
    """`float(flags.mean())` of a non-empty bool array (the count over the length, the same float)."""
    return int(np.count_nonzero(flags)) / len(flags)


def prose_shingles(hashes: np.ndarray, line_words: np.ndarray, min_words: int, size: int | None = None) -> int:
    """How many distinct shingles `_prose_shares` measures a side by: those of its lines of at least
    `min_words` words, or all of them when fewer than 5 shingles are prose. `size`: the side's
    distinct shingles, where the caller has it (spares the sort when every shingle is prose)."""
    prose_at = line_words >= min_words
    n = int(np.count_nonzero(prose_at))
    if n < 5 or n == len(hashes):
        return len(distinct(hashes)) if size is None else size
    return len(distinct(hashes[prose_at]))


def prose_gate_may_pass(inter: np.ndarray, jac: np.ndarray, prose_a: int | np.ndarray, prose_b: np.ndarray,
                        settings: DedupSettings) -> np.ndarray:
    """Per pair of sides, False where `verify_sides` must reject the pair at its prose gate, known from
    counts alone: `inter` shared distinct shingles, exact Jaccard `jac`, and each side's
    `prose_shingles` (one side's may be one number for every pair; 0: not known, the pair passes).
    A side's prose shingles found in the other's set are at most `inter`, so its share
    (`_prose_shares`) is at most inter / its prose shingles (as floats too: division rounds
    monotonically). Below `prose_containment` for the
    side with fewer, or below `prose_cover` for the other (where no opening can rescue it,
    prose_opening > 1), the gate fails. Most pairs of pages that share a paragraph or two stop
    here, before any set is built (the filter's index)."""
    if settings.prose_line_words <= 0:
        return np.ones(len(inter), dtype=bool)
    small, large = np.minimum(prose_a, prose_b), np.maximum(prose_a, prose_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        fails = inter / small < settings.prose_containment
        if settings.prose_opening > 1:  # a share is at most 1: the opening never rescues a low cover
            fails |= inter / large < settings.prose_cover
    return ~(fails & (jac < 0.9) & (small > 0))  # a near-exact copy is not gated; 0: not known


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
    return [Record(d.id, t, d.metadata.get("quality"), d.source, i)
            for i, (d, t) in enumerate(zip(live, texts, strict=True))]


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
