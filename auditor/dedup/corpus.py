"""Deduplicate a corpus (optionally against a persistent index): the `auditor dedup` library call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.dedup.index import DedupIndex, sketches
from auditor.dedup.near import DedupSettings, Record, find_near_duplicates


@dataclass(slots=True)
class DedupReport:
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per input: id, cluster, duplicate_of, similarity
    pairs: list[dict[str, Any]] = field(default_factory=list)  # verified pairs: a, b, kind, jaccard, containment

    @property
    def dropped(self) -> int:
        return sum(1 for r in self.rows if r["duplicate_of"] is not None)


def dedup_corpus(records: Sequence[Record], settings: DedupSettings, index: DedupIndex | None = None,
                 originals: bool = False) -> DedupReport:
    """Cluster the records; with an index, also match them against it and add them to it.

    Indexed documents were there first: a new document that matches one joins that
    document's cluster, and the indexed document stays the kept one. The whole run is
    one index transaction. With `originals`, each cluster of two or more also names the copy
    judged the original (auditor/dedup/provenance.py): rows get `"original": true|false`."""
    if index is not None:
        seen = index.known([r.id for r in records])
        records = [r for r in records if r.id not in seen]
    res = find_near_duplicates(records, settings)
    ids = res.ids
    best = res.best_pair()
    report = DedupReport()
    cluster = [ids[k] for k in res.cluster]
    dup_of: list[str | None] = [None if res.cluster[i] == i else ids[res.cluster[i]] for i in range(len(ids))]
    sim: list[float | None] = [best[i].jaccard if i in best else None for i in range(len(ids))]
    cont: list[float | None] = [best[i].containment if i in best else None for i in range(len(ids))]
    for p in res.pairs:
        report.pairs.append({"a": ids[p.a], "b": ids[p.b], "kind": p.kind, "jaccard": p.jaccard,
                             "containment": p.containment})
    if index is not None and ids:
        assert res.signatures is not None and res.sizes is not None and res.batch is not None
        sketched = sketches(res.batch, settings.prose_line_words)
        with index.transaction():
            matches = index.query(res.signatures, res.sizes, sketched)
            # a cluster of new documents joins the indexed cluster its best member matched
            joined: dict[int, tuple[float, Any]] = {}
            for i, m in enumerate(matches):
                if m is not None and (res.cluster[i] not in joined or m.jaccard > joined[res.cluster[i]][0]):
                    joined[res.cluster[i]] = (m.jaccard, (i, m))
            for i in range(len(ids)):
                hit = joined.get(res.cluster[i])
                if hit is None:
                    continue
                j, m = hit[1]
                cluster[i] = m.cluster
                dup_of[i] = m.cluster
                own = matches[i]
                if own is not None:
                    sim[i], cont[i] = own.jaccard, own.containment
                    report.pairs.append({"a": ids[i], "b": own.id, "kind": "near-indexed",
                                         "jaccard": own.jaccard, "containment": own.containment})
            index.add(ids, res.signatures, res.sizes, cluster, sketched)
    for i, doc_id in enumerate(ids):
        report.rows.append({"id": doc_id, "cluster": cluster[i], "duplicate_of": dup_of[i],
                            "similarity": sim[i] if dup_of[i] is not None else None,
                            "containment": cont[i] if dup_of[i] is not None else None})
    if originals:
        _mark_originals(report, records, res.cluster)
    return report


def _mark_originals(report: DedupReport, records: Sequence[Record], cluster_of: Sequence[int]) -> None:
    """`original` on every member of a cluster of two or more (clusters joined to an indexed one
    are left out: the indexed texts are not at hand)."""
    from auditor.dedup.provenance import originals

    members: dict[int, list[int]] = {}
    for i, k in enumerate(cluster_of):
        members.setdefault(k, []).append(i)
    groups = [g for k, g in members.items() if len(g) > 1
              and all(report.rows[i]["cluster"] == records[k].id for i in g)]
    for story in originals([r.text for r in records], groups):
        for i in story.members:
            report.rows[i]["original"] = i == story.original
