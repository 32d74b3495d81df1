"""Checks from the web-corpus filters of C4 and FineWeb, and boilerplate left after cleaning.

C4 (Raffel et al. 2020, section 2.2) removes *lines*; here each of its line rules is
measured per document (the share of lines C4 would drop), and its document rules
(lorem ipsum, a curly bracket, fewer than 5 sentences left) are kept as they are.
The definitions follow datatrove's C4QualityFilter and FineWebQualityFilter.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from itertools import compress, repeat
from typing import Any

import numpy as np

from auditor.document import Span
from auditor.score.checks import CHECKS, Measure, check
from auditor.score.checks_template import _phrase_gates
from auditor.score.signals import TextStats
from auditor.segment import Piece

# C4's terminal punctuation (as in datatrove: END_PUNCTUATION); a line ending in an
# ellipsis does not count as ended.
END_PUNCTUATION = (".", "?", "!", '"', "'")
_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]", re.IGNORECASE)
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before a space.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]”’]*(?=\s|$)")
C4_POLICY = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _c4_reason(line: str, terminal_punct: bool, min_words: int, max_word_length: int, policy: list[str]) -> str:
    """Why C4's line filter drops this (stripped) line ('' when it keeps it)."""
    words = line.split()
    if words and max(map(len, words)) > max_word_length:
        return "long-word"
    text = _CITATION.sub("", line).strip() if "[" in line else line  # no bracket: no citation marker
    if terminal_punct and (not text.endswith(END_PUNCTUATION) or text.endswith(("...", "…"))):
        return "no-terminal-punctuation"
    if len(words) < min_words:
        return "few-words"
    low = text.lower()
    if "javascript" in low:
        return "javascript"
    if any(p in low for p in policy):
        return "policy"
    return ""


_C4_REASONS = ("", "long-word", "no-terminal-punctuation", "few-words", "javascript", "policy")


def _c4_codes(
    s: TextStats, terminal_punct: bool = True, min_words: int = 3, max_word_length: int = 1000,
    policy: list[str] | None = None,
) -> np.ndarray:
    """Per line, the index in `_C4_REASONS` of why C4's line filter drops it (0: kept); computed
    once per text and options, each condition for all lines at once (`_c4_reason`, per line, is
    the definition and decides the lines with a citation bracket)."""
    policy = policy or C4_POLICY
    key = ("c4_codes", terminal_punct, min_words, max_word_length, tuple(policy))
    found = s.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    sl = s.stripped_lines
    codes = np.zeros(s.line_count, dtype=np.int8)
    if sl:
        # Later reasons first, so that the first reason that applies is the one left.
        low = s.lower
        if "javascript" in low or _any_in(low, policy):  # a line's lowercase is part of the text's
            # The lines lowered and joined: lower() keeps every newline where it is, and its one
            # context rule (final sigma) stops at a newline, so each line lowers as it would alone.
            joined = "\n".join(sl).lower()
            codes[_lines_holding(joined, [p for p in policy if p in low])] = 5
            codes[_lines_holding(joined, ["javascript"])] = 4
        codes[s.line_word_counts < min_words] = 3
        if terminal_punct:
            ended = s.lines_ending(END_PUNCTUATION)
            trailing = s.lines_ending(("...", "…"))
            codes[~ended | trailing] = 2
        for i in np.flatnonzero(s.line_lengths > max_word_length).tolist():  # only these can hold a long word
            if max(map(len, sl[i].split())) > max_word_length:
                codes[i] = 1
        if "[" in s.text:
            for i in np.flatnonzero(s.lines_mask(map(str.__contains__, sl, repeat("[")))).tolist():
                why = _c4_reason(sl[i], terminal_punct, min_words, max_word_length, policy)
                codes[i] = _C4_REASONS.index(why)
    s.memo[key] = codes
    return codes


def _any_in(low: str, phrases: list[str]) -> bool:
    """any(p in low for p in phrases), one scan for the phrases that share a word (`_phrase_gates`:
    "cookie" stands for the four cookie phrases of C4's policy list)."""
    gates = _phrase_gates(tuple(phrases))
    absent: set[str] = set()
    for p, gate in zip(phrases, gates, strict=True):
        if gate:
            if gate in absent:
                continue
            if gate not in low:
                absent.add(gate)
                continue
        if p in low:
            return True
    return False


def _lines_holding(joined: str, needles: list[str]) -> list[int]:
    """Indices of the lines of `joined` (lines joined by newlines) that contain any of the needles
    (none of which holds a newline): str.find over the whole, the line told by the newlines before."""
    hits: list[int] = []
    for needle in needles:
        if "\n" in needle:  # cannot be in one line, but the joined text could hold it
            continue
        at = joined.find(needle)
        while at != -1:
            hits.append(at)
            at = joined.find(needle, at + 1)
    if not hits:
        return []
    newlines = np.flatnonzero(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32) == 10)
    return sorted(set(np.searchsorted(newlines, np.asarray(hits, dtype=np.int64)).tolist()))


