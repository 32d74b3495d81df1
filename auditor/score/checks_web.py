"""Checks from the web-corpus filters of C4 and FineWeb, and boilerplate left after cleaning.

C4 (Raffel et al. 2020, section 2.2) removes *lines*; here each of its line rules is
measured per document (the share of lines C4 would drop), and its document rules
(lorem ipsum, a curly bracket, fewer than 5 sentences left) are kept as they are.
The definitions follow datatrove's C4QualityFilter and FineWebQualityFilter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from auditor.document import Span
from auditor.score.checks import Measure, check
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


def c4_kept_lines(
    s: TextStats, terminal_punct: bool = True, min_words: int = 3, max_word_length: int = 1000,
    policy: list[str] | None = None,
) -> tuple[list[Piece], list[tuple[Piece, str]]]:
    """(lines C4 keeps, (line, reason) for those it drops); computed once per text and options."""
    policy = policy or C4_POLICY
    key = ("c4_kept_lines", terminal_punct, min_words, max_word_length, tuple(policy))
    found = s.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    kept: list[Piece] = []
    dropped: list[tuple[Piece, str]] = []
    for ln, text in zip(s.lines, s.stripped_lines, strict=False):
        why = _c4_reason(text, terminal_punct, min_words, max_word_length, policy)
        if why:
            dropped.append((ln, why))
        else:
            kept.append(ln)
    s.memo[key] = (kept, dropped)
    return kept, dropped


@check("c4_dropped_line_ratio", "share of lines", terminal_punct=True, min_words=3, max_word_length=1000,
       policy=C4_POLICY)
def c4_dropped_line_ratio(
    s: TextStats, terminal_punct: bool, min_words: int, max_word_length: int, policy: list[str]
) -> Measure:
    """Share of lines that C4's line filter would remove (no end mark, < 3 words, javascript, policy text)."""
    _, dropped = c4_kept_lines(s, terminal_punct, min_words, max_word_length, policy)
    reasons: dict[str, int] = {}
    for _, why in dropped:
        reasons[why] = reasons.get(why, 0) + 1
    return Measure(_ratio(len(dropped), len(s.lines)), [Span(p.start, p.end) for p, _ in dropped[:20]],
                   {"dropped_lines": len(dropped), "lines": len(s.lines), "reasons": reasons})


@check("c4_sentence_count", "sentences", terminal_punct=True, min_words=3)
def c4_sentence_count(s: TextStats, terminal_punct: bool, min_words: int) -> Measure:
    """Sentences left in the lines C4's line filter keeps."""
    kept, _ = c4_kept_lines(s, terminal_punct, min_words)
    n = sum(max(1, len(_SENTENCE_END.findall(p.text))) for p in kept)
    return Measure(n, detail={"kept_lines": len(kept)})


@check("substring_count", "occurrences", substrings=["lorem ipsum"], ignore_case=True, c4_kept_only=False)
def substring_count(s: TextStats, substrings: list[str], ignore_case: bool, c4_kept_only: bool) -> Measure:
    """Occurrences of any of the given substrings (optionally only in lines C4 keeps)."""
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
    ends = tuple(marks)
    hits = sum(1 for text in s.stripped_lines if text.endswith(ends))
    return Measure(_ratio(hits, len(s.lines)), detail={"lines": len(s.lines), "ended": hits})


@check("short_line_ratio", "share of lines", max_chars=30)
def short_line_ratio(s: TextStats, max_chars: int) -> Measure:
    """Share of non-empty lines shorter than `max_chars` characters."""
    short = [ln for ln, text in zip(s.lines, s.stripped_lines, strict=False) if len(text) < max_chars]
    return Measure(_ratio(len(short), len(s.lines)), [Span(p.start, p.end) for p in short[:20]],
                   {"lines": len(s.lines), "short": len(short)})


@check("newline_word_ratio", "per word")
def newline_word_ratio(s: TextStats) -> Measure:
    """Newlines per word (FineWeb's list-like-document measure)."""
    return Measure(_ratio(s.text.count("\n"), len(s.words)))


# ---------------------------------------------------------------- boilerplate residue
@check("pattern_line_count", "lines", patterns=[r"^share (this|on)\b"], max_words=12)
def pattern_line_count(s: TextStats, patterns: list[str], max_words: int) -> Measure:
    """Short lines (at most `max_words` words) matching any of the regular expressions (case-insensitive)."""
    search = _any_pattern(patterns)
    hits = [ln for ln, text in zip(s.lines, s.stripped_lines, strict=False) if len(text.split()) <= max_words and search(text)]
    return Measure(len(hits), [Span(p.start, p.end) for p in hits[:20]],
                   {"lines": [p.text.strip()[:80] for p in hits[:10]]})


@functools.lru_cache(maxsize=64)
def _combined(patterns: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None:
    """The patterns joined into (those anchored at the start, the others), each one alternation, so a
    line costs one `match` at its start and one scan instead of one scan per pattern; None where
    they cannot be joined (a back-reference or an inline flag belongs to its own pattern)."""
    if any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]", p) for p in patterns):
        return None
    anchored = [p for p in patterns if _anchored(p)]
    others = [p for p in patterns if p not in anchored]
    try:
        return tuple(  # type: ignore[return-value]
            re.compile("|".join(f"(?:{p})" for p in group), re.IGNORECASE) if group else None
            for group in (anchored, others)
        )
    except re.error:
        return None


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
        start, anywhere = joined
        return lambda text: bool((start is not None and start.match(text))
                                 or (anywhere is not None and anywhere.search(text)))
    regexes = [re.compile(p, re.IGNORECASE) for p in patterns]
    return lambda text: any(r.search(text) for r in regexes)
