"""Provenance inside a group of copies or rewrites of one story: which one is the original.

Decided from the texts (and metadata dates when both documents have one), never from
ids or order. For two documents A and B of one group, four kinds of evidence:

1. **dates**: when both carry a publication date in their metadata, the earlier one
   is the original (decisive);
2. **specifics** (names, numbers, dates, quotations) one text carries and the other
   lacks: a rewrite or a copy thins details out far more often than it invents them,
   and the original is the one the other's specifics are contained in;
3. **content carried**: word-aligned (difflib) blocks of prose one text has and the
   other lacks: a truncated copy, a copy with paragraphs dropped, or a short answer
   cut from a longer source is contained in its original, not the other way round;
4. **edits**: where the aligned texts differ by a word or two, the version whose
   wording is the more usual one in the group (word and word-pair counts) is the
   original: typos, OCR noise and word swaps are what copying adds;
5. **typography**: curly quotes and dashes one text keeps and the other flattened.

Only prose lines count (lines of at least `PROSE_LINE_WORDS` words, as the dedup
stage's shared-prose gate): the menus and footers of a site that re-published a
story are the site's, not the story's. Weights were chosen by measurement on
make_neardup.py --seed 1 and checked on the Clough & Stevenson reuse corpus (see
benchmarks/tasks/neardup.py and reuse.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PROSE_LINE_WORDS = 8  # as DedupSettings.prose_line_words: shorter lines are menus, headlines, footers
EDIT_MAX_WORDS = 4  # an unshared run this short (each side) is an edit, longer is content
ANCHOR_WORDS = 3  # word n-grams that anchor the two texts to each other
# Weights of the evidence (sum of terms in [-1, 1]); measured on make_neardup seed 1, see module doc.
W_SPECIFICS = 1.0
W_CONTENT = 1.5
W_EDITS = 2.0
W_TYPOGRAPHY = 0.5
# wording a third member shares (groups of three or more); 1.0 against 0 and 2: make_neardup seeds
# 1/2/3 gold groups 0.911/0.935/0.938 against 0.906/0.930/0.933 and 0.867 (seed 1); Clough 0.982 against 0.912
W_CONSENSUS = 1.0
# weight of carried prose no third member has; 0.5 against 1: Clough 0.982 against 0.947 (neardup the same)
W_ALONE = 0.5
PRIOR_SPECIFICS = 2.0  # pseudo-counts: a single specific, edit or short run is weak evidence
PRIOR_WORDS = 20.0
PRIOR_EDITS = 2.0

_WORD = re.compile(r"[^\W_]+(?:['\u2019.,][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)+|\d{2,}")  # not lone digits: list markers and small counts
# a capitalised word inside a sentence (after a word or a comma, not after a sentence mark): a name,
# a place, an organisation, a month
_NAME = re.compile(r"(?<=[^\W_] )[A-Z][^\W_]+(?:[-'][^\W_]+)*|(?<=, )[A-Z][^\W_]+(?:[-'][^\W_]+)*")
# words a title-case heading leaves in lower case
_TITLE_SMALL = frozenset("a an and as at but by for from in into nor of on onto or over per the to under up "
                         "upon via vs with".split())
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")  # a word as _NAME takes it (hyphens and apostrophes inside)
# a line's parts that may be headings of their own: table cells, a list item's label before its colon
_PARTS = re.compile(r"\s*\|\s*|:\s+")
_QUOTE = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]"
                    r"([^\"\u201c\u201d\u00ab\u00bb\n]{12,300})"
                    r"[\"\u201c\u201d\u00ab\u00bb]")
_CURLY = re.compile(r"[\u2018\u2019\u201c\u201d\u2013\u2014]")
_SENT_END = re.compile(r"[.!?:\"\u201d]\s*$")
_DATE_KEYS = ("date", "published", "published_at", "date_published", "timestamp", "created")


@dataclass(slots=True)
class Profile:
    """What provenance needs of one text: its prose words (normalised and as written) and specifics."""

    words: list[str]  # lower-cased prose words, in order
    specifics: set[str]  # names, numbers, dates and quotations, normalised
    curly: int  # typographic quotes and dashes in the prose
    date: str | None = None  # publication date from metadata (ISO-like, comparable as text)
    extra_words: int = 0  # words outside the prose (menus, headlines, footers around it)
    elsewhere: list[bool] | None = None  # per word: inside a passage found in a document outside the group
    support: list[bool] | None = None  # per word: inside a passage another member of the group also has
    grams: set[int] | None = None  # word 3-grams (keys), in a group of three or more
    shared: set[int] | None = None  # of those, the ones another member of the group also has


@dataclass(slots=True)
class Judgement:
    """Which of two documents is the original, with the evidence."""

    original: int
    derivative: int
    score: float  # > 0: the evidence favours `original`; near 0: a guess
    reasons: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def prose_lines(text: str) -> list[str]:
    """Lines of the blocks (split on blank lines) that read as prose: a median line of at least
    `PROSE_LINE_WORDS` words and a sentence mark. A block of short lines is a menu or a list of
    headlines; hard-wrapped paragraphs keep every line."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        counts = sorted(len(ln.split()) for ln in lines)
        if counts[len(counts) // 2] >= PROSE_LINE_WORDS and re.search(r"[.!?]", block):
            out += lines
    return out or [ln.strip() for ln in text.splitlines() if ln.strip()]


def _title_case(line: str) -> bool:
    """A heading in title case: two or more words, every one but the small ones (of, into, the...)
    capitalised, and no sentence mark at its end."""
    words = [w for w in _WORD.findall(line) if not w[0].isdigit()]
    if len(words) < 2 or line.rstrip()[-1:] in ".!?":
        return False
    big = [w for w in words if w.lower() not in _TITLE_SMALL]
    return bool(big) and sum(w[0].isupper() for w in big) >= 0.9 * len(big)


def profile(text: str, metadata: dict[str, Any] | None = None) -> Profile:
    words: list[str] = []
    specifics: set[str] = set()
    styled: set[str] = set()  # capitalised words of title-case headings
    lower: set[str] = set()  # words the text also writes in lower case
    curly = 0
    for line in prose_lines(text):
        curly += len(_CURLY.findall(line))
        norm = line.replace("\u2019", "'")
        words += _WORD.findall(norm.lower())
        lower.update(w for w in _TOKEN.findall(norm) if w[0].islower())
        specifics.update(n.replace(",", "") for n in _NUMBER.findall(norm))
        specifics.update(w.lower() for w in _NAME.findall(norm))
        for part in _PARTS.split(norm):
            if _title_case(part):
                styled.update(w.lower() for w in _TOKEN.findall(part) if w[0].isupper())
        for q in _QUOTE.findall(norm):
            specifics.add("\u201c" + " ".join(_WORD.findall(q.lower())[:8]))
    # a heading's capitals are its style: a word it capitalises that the text also writes in lower
    # case ("Agreement", "Efforts") is no name; a name stays ("Rammstein" in a chart, "Trump")
    specifics -= styled & lower
    extra = max(0, len(_WORD.findall(text)) - len(words))
    return Profile(words=words, specifics=specifics, curly=curly, date=_date_of(metadata or {}), extra_words=extra)


def _date_of(meta: dict[str, Any]) -> str | None:
    for key in _DATE_KEYS:
        v = meta.get(key)
        if isinstance(v, str) and re.match(r"^\d{4}-\d{2}(-\d{2})?", v.strip()):
            return v.strip()
    return None


@dataclass(slots=True)
class Usage:
    """Word and word-pair counts over a group's texts: what wording is usual there."""

    unigrams: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)
    # in how many documents of the whole corpus each word occurs: breaks a tie inside a group of
    # two, where each variant occurs once (a typo or OCR slip is a rare word, the word it spoils is not)
    corpus_df: Counter[str] | None = None

    def add(self, words: Sequence[str]) -> None:
        self.unigrams.update(words)
        self.bigrams.update(zip(words, words[1:], strict=False))

    def naturalness(self, left: str | None, middle: Sequence[str], right: str | None) -> float:
        seq = ([left] if left else []) + list(middle) + ([right] if right else [])
        uni = sum(math.log1p(self.unigrams[w]) for w in middle) / max(1, len(middle))
        bi = sum(math.log1p(self.bigrams[(x, y)]) for x, y in zip(seq, seq[1:], strict=False)) / max(1, len(seq) - 1)
        return uni + bi

    def commonness(self, middle: Sequence[str]) -> float:
        if not self.corpus_df or not middle:
            return 0.0
        return sum(math.log1p(self.corpus_df[w]) for w in middle) / len(middle)


