"""The existing seeds as sorted arrays, and one new document compared with all of them.

Every comparison is exact, not estimated: a new seed's shingles are looked up in
the sorted shingles of every seed at once (numpy searchsorted), which gives the
intersection with each seed, hence Jaccard and containment, and the positions of
the passages they share. At the scale of a seeds folder (thousands of documents)
this is faster than MinHash + LSH and misses nothing.

A `SeedIndex` is built once and cached as it is (its arrays); a `SeedSet` is what
a check compares with: a cached index, entries whose file is gone masked out, plus
a small index of the files added since, so a commit does not rebuild the whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from auditor.check.signature import Signature, Tokens, median_line_words, shingle_hashes
from auditor.document import Finding, Severity, Span

ARRAYS = ("keys", "ids", "text_hashes", "sizes", "sh_hash", "sh_doc", "t_hash", "t_doc", "t_weight", "norms")


@dataclass(frozen=True, slots=True)
class Thresholds:
    ngram: int = 5
    jaccard: float = 0.7  # auditor.dedup's near-duplicate thresholds (DedupSettings)
    containment: float = 0.9
    min_shingles: int = 5
    min_shared_words: int = 40
    # What two texts share must be prose, not menus: the median line of the shared text
    # has at least this many words (auditor.dedup's prose_line_words gate; 0: off). When
    # cleaning fails, two pages of one site keep the same menu lines and nothing else.
    prose_line_words: int = 8
    same_story: float = 0.5
    max_same_story: int = 3  # report the closest few, not every seed on the same topic


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


def _idf(n_docs: int, df: np.ndarray) -> np.ndarray:
    """Smoothed inverse document frequency (as scikit-learn's TfidfTransformer)."""
    return np.log((1 + n_docs) / (1 + df)) + 1.0


def _df(sorted_terms: np.ndarray, terms: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_terms, terms, "right") - np.searchsorted(sorted_terms, terms, "left")


@dataclass(slots=True)
class SeedIndex:
    """Signatures of many documents as flat arrays; entry i came from the file with content key keys[i]."""

    keys: np.ndarray  # str: SHA-256 of the file
    ids: np.ndarray  # str: the document's id inside its file
    text_hashes: np.ndarray  # str
    sizes: np.ndarray  # int64: unique shingles per entry
    sh_hash: np.ndarray  # uint64, sorted
    sh_doc: np.ndarray  # int32 entry of each shingle
    t_hash: np.ndarray  # uint64, sorted
    t_doc: np.ndarray  # int32
    t_weight: np.ndarray  # float64 sublinear tf
    norms: np.ndarray  # float64 TF-IDF norm of each entry (IDF of this index)

    @classmethod
    def build(cls, rows: list[tuple[str, str, Signature]]) -> SeedIndex:
        """From (file key, document id, signature) rows."""
        sigs = [s for _, _, s in rows]
        n = len(sigs)
        cat = np.concatenate
        sh = cat([s.shingles for s in sigs]) if sigs else np.zeros(0, np.uint64)
        sh_doc = np.repeat(np.arange(n, dtype=np.int32), [len(s.shingles) for s in sigs])
        th = cat([s.terms for s in sigs]) if sigs else np.zeros(0, np.uint64)
        t_doc = np.repeat(np.arange(n, dtype=np.int32), [len(s.terms) for s in sigs])
        tw = _tf(cat([s.counts for s in sigs])) if sigs else np.zeros(0)
        order, torder = np.argsort(sh, kind="stable"), np.argsort(th, kind="stable")
        th, t_doc, tw = th[torder], t_doc[torder], tw[torder]
        idf = _idf(n, _df(th, th))
        norms = np.sqrt(np.bincount(t_doc, weights=(tw * idf) ** 2, minlength=n))
        return cls(
            keys=np.array([k for k, _, _ in rows], dtype=str), ids=np.array([i for _, i, _ in rows], dtype=str),
            text_hashes=np.array([s.text_hash for s in sigs], dtype=str),
            sizes=np.array([len(s.shingles) for s in sigs], dtype=np.int64),
            sh_hash=sh[order], sh_doc=sh_doc[order], t_hash=th, t_doc=t_doc, t_weight=tw, norms=norms,
        )

    def __len__(self) -> int:
        return len(self.keys)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> SeedIndex:
        return cls(**{name: arrays[name] for name in ARRAYS})

    def rows(self) -> list[tuple[str, str, Signature]]:
        """The (file key, document id, signature) rows back, to merge into a new index."""
        sh_order = np.argsort(self.sh_doc, kind="stable")
        t_order = np.argsort(self.t_doc, kind="stable")
        sh_cut = np.searchsorted(self.sh_doc[sh_order], np.arange(len(self) + 1))
        t_cut = np.searchsorted(self.t_doc[t_order], np.arange(len(self) + 1))
        counts = np.rint(np.exp(self.t_weight - 1.0)).astype(np.int32)
        out = []
        for i in range(len(self)):
            ts = t_order[t_cut[i] : t_cut[i + 1]]
            terms = self.t_hash[ts]
            o = np.argsort(terms)
            sig = Signature(words=0, text_hash=str(self.text_hashes[i]),
                            shingles=np.sort(self.sh_hash[sh_order[sh_cut[i] : sh_cut[i + 1]]]),
                            terms=terms[o], counts=counts[ts][o])
            out.append((str(self.keys[i]), str(self.ids[i]), sig))
        return out


@dataclass(slots=True)
class Part:
    """One index, the files each entry's content is in now, and which entries still exist.

    Names are made only for the entries a finding mentions: on thousands of seeds,
    naming every entry up front was a fifth of a warm check.
    """

    index: SeedIndex
    files: dict[str, list[str]]  # content key -> the files (as walked) that hold it
    alive: np.ndarray  # bool
    multi: dict[str, int] = field(default_factory=dict)  # content key -> documents in that file, when > 1

    def name(self, i: int, exclude: str = "") -> str:
        """Entry i as findings name it: a file's path (`path#id` in a multi-document file),
        preferring a file other than the one checked (two seeds may hold the same content)."""
        key = str(self.index.keys[i])
        files = self.files.get(key, [])
        path = next((f for f in files if f != exclude), files[0] if files else "?")
        shown = os.path.normpath(path).replace(os.sep, "/")
        return f"{shown}#{self.index.ids[i]}" if self.multi.get(key, 1) > 1 else shown


@dataclass(slots=True)
class SeedSet:
    parts: list[Part] = field(default_factory=list)

    def __len__(self) -> int:
        return int(sum(p.alive.sum() for p in self.parts))

    def compare(self, text: str, sig: Signature, toks: Tokens, th: Thresholds, exclude: str = "",
                exclude_key: str = "") -> list[Finding]:
        """Findings that relate one document to the seeds: D001, D002, D004, D005 (at most one per seed).

        `exclude` (a seed file as walked, with content key `exclude_key`: the checked
        file's) is left out of the comparison, when the checked file is already in the
        folder. Texts that are not prose are not judged copies (a cleaning that failed
        leaves two pages of one site with the same menu lines), unless the bytes are the same.
        """
        if not sig.words or not len(self):
            return []
        found: list[Finding] = []
        stories: list[tuple[float, Finding]] = []
        df = sum((_df(p.index.t_hash, sig.terms) for p in self.parts), np.zeros(len(sig.terms), np.int64))
        idf = _idf(len(self), df)
        for p in self.parts:
            live = p.alive.copy()
            if exclude_key and p.files.get(exclude_key) == [exclude]:
                live &= p.index.keys != exclude_key
            f, s = _compare_part(p, live, text, sig, toks, th, idf, exclude, exclude_key)
            found += f
            stories += s
        stories.sort(key=lambda cf: -cf[0])
        return found + [f for _, f in stories[: th.max_same_story]]


def _is_prose(text: str, th: Thresholds) -> bool:
    return not th.prose_line_words or median_line_words(text) >= th.prose_line_words


def _compare_part(part: Part, live: np.ndarray, text: str, sig: Signature, toks: Tokens, th: Thresholds,
                  idf: np.ndarray, exclude: str, key: str) -> tuple[list[Finding], list[tuple[float, Finding]]]:
    ix = part.index
    names = _Names(part, exclude)
    findings: list[Finding] = []
    done = ~live
    prose = _is_prose(text, th)  # a copy is judged on the whole text: it must be prose
    # the same text: prose, or the very same bytes (`key`, the checked file's content key)
    for i in np.flatnonzero(live & (ix.text_hashes == sig.text_hash) & (prose | (ix.keys == key))):
        findings.append(_finding("D001", "exact-duplicate", Severity.ERROR, names[i], f"same text as {names[i]}",
                                 {"jaccard": 1.0}))
        done[i] = True
    qi, ki = _lookup(ix.sh_hash, sig.shingles)
    docs = ix.sh_doc[ki]
    inter = np.bincount(docs, minlength=len(ix))
    union = len(sig.shingles) + ix.sizes - inter
    jac = inter / np.maximum(union, 1)
    cont = inter / np.maximum(np.minimum(len(sig.shingles), ix.sizes), 1)
    big = (ix.sizes >= th.min_shingles) & (len(sig.shingles) >= th.min_shingles)
    near = ~done & big & ((jac >= th.jaccard) | (cont >= th.containment)) & prose
    for i in np.flatnonzero(near):
        findings.append(_finding(
            "D002", "near-duplicate", Severity.ERROR, names[i],
            f"near-duplicate of {names[i]} (Jaccard {jac[i]:.2f}, containment {cont[i]:.2f})",
            {"jaccard": round(float(jac[i]), 4), "containment": round(float(cont[i]), 4),
             "shared_shingles": int(inter[i])},
        ))
    done |= near
    for j, f in _shared_passages(text, sig, toks, th, qi, docs, inter, ~done, names):
        findings.append(f)
        done[j] = True
    return findings, (_same_story(ix, names, sig, th, ~done, idf) if prose else [])


class _Names:
    """names[i]: entry i's name, made when asked."""

    def __init__(self, part: Part, exclude: str) -> None:
        self.part, self.exclude = part, exclude

    def __getitem__(self, i: int | np.integer) -> str:
        return self.part.name(int(i), self.exclude)


def _shared_passages(text: str, sig: Signature, toks: Tokens, th: Thresholds, qi: np.ndarray, docs: np.ndarray,
                     inter: np.ndarray, live: np.ndarray, names: _Names) -> list[tuple[int, Finding]]:
    n = th.ngram
    need = max(1, (th.min_shared_words - n + 1) // 2)  # a shared run needs at least this many shingles
    cands = np.flatnonzero(live & (inter >= need))
    if not len(cands):
        return []
    positional = shingle_hashes(toks.hashes, n)
    out = []
    for i in cands:
        matched = sig.shingles[qi[docs == i]]  # sorted: qi ascends, each shingle once per entry
        found = np.searchsorted(matched, positional).clip(max=len(matched) - 1)
        last = len(toks.ends) - 1
        runs = [(a, b) for a, b in _runs(matched[found] == positional, n) if b - a + n >= th.min_shared_words
                and _is_prose(text[toks.starts[a] : toks.ends[min(b + n - 1, last)]], th)]
        if not runs:
            continue
        spans = [Span(int(toks.starts[a]), int(toks.ends[min(b + n - 1, last)]), "text") for a, b in runs]
        words = sum(min(b + n, len(toks.hashes)) - a for a, b in runs)
        longest = max(runs, key=lambda r: r[1] - r[0])
        share = words / max(sig.words, 1)
        out.append((int(i), _finding(
            "D004", "shared-passage", Severity.ERROR, names[i],
            f"shares {len(runs)} passage(s), {words} words ({share:.0%} of it), with {names[i]}",
            {"passages": len(runs), "shared_words": int(words), "share": round(share, 4),
             "longest_words": int(longest[1] - longest[0] + n), "min_words": th.min_shared_words},
            spans,
        )))
    return out


def _same_story(ix: SeedIndex, names: _Names, sig: Signature, th: Thresholds, live: np.ndarray,
                idf: np.ndarray) -> list[tuple[float, Finding]]:
    if not len(sig.terms) or not live.any():
        return []
    qi, ki = _lookup(ix.t_hash, sig.terms)
    wq = _tf(sig.counts) * idf
    dots = np.bincount(ix.t_doc[ki], weights=ix.t_weight[ki] * idf[qi] * wq[qi], minlength=len(ix))
    cos = dots / np.maximum(np.linalg.norm(wq) * ix.norms, 1e-12)
    hits = [i for i in np.argsort(-cos) if live[i] and cos[i] >= th.same_story][: th.max_same_story]
    return [
        (float(cos[i]), _finding("D005", "same-story", Severity.WARNING, names[i],
                                 f"tells the same story as {names[i]} (TF-IDF cosine {cos[i]:.2f})",
                                 {"cosine": round(float(cos[i]), 4), "threshold": th.same_story}))
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