def c4_kept_lines(
    s: TextStats, terminal_punct: bool = True, min_words: int = 3, max_word_length: int = 1000,
    policy: list[str] | None = None,
) -> tuple[list[Piece], list[tuple[Piece, str]]]:
    """(lines C4 keeps, (line, reason) for those it drops)."""
    codes = _c4_codes(s, terminal_punct, min_words, max_word_length, policy).tolist()
    kept = [s.line_piece(i) for i, c in enumerate(codes) if c == 0]
    dropped = [(s.line_piece(i), _C4_REASONS[c]) for i, c in enumerate(codes) if c]
    return kept, dropped


@check("c4_dropped_line_ratio", "share of lines", terminal_punct=True, min_words=3, max_word_length=1000,
       policy=C4_POLICY)
def c4_dropped_line_ratio(
    s: TextStats, terminal_punct: bool, min_words: int, max_word_length: int, policy: list[str]
) -> Measure:
    """Share of lines that C4's line filter would remove (no end mark, < 3 words, javascript, policy text)."""
    codes = _c4_codes(s, terminal_punct, min_words, max_word_length, policy)
    dropped = int(np.count_nonzero(codes))

    def explain() -> tuple[list[Span], dict[str, Any]]:
        # reasons counted, in the order each first occurs over the lines
        dropped_codes = codes[codes > 0]
        kinds, first = np.unique(dropped_codes, return_index=True)
        per_kind = np.bincount(dropped_codes, minlength=len(_C4_REASONS))
        reasons = {_C4_REASONS[c]: int(per_kind[c]) for c in kinds[np.argsort(first)].tolist()}
        return (s.line_spans(np.flatnonzero(codes)[:20]),
                {"dropped_lines": dropped, "lines": s.line_count, "reasons": reasons})

    return Measure(_ratio(dropped, s.line_count), explain=explain)


@check("c4_sentence_count", "sentences", terminal_punct=True, min_words=3)
def c4_sentence_count(s: TextStats, terminal_punct: bool, min_words: int) -> Measure:
    """Sentences left in the lines C4's line filter keeps."""
    codes = _c4_codes(s, terminal_punct, min_words)
    kept = list(compress(s.raw_lines, (codes == 0).tolist()))
    # One pass over the kept lines joined: a sentence end never spans a newline, and before one
    # the lookahead sees a space just as it sees the end of a line searched alone.
    joined = "\n".join(kept)
    marked = _SENTENCE_END.sub("\0", joined).split("\n")
    ends = np.fromiter(map(str.count, marked, repeat("\0")), dtype=np.int64, count=len(kept))
    if "\0" in joined:  # NULs of the text itself are not sentence ends
        ends -= np.fromiter(map(str.count, kept, repeat("\0")), dtype=np.int64, count=len(kept))
    return Measure(int(np.maximum(ends, 1).sum()), detail={"kept_lines": len(kept)})


def _c4_sentence_bound(s: TextStats, options: dict[str, Any]) -> tuple[float, float] | None:
    """Every kept line counts at least one sentence, so the kept lines bound the count from below
    (C4's line verdicts, shared with the line rule, are at hand): a text with 5+ kept lines spares
    Q304 the sentence search."""
    if set(options) - {"terminal_punct", "min_words"}:
        return None
    codes = _c4_codes(s, options.get("terminal_punct", True), options.get("min_words", 3))
    return (float(np.count_nonzero(codes == 0)), float("inf"))


CHECKS["c4_sentence_count"] = dataclasses.replace(CHECKS["c4_sentence_count"], bound=_c4_sentence_bound)


@check("substring_count", "occurrences", substrings=["lorem ipsum"], ignore_case=True, c4_kept_only=False)
def substring_count(s: TextStats, substrings: list[str], ignore_case: bool, c4_kept_only: bool) -> Measure:
    """Occurrences of any of the given substrings (optionally only in lines C4 keeps)."""
    whole = s.lower if ignore_case else s.text  # a line's lowercase is part of the text's
    if not any((sub.lower() if ignore_case else sub) in whole for sub in substrings):
        return Measure(0, [], {"found": []})
    pieces = c4_kept_lines(s)[0] if c4_kept_only else [Piece(0, len(s.text), s.text)]
    spans: list[Span] = []
    for p in pieces:
        hay = p.text.lower() if ignore_case else p.text
        for sub in substrings:
            needle = sub.lower() if ignore_case else sub
            start = hay.find(needle)
            while start != -1:
                spans.append(Span(p.start + start, p.start + start + len(sub)))
                start = hay.find(needle, start + 1)
    spans.sort(key=lambda sp: sp.start)
    return Measure(len(spans), spans[:20], {"found": sorted({s.text[x.start:x.end] for x in spans[:20]})})