@dataclass(slots=True)
class Alignment:
    covered_a: int = 0  # words of a inside a word n-gram b also has
    covered_b: int = 0
    carried_a: int = 0  # words of a in runs b lacks (content), beyond small edits
    carried_b: int = 0
    borrowed_a: int = 0  # words of a in runs b lacks that are found in a document outside the group
    borrowed_b: int = 0
    votes_a: int = 0  # small edits where a's wording is the usual one
    votes_b: int = 0
    alone_a: int = 0  # of carried_a: words no other member of the group has (when support is known)
    alone_b: int = 0


def _covered(words: Sequence[str], grams: set[tuple[str, ...]], n: int) -> list[bool]:
    cov = [False] * len(words)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) in grams:
            for k in range(i, i + n):
                cov[k] = True
    return cov


def _runs(cov: list[bool]) -> list[tuple[int, int]]:
    out, start = [], None
    for i, c in enumerate([*cov, True]):
        if not c and start is None:
            start = i
        elif c and start is not None:
            out.append((start, i))
            start = None
    return out


def _is_borrowed(elsewhere: list[bool] | None, s: int, e: int) -> bool:
    return elsewhere is not None and sum(elsewhere[s:e]) >= 0.5 * (e - s)


def align(wa: Sequence[str], wb: Sequence[str], usage: Usage, n: int = ANCHOR_WORDS,
          elsewhere_a: list[bool] | None = None, elsewhere_b: list[bool] | None = None,
          support_a: list[bool] | None = None, support_b: list[bool] | None = None) -> Alignment:
    """Anchor the two word sequences on the word n-grams they share (linear time, unlike difflib):
    words outside every shared n-gram are either small edits (a run of at most `EDIT_MAX_WORDS`
    words facing a run as short at the same anchor in the other text) or content one carries."""
    ga = {tuple(wa[i : i + n]) for i in range(len(wa) - n + 1)}
    first_b: dict[tuple[str, ...], int] = {}
    for i in range(len(wb) - n + 1):
        first_b.setdefault(tuple(wb[i : i + n]), i)
    cov_a = _covered(wa, set(first_b), n)
    cov_b = _covered(wb, ga, n)
    out = Alignment(covered_a=sum(cov_a), covered_b=sum(cov_b))
    runs_b = {s: e for s, e in _runs(cov_b)}
    paired_b: set[int] = set()
    for s, e in _runs(cov_a):
        j = first_b.get(tuple(wa[s - n : s])) if s >= n else (-n if s == 0 else None)  # both open the text
        if j is not None and (j + n) in runs_b:
            j0, j1 = j + n, runs_b[j + n]
            if e - s <= EDIT_MAX_WORDS and j1 - j0 <= EDIT_MAX_WORDS:
                paired_b.add(j0)
                left = wa[s - 1] if s else None
                right = wa[e] if e < len(wa) else None
                na = usage.naturalness(left, wa[s:e], right)
                nb = usage.naturalness(left, wb[j0:j1], right)
                if abs(na - nb) <= 1e-9:  # the group cannot tell: the wording more common in the corpus
                    na, nb = usage.commonness(wa[s:e]), usage.commonness(wb[j0:j1])
                if na > nb + 1e-9:
                    out.votes_a += 1
                elif nb > na + 1e-9:
                    out.votes_b += 1
                continue
        if e - s > EDIT_MAX_WORDS:
            if _is_borrowed(elsewhere_a, s, e):  # a passage from another story: inserted, not dropped
                out.borrowed_a += e - s
            elif _is_borrowed(support_a, s, e):  # another member kept it too: the story's own text
                out.carried_a += e - s
            else:
                out.carried_a += e - s
                out.alone_a += (e - s) if support_a is not None else 0
    for s, e in runs_b.items():
        if s not in paired_b and e - s > EDIT_MAX_WORDS:
            if _is_borrowed(elsewhere_b, s, e):
                out.borrowed_b += e - s
            elif _is_borrowed(support_b, s, e):
                out.carried_b += e - s
            else:
                out.carried_b += e - s
                out.alone_b += (e - s) if support_b is not None else 0
    return out


def _own_specifics(p: Profile) -> set[str]:
    """The specifics of a text less those only found inside passages from other documents (an
    inserted advert or paragraph of another story brings its own names and numbers)."""
    if not p.elsewhere or not any(p.elsewhere):
        return p.specifics
    inside = {w.replace(",", "") for w, m in zip(p.words, p.elsewhere, strict=True) if m}
    outside = {w.replace(",", "") for w, m in zip(p.words, p.elsewhere, strict=True) if not m}
    out = set()
    for spec in p.specifics:
        toks = _WORD.findall(spec.lstrip("\u201c"))[:1] or [spec]
        if toks[0].replace(",", "") in outside or toks[0].replace(",", "") not in inside:
            out.add(spec)
    return out


def _frac(x: float, y: float, prior: float = 0.0) -> float:
    """(x - y) / (x + y + prior): near +1 all for x, near -1 all for y, 0 balanced or nothing; the
    prior keeps one or two observations from counting as much as many."""
    return (x - y) / (x + y + prior) if x + y + prior else 0.0


def judge(a: Profile, b: Profile, usage: Usage, ia: int = 0, ib: int = 1) -> Judgement:
    """Which of a (index `ia`) and b (index `ib`) is the original, and why."""
    reasons: list[str] = []
    ev: dict[str, Any] = {}
    if a.date and b.date and a.date != b.date:
        first = ia if a.date < b.date else ib
        ev["dates"] = {"a": a.date, "b": b.date}
        return Judgement(first, ib if first == ia else ia, 10.0,
                         [f"published first ({min(a.date, b.date)} before {max(a.date, b.date)})"], ev)
    spec_a, spec_b = _own_specifics(a), _own_specifics(b)
    only_a = sorted(spec_a - spec_b)
    only_b = sorted(spec_b - spec_a)
    s_spec = _frac(len(only_a), len(only_b), PRIOR_SPECIFICS)
    ev["specifics_only_in_a"] = only_a[:20]
    ev["specifics_only_in_b"] = only_b[:20]
    ev["specifics_shared"] = len(a.specifics & b.specifics)

    al = align(a.words, b.words, usage, elsewhere_a=a.elsewhere, elsewhere_b=b.elsewhere,
               support_a=a.support, support_b=b.support)
    carried_a, carried_b, votes_a, votes_b = al.carried_a, al.carried_b, al.votes_a, al.votes_b
    # prose one carries that no other member of the group has is as likely its own addition as
    # the story's text the others dropped: it counts for less
    c_a = carried_a - (1 - W_ALONE) * al.alone_a
    c_b = carried_b - (1 - W_ALONE) * al.alone_b
    wa, wb, matched = a.words, b.words, al.covered_a
    # a passage one carries that comes from another story counts for the other side
    s_content = _frac(c_a + al.borrowed_b, c_b + al.borrowed_a, PRIOR_WORDS)
    s_edits = _frac(votes_a, votes_b, PRIOR_EDITS)
    cons_a, cons_b = _consensus(a, b)
    s_cons = _frac(cons_a, cons_b, PRIOR_EDITS)
    s_typo = _frac(min(a.curly, 20), min(b.curly, 20)) if max(a.curly, b.curly) >= 1 else 0.0
    ev.update(words_only_in_a=carried_a, words_only_in_b=carried_b, words_aligned=matched,
              consensus_a=cons_a, consensus_b=cons_b,
              containment_a_in_b=round(matched / max(1, len(wa)), 3),
              containment_b_in_a=round(al.covered_b / max(1, len(wb)), 3),
              borrowed_words_a=al.borrowed_a, borrowed_words_b=al.borrowed_b, extra_words_a=a.extra_words,
              extra_words_b=b.extra_words, edits_favouring_a=votes_a, edits_favouring_b=votes_b,
              curly_a=a.curly, curly_b=b.curly)
    score = (W_SPECIFICS * s_spec + W_CONTENT * s_content + W_EDITS * s_edits + W_TYPOGRAPHY * s_typo
             + W_CONSENSUS * s_cons)
    if score == 0.0:  # the same prose: the one re-published with less around it (a copy is wrapped in its site)
        score = 1e-3 * _frac(b.extra_words, a.extra_words) or 1e-6 * _frac(len(a.words), len(b.words))
    ev["score"] = round(score, 4)
    first = ia if score > 0 else ib
    sign = 1 if score > 0 else -1
    o_only, d_only = (only_a, only_b) if sign > 0 else (only_b, only_a)
    o_carried, d_carried = (carried_a, carried_b) if sign > 0 else (carried_b, carried_a)
    o_votes, d_votes = (votes_a, votes_b) if sign > 0 else (votes_b, votes_a)
    if o_only or d_only:
        shown = ", ".join(o_only[:6]) or "none"
        reasons.append(f"carries {len(o_only)} specifics the other lacks ({shown}); "
                       f"the other has {len(d_only)} of its own")
    if o_carried or d_carried:
        cont = ev["containment_b_in_a"] if sign > 0 else ev["containment_a_in_b"]
        reasons.append(f"{o_carried} words of prose the other lacks, against {d_carried}; "
                       f"{cont:.0%} of the other is contained in it")
    if o_votes or d_votes:
        reasons.append(f"the usual wording at {o_votes} of {o_votes + d_votes} small edits "
                       "(the other has typos or swapped words)")
    if sign * s_typo > 0:
        reasons.append("keeps typographic quotes and dashes the other flattened")
    return Judgement(first, ib if first == ia else ia, abs(score), reasons, _oriented(ev, sign > 0))