# ---------------------------------------------------------------- FineWeb
@check("terminal_punct_line_ratio", "share of lines", marks=list(END_PUNCTUATION))
def terminal_punct_line_ratio(s: TextStats, marks: list[str]) -> Measure:
    """Share of non-empty lines that end with a terminal punctuation mark."""
    hits = int(np.count_nonzero(s.lines_ending(tuple(marks))))
    return Measure(_ratio(hits, s.line_count), detail={"lines": s.line_count, "ended": hits})


@check("short_line_ratio", "share of lines", max_chars=30)
def short_line_ratio(s: TextStats, max_chars: int) -> Measure:
    """Share of non-empty lines shorter than `max_chars` characters."""
    short = s.line_lengths < max_chars
    n = int(short.sum())
    return Measure(_ratio(n, s.line_count),
                   explain=lambda: (s.line_spans(np.flatnonzero(short)[:20]), {"lines": s.line_count, "short": n}))


@check("newline_word_ratio", "per word")
def newline_word_ratio(s: TextStats) -> Measure:
    """Newlines per word (FineWeb's list-like-document measure)."""
    return Measure(_ratio(s.newlines, s.word_count))


# ---------------------------------------------------------------- boilerplate residue
@check("pattern_line_count", "lines", patterns=[r"^share (this|on)\b"], max_words=12)
def pattern_line_count(s: TextStats, patterns: list[str], max_words: int) -> Measure:
    """Short lines (at most `max_words` words) matching any of the regular expressions (case-insensitive)."""
    index = np.flatnonzero(s.line_word_counts <= max_words).tolist()
    sl = s.stripped_lines
    short = [sl[i] for i in index]
    hits = [i for i, ok in zip(index, _match_lines(patterns, short, s.text, s.lower), strict=True) if ok]
    return Measure(len(hits), explain=lambda: (s.line_spans(hits[:20]), {"lines": [sl[i][:80] for i in hits[:10]]}))


def _match_lines(patterns: list[str], lines: list[str], text: str, lower: str | None = None) -> list[bool]:
    """Whether each line matches any of the patterns (searched in the line alone, ignoring case);
    `lower`, where given, is text.lower()."""
    joined = _combined(tuple(patterns))
    if joined is None:
        search = _any_pattern(patterns)
        return list(map(search, lines))
    start, anywhere, needed = joined
    found = [False] * len(lines)
    if start is not None:
        firsts = _first_chars(start.pattern) if text.isascii() else None
        if firsts is None:
            found = [m is not None for m in map(start.match, lines)]
        else:  # only the lines that start with a character a match can start with (C speed)
            for i in compress(range(len(lines)), map(str.startswith, lines, repeat(firsts))):
                found[i] = start.match(lines[i]) is not None
    # A line can match the unanchored patterns only if the text holds one of the strings every
    # match must contain (found by str search, far cheaper than a regex scan of every line).
    if anywhere is not None and _may_contain(text, needed, lower):
        for i in _lines_with(lines, needed):
            found[i] = found[i] or anywhere.search(lines[i]) is not None
    return found


@functools.lru_cache(maxsize=64)
def _first_chars(pattern: str) -> tuple[str, ...] | None:
    """The ASCII characters a match of `pattern` (ignoring case) can start with, or None where the
    parsed pattern does not tell (an optional or repeated-from-zero start, a negated set, a class
    such as \\w or \\s, an assertion). For ASCII texts: a line starting with none of them cannot match."""
    from re import _parser  # type: ignore[attr-defined]

    try:
        firsts = _first_of(_parser.parse(pattern, re.IGNORECASE), _parser)
    except Exception:  # noqa: BLE001 - any doubt: no prefilter, which is always correct
        return None
    if firsts is None:
        return None
    ascii_chars = [chr(a) for a in range(128)]
    # the ASCII characters each code point matches ignoring case, asked of the regex engine itself
    out = {a for code in firsts for a in ascii_chars if re.fullmatch(re.escape(chr(code)), a, re.IGNORECASE)}
    return tuple(sorted(out))


def _first_of(seq: Any, sre: Any) -> set[int] | None:
    """Code points the first consumed character of a match of the parsed sequence can be, or None."""
    c = sre._constants if hasattr(sre, "_constants") else sre
    for op, av in seq:
        if op is c.AT and av in (c.AT_BEGINNING, c.AT_BEGINNING_LINE, c.AT_BOUNDARY):
            continue  # zero-width at the start: the next element consumes the first character
        if op is c.LITERAL:
            return {av}
        if op is c.IN:
            out: set[int] = set()
            for iop, iav in av:
                if iop is c.LITERAL:
                    out.add(iav)
                elif iop is c.RANGE and iav[1] - iav[0] < 4096:
                    out.update(range(iav[0], iav[1] + 1))
                elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                    out.update(range(48, 58))  # the ASCII \\d (ASCII texts only ask)
                else:
                    return None
            return out
        if op is c.SUBPATTERN:
            return _first_of(av[-1], sre)
        if op is c.BRANCH:
            alts = [_first_of(b, sre) for b in av[1]]
            return None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            return _first_of(av[2], sre)
        return None
    return None