def _oriented(ev: dict[str, Any], a_is_original: bool) -> dict[str, Any]:
    """Evidence keyed by role (original / derivative) instead of by argument order."""
    o, d = ("a", "b") if a_is_original else ("b", "a")
    out: dict[str, Any] = {}
    for key, value in ev.items():
        if key.startswith("containment_"):  # containment_X_in_Y
            x, y = key.removeprefix("containment_").split("_in_")
            role = {o: "original", d: "derivative"}
            out[f"containment_{role[x]}_in_{role[y]}"] = value
            continue
        for side, name in ((o, "original"), (d, "derivative")):
            if key.endswith(f"_{side}"):  # X_a -> X_original; X_in_a -> X_in_original
                key = key[: -len(side)] + name
                break
        out[key] = value
    out["score"] = abs(float(ev.get("score", 0.0)))
    return out


@dataclass(slots=True)
class StoryOrigin:
    """The judged original of one group, and each other member's judgement against it."""

    members: list[int]
    original: int
    judgements: dict[int, Judgement]  # derivative index -> its judgement against the original
    wins: dict[int, float]


def find_original(profiles: Sequence[Profile], members: Sequence[int], usage: Usage | None = None) -> StoryOrigin:
    """The member with the most evidence of being the original against all the others
    (sum of signed pairwise scores; with copies of copies, the base wins most pairs)."""
    if usage is None:
        usage = Usage()
        for i in members:
            usage.add(profiles[i].words)
    wins = {i: 0.0 for i in members}
    pairs: dict[tuple[int, int], Judgement] = {}
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            jd = judge(profiles[i], profiles[j], usage, i, j)
            pairs[(i, j)] = jd
            wins[jd.original] += jd.score
            wins[jd.derivative] -= jd.score
    original = max(members, key=lambda i: (wins[i], len(profiles[i].words), -i))
    out: dict[int, Judgement] = {}
    for i in members:
        if i == original:
            continue
        jd = pairs.get((original, i)) or pairs[(i, original)]
        if jd.original != original:  # it lost this pair but won the group: say so
            jd = judge(profiles[original], profiles[i], usage, original, i)
            jd.reasons.append("judged original of the group as a whole (wins against the other members)")
            jd = Judgement(original, i, 0.0, jd.reasons, jd.evidence)
        out[i] = jd
    return StoryOrigin(list(members), original, out, wins)


BORROW_WORDS = 8  # word n-grams that show a passage came from a document outside the group


def _grams(words: Sequence[str], n: int = BORROW_WORDS) -> np.ndarray:
    """A 64-bit key per word n-gram (polynomial over word hashes, NumPy: no tuple per position)."""
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    ids = np.array([hash(w) for w in words], dtype=np.int64).view(np.uint64)  # one process: hashes agree
    keys = np.zeros(len(words) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            keys = keys * np.uint64(1_000_003) + ids[k : len(words) - n + 1 + k] + np.uint64(1)
    return keys


def mark_elsewhere(profiles: dict[int, Profile], group_of: dict[int, int], texts: Sequence[str]) -> Counter[str]:
    """Mark the words of each profiled document that lie in a passage (word 8-grams) found in a
    document outside its group, unless more members of its own group carry it (the passage is
    its story's, copied out): inserted material (an advert, a paragraph of another story).
    Returns each word's document frequency over all `texts` (the corpus word list)."""
    grams = {i: _grams(p.words) for i, p in profiles.items()}
    wanted: dict[int, Counter[int]] = {}
    for g in grams.values():
        for h in g.tolist():
            wanted.setdefault(h, Counter())
    keys = set(wanted)
    df: Counter[str] = Counter()
    for k, text in enumerate(texts):
        if k in profiles:
            found, words = grams[k], profiles[k].words
        else:
            words = _WORD.findall(" ".join(prose_lines(text)).lower().replace("\u2019", "'"))
            found = _grams(words)
        df.update(set(words))
        owner = group_of.get(k, -1 - k)
        for h in keys.intersection(found.tolist()):
            wanted[h][owner] += 1
    for i, p in profiles.items():
        flags = np.array([_foreign(wanted[h], group_of[i]) for h in grams[i].tolist()], dtype=bool)
        p.elsewhere = _spread(flags, len(p.words))
    return df


def _foreign(owners: Counter[int], own: int) -> bool:
    """A passage is another story's when some other group (or lone document) has it at least as
    often as the passage's own group: an advert paragraph is in one copy, its story in several."""
    return any(n >= owners[own] for o, n in owners.items() if o != own)


def _spread(flags: np.ndarray, n_words: int) -> list[bool]:
    """Per word: whether any n-gram covering it is flagged."""
    marks = np.zeros(n_words, dtype=bool)
    for q in range(BORROW_WORDS):
        marks[q : q + len(flags)] |= flags
    return marks.tolist()


def mark_support(profiles: Sequence[Profile]) -> None:
    """In a group of three or more, mark the words of each member that another member (any, the
    one it is judged against included) also has in a word 8-gram. Carried prose that is marked is
    the story's own; what only one member has may be its addition."""
    if len(profiles) < 3:
        return
    grams = [_grams(p.words) for p in profiles]
    count: Counter[int] = Counter()
    for arr in grams:
        count.update(set(arr.tolist()))
    for p, arr in zip(profiles, grams, strict=True):
        p.support = _spread(np.array([count[h] > 1 for h in arr.tolist()], dtype=bool), len(p.words))
    small = [set(_grams(p.words, ANCHOR_WORDS).tolist()) for p in profiles]
    count3: Counter[int] = Counter()
    for g3 in small:
        count3.update(g3)
    for p, g3 in zip(profiles, small, strict=True):
        p.grams = g3
        p.shared = {h for h in g3 if count3[h] > 1}


def _consensus(a: Profile, b: Profile) -> tuple[int, int]:
    """Word 3-grams each has that the other lacks and a third member of the group has: where two
    copies differ (a typo, a swapped word, a moved or dropped paragraph), the original's wording
    is the one the other copies share."""
    if a.shared is None or b.shared is None or a.grams is None or b.grams is None:
        return 0, 0
    return len(a.shared - b.grams), len(b.shared - a.grams)


def originals(texts: Sequence[str], groups: Sequence[Sequence[int]],
              metadata: Sequence[dict[str, Any]] | None = None) -> list[StoryOrigin]:
    """The judged original of each group (of two or more indexes into `texts`)."""
    needed = sorted({i for g in groups if len(g) > 1 for i in g})
    if not needed:
        return []  # no group to judge: spare the scan of every text
    profiles: dict[int, Profile] = {i: profile(texts[i], metadata[i] if metadata else None) for i in needed}
    group_of = {i: g_id for g_id, g in enumerate(groups) if len(g) > 1 for i in g}
    df = mark_elsewhere(profiles, group_of, texts)
    out = []
    for g in groups:
        if len(g) < 2:
            continue
        local = [profiles[i] for i in g]
        # usage of the group's own texts: measured better than the whole corpus's on make_neardup
        # seed 1 (0.883 against 0.869), though worse on Clough & Stevenson pairs (0.895 against 0.912)
        mark_support(local)
        usage = Usage(corpus_df=df)
        for p in local:
            usage.add(p.words)
        res = find_original(local, list(range(len(g))), usage)
        out.append(StoryOrigin(
            members=[g[k] for k in res.members], original=g[res.original],
            judgements={g[k]: Judgement(g[jd.original], g[jd.derivative], jd.score, jd.reasons, jd.evidence)
                        for k, jd in res.judgements.items()},
            wins={g[k]: round(v, 4) for k, v in res.wins.items()},
        ))
    return out


def pair_judgements(texts: Sequence[str], groups: Sequence[Sequence[int]],
                    pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], Judgement]:
    """Judge given pairs (i, j) of `texts` inside their same-story groups: each pair's two texts
    are weighed with what the rest of their group shares (usage, support, consensus), as
    `originals` does. A pair whose texts are in no common group is judged on its own."""
    needed = sorted({i for g in groups for i in g} | {i for p in pairs for i in p})
    profiles = {i: profile(texts[i]) for i in needed}
    group_of = {i: g_id for g_id, g in enumerate(groups) if len(g) > 1 for i in g}
    alone = {i: len(groups) + i for i in needed if i not in group_of}
    df = mark_elsewhere(profiles, {**group_of, **alone}, texts)
    for i in alone:  # no group: nothing tells its own passages from inserted ones
        profiles[i].elsewhere = None
    usages: dict[int, Usage] = {}
    for g_id, g in enumerate(groups):
        if len(g) > 1:
            mark_support([profiles[i] for i in g])
            usages[g_id] = Usage(corpus_df=df)
            for i in g:
                usages[g_id].add(profiles[i].words)
    out = {}
    for i, j in pairs:
        g_i = group_of.get(i)
        usage = usages[g_i] if g_i is not None and group_of.get(j) == g_i else None
        if usage is None:
            usage = Usage(corpus_df=df)
            usage.add(profiles[i].words)
            usage.add(profiles[j].words)
        out[(i, j)] = judge(profiles[i], profiles[j], usage, i, j)
    return out