def _lines_with(lines: list[str], needed: frozenset[str] | None) -> list[int] | range:
    """Indices of the lines that hold one of the `needed` strings (lowercased), found by str search
    in the lines joined; all lines where that proves nothing (no strings, a string with a newline,
    a character that IGNORECASE folds differently from str.lower)."""
    joined = "\n".join(lines)
    if needed is None or any("\n" in n for n in needed) or _folds_to_ascii(joined):
        return range(len(lines))
    low = joined.lower()  # lower() keeps every newline where it is, line by line
    hit: set[int] = set()
    for n in needed:
        at = low.find(n)
        while at != -1:
            hit.add(low.count("\n", 0, at))
            at = low.find(n, at + 1)
    return sorted(hit)


# Characters other than ASCII that re's IGNORECASE equates with an ASCII letter where str.lower()
# does not (İ ı ſ K: found by trying every code point against [a-z0-9 ]).
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _may_contain(text: str, needed: frozenset[str] | None, lower: str | None = None) -> bool:
    if needed is None or _folds_to_ascii(text):
        return True
    low = text.lower() if lower is None else lower
    return _any_in(low, sorted(needed))


def _folds_to_ascii(text: str) -> bool:
    """Whether the text holds one of `_FOLDS_TO_ASCII` (never so in an ASCII text: no scan)."""
    return not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII)


def _required_strings(patterns: list[str]) -> frozenset[str] | None:
    """Lowercase ASCII strings of which every match of any of the patterns contains at least one
    (None when some pattern has no such string): from the parsed patterns, per pattern the
    longest literal run or group alternatives that every match must pass through."""
    from re import _parser  # type: ignore[attr-defined]

    out: set[str] = set()
    for p in patterns:
        try:
            need = _required(_parser.parse(p, re.IGNORECASE), _parser)
        except Exception:  # noqa: BLE001 - anything unexpected: no prefilter, which is always correct
            return None
        if not need:
            return None
        out |= need
    return frozenset(out)


def _required(seq: Any, sre: Any) -> set[str] | None:
    """Strings one of which every match of the parsed sequence contains (None: none known)."""
    c = sre._constants if hasattr(sre, "_constants") else sre
    best: set[str] | None = None

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and all(cand) and (best is None or min(map(len, cand)) > min(map(len, best))):
            best = cand

    run: list[str] = []
    for op, av in seq:
        if op is c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        consider({"".join(run)} if run else None)
        run = []
        if op is c.SUBPATTERN:
            consider(_required(av[-1], sre))
        elif op is c.BRANCH:
            alts = [_required(b, sre) for b in av[1]]
            if all(alts):
                consider(set().union(*alts))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            consider(_required(av[2], sre))
    consider({"".join(run)} if run else None)
    return best


@functools.lru_cache(maxsize=64)
def _combined(
    patterns: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, frozenset[str] | None] | None:
    """The patterns joined into (those anchored at the start, the others, strings one of which any
    match of the others contains), each one alternation, so a line costs one `match` at its
    start and one scan instead of one scan per pattern; None where they cannot be joined (a
    back-reference or an inline flag belongs to its own pattern)."""
    if any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]", p) for p in patterns):
        return None
    anchored = [p for p in patterns if _anchored(p)]
    others = [p for p in patterns if p not in anchored]
    try:
        start, anywhere = (
            re.compile("|".join(f"(?:{p})" for p in group), re.IGNORECASE) if group else None
            for group in (anchored, others)
        )
    except re.error:
        return None
    return start, anywhere, _required_strings(others)


def _anchored(pattern: str) -> bool:
    """Whether every match must start at the beginning (the parsed pattern opens with `^` outside
    any alternation), so `match` finds what `search` finds."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, re.IGNORECASE)
        op, arg = parsed[0]
        return bool(op == _parser.AT and arg == _parser.AT_BEGINNING)
    except Exception:  # noqa: BLE001 - any doubt: treat as unanchored, which is always correct
        return False


def _any_pattern(patterns: list[str]) -> Callable[[str], bool]:
    joined = _combined(tuple(patterns))
    if joined is not None:
        start, anywhere, _ = joined
        return lambda text: bool((start is not None and start.match(text))
                                 or (anywhere is not None and anywhere.search(text)))
    regexes = [re.compile(p, re.IGNORECASE) for p in patterns]
    return lambda text: any(r.search(text) for r in regexes)
