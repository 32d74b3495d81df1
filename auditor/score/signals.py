"""Numbers measured on one text, computed once and shared by every rule that needs them.

Speed matters here (the scoring benchmark's target is 500 documents/s per core), so the
intermediate results are whole-text passes done at C speed, each at most once per text:
- the line table: the text split at "\\n" once, each line stripped once (`map`, no Python
  loop), with per-line word counts, first/last characters tested by `map(str.endswith, ...)`;
  line offsets come from a cumulative sum and `Piece`/`Span` objects are only built for the
  lines a finding reports (`line_spans`);
- the word table: for ASCII texts, one NumPy pass over the bytes classifies every character
  (space, word, letter, strip punctuation) and yields the token counts, lengths and a 64-bit
  polynomial hash per lowercased, stripped word; other texts take the `str` methods path;
- word n-grams for every n from the word ids (`repeated_ngrams`), exact.
The straightforward definitions these replace stay below (`top_ngram_chars`, ...) and the
tests compare the two on edge cases (empty, one word, Unicode, very long lines).
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass
from itertools import compress, count, filterfalse, repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from auditor.document import Span
from auditor.score.wordtable import WordTable, word_table
from auditor.segment import WRAPPED_WIDTH, Piece, lines

if TYPE_CHECKING:
    from functools import cached_property
else:

    class cached_property:  # noqa: N801 - stands for functools.cached_property
        """functools.cached_property without its lock (Python 3.11 takes one on every first read):
        a TextStats belongs to one thread, and ~30 of these are first read per text."""

        def __init__(self, func):
            self.func = func
            self.name = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner, name):
            self.name = name

        def __get__(self, obj, cls=None):
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.func(obj)
            return value


_WORDCHAR = re.compile(r"\w", re.UNICODE)
_BLANK_SPLIT = re.compile(r"(\n[ \t\r\f\v]*\n)")  # segment.paragraphs' block separator, kept by split()

# Texts at least this long take the NumPy word table (shorter ones the str path: see word_table).
_TABLE_FROM = 3000

# Punctuation stripped from the ends of a lowercased word before n-grams (as in datatrove).
_STRIP = ".,;:!?\"'()[]{}“”‘’«»"


# Characters that are never part of \w (or never letters): ASCII ones and the common typographic
# marks. Stripping them from a token's ends leaves "" exactly when the token has no \w (no
# letter); what is left starts with \w (a letter) whenever it starts with an ASCII character.
_TYPOGRAPHIC = "“”‘’«»‹›„‚—–…·•′″"
_NON_WORD = "".join(c for c in map(chr, range(128)) if not re.match(r"\w", c) and not c.isspace()) + _TYPOGRAPHIC
_NON_LETTER = "".join(c for c in map(chr, range(128)) if not c.isalpha() and not c.isspace()) + _TYPOGRAPHIC


class TextStats:
    """Lazily computed measures of one text (Gopher's definitions, as in datatrove).

    Everything is computed at most once per text and shared by every rule: the line and word
    tables, the word n-gram ids for all n, and (through `memo`) each check's measure for a
    given set of options, so two rules on one check, or T100 and its sub-checks, do the work once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[Any, Any] = {}  # (check, options) -> Measure; intermediate results of checks
        self._grams: dict[int, Grams] = {}

    # ------------------------------------------------------------ text-wide
    @cached_property
    def lower(self) -> str:
        """The text lowercased (same length as the text when it is ASCII)."""
        return self.text.lower()

    @cached_property
    def newlines(self) -> int:
        return self.text.count("\n")

    # ------------------------------------------------------------ lines
    @cached_property
    def _parts(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def _parts_stripped(self) -> list[str]:
        return list(map(str.strip, self._parts))

    @cached_property
    def stripped_lines(self) -> list[str]:
        """The non-blank lines (those of `segment.lines`), stripped."""
        return list(filter(None, self._parts_stripped))

    @cached_property
    def raw_lines(self) -> list[str]:
        """The non-blank lines as they are (`Piece.text` of `segment.lines`)."""
        return list(compress(self._parts, self._parts_stripped))

    @cached_property
    def line_count(self) -> int:
        return len(self.stripped_lines)

    @cached_property
    def line_word_counts(self) -> np.ndarray:
        """Whitespace-separated words per non-blank line."""
        table = self.word_table
        if table is not None:
            # A token never holds a newline, and a line is blank exactly when it holds no token: the
            # tokens per line (the newlines before each token's start), less the blank lines.
            per_line = np.bincount(np.searchsorted(self._newline_positions, table.starts),
                                   minlength=len(self._parts))
            return per_line[per_line > 0]
        sl = self.stripped_lines
        return np.fromiter(map(len, map(str.split, sl)), dtype=np.int64, count=len(sl))

    @cached_property
    def _newline_positions(self) -> np.ndarray:
        """Where the text's newlines are (the line table's cuts)."""
        parts = self._parts
        lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        return np.cumsum(lens[:-1] + 1) - 1

    @cached_property
    def pipe_counts(self) -> np.ndarray:
        """Pipe characters per non-blank line (table rows)."""
        sl = self.stripped_lines
        if "|" not in self.text:  # the common case: no line holds one
            return np.zeros(len(sl), dtype=np.int64)
        return np.fromiter(map(str.count, sl, repeat("|")), dtype=np.int64, count=len(sl))

    @cached_property
    def line_lengths(self) -> np.ndarray:
        """Characters per stripped non-blank line."""
        sl = self.stripped_lines
        return np.fromiter(map(len, sl), dtype=np.int64, count=len(sl))

    @cached_property
    def _line_offsets(self) -> tuple[np.ndarray, np.ndarray]:
        parts = self._parts
        lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        starts = np.zeros(len(parts), dtype=np.int64)
        np.cumsum(lens[:-1] + 1, out=starts[1:])
        keep = np.fromiter(map(bool, self._parts_stripped), dtype=bool, count=len(parts))
        return starts[keep], starts[keep] + lens[keep]

    def line_spans(self, index: Any) -> list[Span]:
        """Spans of the non-blank lines at the given indices (ints, a mask or an index array)."""
        starts, ends = self._line_offsets
        return [Span(int(a), int(b)) for a, b in zip(starts[index].tolist(), ends[index].tolist(), strict=True)]

    def line_piece(self, i: int) -> Piece:
        starts, ends = self._line_offsets
        return Piece(int(starts[i]), int(ends[i]), self.raw_lines[i])

    @cached_property
    def line_repeats(self) -> tuple[int, int]:
        """`duplicate_counts` of the stripped lines (shared by the three line-repeat rules)."""
        return duplicate_counts(self.stripped_lines)

    @cached_property
    def paragraph_repeats(self) -> tuple[int, int]:
        """`duplicate_counts` of the paragraph keys."""
        return duplicate_counts(self.paragraph_keys)

    def lines_ending(self, marks: tuple[str, ...]) -> np.ndarray:
        """Per non-blank line, whether the stripped line ends with one of `marks` (remembered per
        marks: C4, FineWeb and Gopher ask for the same end marks)."""
        key = ("lines_ending", marks)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self.lines_mask(map(str.endswith, self.stripped_lines, repeat(marks)))
        return found  # type: ignore[no-any-return]

    def lines_mask(self, flags: Any) -> np.ndarray:
        """A per-line boolean array from an iterable of truth values (one per non-blank line)."""
        return np.frombuffer(bytes(map(operator.truth, flags)), dtype=bool, count=self.line_count)

    @cached_property
    def lines(self) -> list[Piece]:
        return lines(self.text)

    @cached_property
    def paragraph_table(self) -> tuple[list[int], list[int], list[str]]:
        """The paragraphs of `segment.paragraphs` as (starts, ends, texts)."""
        return paragraph_table(self.text)

    @cached_property
    def paragraphs(self) -> list[Piece]:
        return list(map(Piece, *self.paragraph_table))

    @cached_property
    def paragraph_keys(self) -> list[str]:
        """Each paragraph's text stripped (what makes two paragraphs the same)."""
        return list(map(str.strip, self.paragraph_table[2]))

    # ------------------------------------------------------------ words
    @cached_property
    def word_table(self) -> WordTable | None:
        """The whole word table from one NumPy pass (`wordtable`), None where the text takes the
        `str` path below (a short text, a code point beyond the BMP, a lowercase of another length,
        a hash clash). Both paths give the same measures; the table's ~25 NumPy calls cost more than
        the `str` methods below ~2,000-3,000 characters (measured on make_neardup texts: 155 vs 60 us
        under 500 characters, 300 vs 480 us at 4,000-8,000)."""
        if len(self.text) < _TABLE_FROM:
            return None
        return word_table(self.text, self.lower, _STRIP)

    @cached_property
    def token_count(self) -> int:
        """len(tokens), without building the list where the word table is at hand."""
        table = self.word_table
        return len(table.starts) if table is not None else len(self.tokens)

    @cached_property
    def tokens(self) -> list[str]:
        # str.split() splits on exactly the characters re's \s matches (Py_UNICODE_ISSPACE), at C speed.
        return self.text.split()

    @cached_property
    def words(self) -> list[str]:
        """Whitespace tokens that are not symbols alone (Gopher's word count)."""
        tokens = self.tokens
        return [t for t, ok in zip(tokens, map(str.isalnum, tokens), strict=False) if ok or _WORDCHAR.search(t)]

    @cached_property
    def _non_alpha_tokens(self) -> list[str]:
        """Tokens that are not all letters (a token of letters has a letter and a \\w)."""
        return list(filterfalse(str.isalpha, self.tokens))

    @cached_property
    def _symbol_tokens(self) -> list[str]:
        """Tokens without any \\w character (symbols alone: not words)."""
        return _without(self._non_alpha_tokens, str.isalnum, _NON_WORD, _WORDCHAR)

    @cached_property
    def word_count(self) -> int:
        """len(words), without building the list."""
        table = self.word_table
        if table is not None:
            return int(np.count_nonzero(table.is_word))
        return len(self.tokens) - len(self._symbol_tokens)

    @cached_property
    def word_chars(self) -> int:
        """Characters in `words`."""
        table = self.word_table
        if table is not None:
            return int((table.ends - table.starts)[table.is_word].sum())
        return sum(map(len, self.tokens)) - sum(map(len, self._symbol_tokens))

    @cached_property
    def no_letter_words(self) -> int:
        """Words without a letter (numbers, codes)."""
        table = self.word_table
        if table is not None:
            return int(np.count_nonzero(table.is_word & ~table.has_letter))
        no_letter = _without(self._non_alpha_tokens, str.isalpha, _NON_LETTER, _LETTER)
        return len(no_letter) - len(self._symbol_tokens)

    @cached_property
    def lower_words(self) -> list[str]:
        # Lowering the whole text then splitting equals lowering each token: lower() never makes
        # or removes whitespace, and its one context rule (final sigma) stops at whitespace.
        return list(map(str.strip, self.lower.split(), repeat(_STRIP)))

    @cached_property
    def lower_word_lengths(self) -> np.ndarray:
        """Length of each of `lower_words`."""
        table = self.word_table
        if table is not None:
            return table.lower_lengths
        lw = self.lower_words
        return np.fromiter(map(len, lw), dtype=np.int64, count=len(lw))

    @cached_property
    def lower_word_chars(self) -> int:
        return int(self.lower_word_lengths.sum())

    @cached_property
    def _vocab(self) -> dict[str, int]:
        return {}

    @cached_property
    def word_ids(self) -> np.ndarray:
        """An id per distinct lowercased word (from the word table: 0..distinct - 1 in hash order;
        on the `str` path: the place of the word's first appearance)."""
        table = self.word_table
        if table is not None:
            return table.ids
        lw, vocab = self.lower_words, self._vocab
        return np.fromiter(map(vocab.setdefault, lw, count()), dtype=np.int64, count=len(lw))

    @property
    def vocab(self) -> dict[str, int]:
        """The distinct `lower_words` (the keys), with their ids (built from the strings)."""
        if not self._vocab:
            lw, vocab = self.lower_words, self._vocab
            for w, i in zip(lw, self.word_ids.tolist(), strict=True):
                vocab.setdefault(w, i)
        return self._vocab

    def has_word(self, word: str) -> bool:
        """Whether `word` is among `lower_words` (exact: the text is compared, not a hash alone)."""
        table = self.word_table
        if table is not None:
            return table.index_of(self.lower, word) >= 0
        self.word_ids  # noqa: B018 - fills the vocabulary
        return word in self._vocab

    def has_lower_words(self, words: list[str]) -> int:
        """How many of the given words are among `lower_words` (distinct)."""
        return sum(self.have_words(tuple(dict.fromkeys(words))))

    def have_words(self, words: tuple[str, ...]) -> list[bool]:
        """Per word, `has_word` (one search for all where the word table is at hand)."""
        table = self.word_table
        if table is not None:
            return table.present(self.lower, words)
        self.word_ids  # noqa: B018 - fills the vocabulary (has_word's str path, without a call per word)
        return list(map(self._vocab.__contains__, words))

    @cached_property
    def word_count_profile(self) -> tuple[np.ndarray, np.ndarray]:
        """(at each place, how often its word occurs in the text; cumulative `lower_word_lengths`
        with a leading 0), for the bounds that spare texts the n-gram work."""
        ids = self.word_ids
        counts = np.bincount(ids)[ids] if len(ids) else np.zeros(0, dtype=np.int64)
        cum = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(self.lower_word_lengths, out=cum[1:])
        return counts, cum

    @cached_property
    def repeated_word_runs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, characters) of the maximal runs of consecutive words that each occur at
        least twice in the text."""
        counts, cum = self.word_count_profile
        edges = np.diff(np.concatenate(([0], (counts >= 2).view(np.int8), [0])).astype(np.int8))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        return starts, ends, cum[ends] - cum[starts]

    def _ngrams_direct(self, n: int) -> Grams:
        """`repeated_ngrams(n)` without the smaller n: a repeated n-gram starts only where the next
        n words each occur twice or more, and its first k words repeat there for every k < n, so
        the n-grams are numbered word by word over those places, dropping the places whose first
        k words have become unique (np.unique numbers the pairs, as in `repeated_ngrams`)."""
        ids = self.word_ids
        windows = len(ids) - n + 1
        if windows <= 0:
            return Grams.empty()
        counts, _ = self.word_count_profile
        rare = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(counts < 2, out=rare[1:])
        cand = np.flatnonzero(rare[n:] - rare[:windows] == 0)  # no word seen once in the window
        gid = ids[cand]
        width = int(ids.max()) + 1 if len(ids) else 1
        bits = (width - 1).bit_length() or 1
        if n * bits <= 63 and len(cand):
            # The n word ids packed into one integer (exact: each takes `bits` bits), numbered at once.
            key = gid.copy()
            for k in range(1, n):
                key <<= bits
                key |= ids[cand + k]
            _, inv, seen = np.unique(key, return_inverse=True, return_counts=True)
            inv = inv.reshape(-1)
            keep = seen[inv] > 1
            if not keep.any():
                return Grams.empty()
            return Grams(cand[keep], inv[keep], seen[inv[keep]])
        for k in range(1, n):
            if len(cand) == 0:
                return Grams.empty()
            _, gid, seen = np.unique(gid * width + ids[cand + k], return_inverse=True, return_counts=True)
            gid = gid.reshape(-1)
            keep = seen[gid] > 1
            if not keep.all():
                cand = cand[keep]
                _, gid = np.unique(gid[keep], return_inverse=True)
                gid = gid.reshape(-1)
        if len(cand) == 0:
            return Grams.empty()
        return Grams(cand, gid, np.bincount(gid)[gid])

    def has_grams(self, n: int) -> bool:
        """Whether the repeated n-grams for this n are already worked out."""
        return n in self._grams

    def repeated_ngrams(self, n: int) -> Grams:
        """The word n-grams (over `lower_words`) that may occur more than once, with their counts.

        Exact over the word ids: an n-gram can repeat only where the (n-1)-grams at i and at i+1
        both repeat, so only those positions are compared, pairing the (n-1)-gram's id with the
        next word's id (np.unique numbers the pairs). Texts thin out fast: few 5-grams repeat."""
        if n in self._grams:
            return self._grams[n]
        ids = self.word_ids
        if n > 2 and n - 1 not in self._grams:  # nothing to build on (bounds spared the smaller n)
            out = self._grams[n] = self._ngrams_direct(n)
            return out
        if n == 1:
            counts = np.bincount(ids) if len(ids) else np.zeros(0, dtype=np.int64)
            out = Grams(np.arange(len(ids)), ids, counts[ids])
        else:
            prev = self.repeated_ngrams(n - 1)
            ngrams = len(ids) - n + 1
            cand = np.zeros(0, dtype=np.int64)
            if ngrams > 0 and len(prev.pos):
                repeated = np.zeros(ngrams + 1, dtype=bool)
                repeated[prev.pos[prev.count > 1]] = True
                cand = np.flatnonzero(repeated[:-1] & repeated[1:])
            if len(cand) == 0:
                out = Grams.empty()
            else:
                prev_id = np.full(ngrams + 1, -1, dtype=np.int64)
                prev_id[prev.pos] = prev.gid
                keys = prev_id[cand] * (int(ids.max()) + 1) + ids[cand + n - 1]
                _, gid, counts = np.unique(keys, return_inverse=True, return_counts=True)
                gid = gid.reshape(-1)
                out = Grams(cand, gid, counts[gid])
        self._grams[n] = out
        return out


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _without(tokens: list[str], has_all: Any, never: str, pattern: re.Pattern[str]) -> list[str]:
    """The tokens without any character of `pattern`'s class, in C-speed passes: a token `has_all`
    accepts is out at once; the others are stripped of `never` (characters outside the class):
    nothing left means none inside, an ASCII rest starts with one; only a non-ASCII rest is searched."""
    others = [t for t in tokens if not has_all(t)] if len(tokens) < 8 else list(filterfalse(has_all, tokens))
    rests = list(map(str.strip, others, repeat(never)))
    out = list(compress(others, map(operator.not_, rests)))
    unsure = list(filterfalse(str.isascii, filter(None, rests)))
    if unsure and None in map(pattern.search, unsure):
        out = [t for t, r in zip(others, rests, strict=True) if not r or not pattern.search(r)]
    return out


def fast_paragraphs(text: str) -> list[Piece]:
    """`segment.paragraphs(text)`, the same pieces (the test holds the two equal)."""
    starts, ends, texts = paragraph_table(text)
    return list(map(Piece, starts, ends, texts))


def paragraph_table(text: str) -> tuple[list[int], list[int], list[str]]:
    """`segment.paragraphs(text)` as (starts, ends, texts), without building a Piece each: the
    common block of one line is taken whole without cutting it into lines."""
    # Blocks and the blank-line separators between them, in C: split() with a group keeps both.
    pieces = _BLANK_SPLIT.split(text)
    blocks = pieces[::2]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    offsets = np.zeros(len(pieces), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    bodies = list(map(str.strip, blocks))
    if any(map(str.__contains__, bodies, repeat("\n"))):
        return _paragraph_table_blocks(blocks, offsets[::2].tolist())
    keep = list(map(operator.truth, bodies))
    leads = [len(b) - len(b.lstrip()) for b in compress(blocks, keep)]
    starts = [o + lead for o, lead in zip(compress(offsets[::2].tolist(), keep), leads, strict=True)]
    texts = list(filter(None, bodies))
    ends = [a + len(t) for a, t in zip(starts, texts, strict=True)]
    return starts, ends, texts


def _paragraph_table_blocks(blocks: list[str], offsets: list[int]) -> tuple[list[int], list[int], list[str]]:
    """`paragraph_table` block by block, for texts with blocks of several lines."""
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    for start, block in zip(offsets, blocks, strict=True):
        body = block.strip()
        if not body:
            continue
        if "\n" in body and max(map(len, block.split("\n"))) > WRAPPED_WIDTH:
            # segment.lines(block), as (offset, text) pairs (a block with no line over the width
            # is one paragraph whatever its lines are: the common case, decided without them)
            block_lines: list[tuple[int, str]] = []
            pos = 0
            for part in block.split("\n"):
                if part.strip():
                    block_lines.append((pos, part))
                pos += len(part) + 1
            if len(block_lines) > 1 and max(len(t) for _, t in block_lines) > WRAPPED_WIDTH:
                for pos, part in block_lines:
                    starts.append(start + pos)
                    ends.append(start + pos + len(part))
                    texts.append(part)
                continue
        lead = len(block) - len(block.lstrip())
        starts.append(start + lead)
        ends.append(start + lead + len(body))
        texts.append(body)
    return starts, ends, texts


@dataclass(slots=True)
class Grams:
    """N-grams that may repeat: start positions, an id per distinct n-gram, and how often it occurs
    in the text. Every occurrence of every repeated n-gram is here; n-grams left out occur once."""

    pos: np.ndarray
    gid: np.ndarray
    count: np.ndarray

    @staticmethod
    def empty() -> Grams:
        z = np.zeros(0, dtype=np.int64)
        return Grams(z, z, z)


def duplicates(pieces: list[Piece]) -> tuple[int, int, list[Piece]]:
    """(repeated elements, characters in them, the repeats): each copy after the first counts."""
    seen: set[str] = set()
    count = chars = 0
    repeats: list[Piece] = []
    for p in pieces:
        key = p.text.strip()
        if key in seen:
            count += 1
            chars += len(key)
            repeats.append(p)
        else:
            seen.add(key)
    return count, chars, repeats


def duplicate_counts(keys: list[str]) -> tuple[int, int]:
    """`duplicates`' (repeated elements, characters in them) from the keys alone, in C: every key
    beyond the first of its kind is a repeat."""
    distinct = set(keys)
    return len(keys) - len(distinct), sum(map(len, keys)) - sum(map(len, distinct))


def repeat_indices(keys: list[str], limit: int = 20) -> list[int]:
    """Indices of the first `limit` keys that repeat an earlier one."""
    seen: set[str] = set()
    out: list[int] = []
    for i, k in enumerate(keys):
        if k in seen:
            out.append(i)
            if len(out) >= limit:
                break
        else:
            seen.add(k)
    return out


def fast_top_ngram_chars(s: TextStats, n: int) -> int:
    """`top_ngram_chars(s.lower_words, n)` from the repeated n-grams: the most frequent one (the
    earliest among equals, as Counter.most_common picks), its characters times its count."""
    g = s.repeated_ngrams(n)
    top = int(g.count.max()) if len(g.count) else 0
    if top < 2:
        return 0
    first = int(g.pos[g.count == top].min())
    return int(s.lower_word_lengths[first : first + n].sum()) * top


def fast_duplicated_ngram_chars(s: TextStats, n: int) -> int:
    """`duplicated_ngram_chars(s.lower_words, n)` from the repeated n-grams: characters of the words
    inside any n-gram that occurs more than once."""
    lengths = s.lower_word_lengths
    nwords = len(lengths)
    g = s.repeated_ngrams(n)
    starts = g.pos[g.count > 1]
    if nwords < n or len(starts) == 0:
        return 0
    # +1 where a repeated n-gram starts, -1 n words later: the running sum is > 0 inside one.
    delta = np.zeros(nwords + 1, dtype=np.int64)
    delta[starts] += 1  # starts are distinct, so plain fancy indexing adds once each
    delta[starts + n] -= 1
    covered = np.cumsum(delta[:nwords]) > 0
    return int(lengths[covered].sum())


def top_ngram_chars(words: list[str], n: int) -> int:
    """Characters covered by the most frequent word n-gram, counted over its occurrences."""
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    if count < 2:
        return 0
    return sum(len(w) for w in gram) * count


def duplicated_ngram_chars(words: list[str], n: int) -> int:
    """Characters of words inside any word n-gram that occurs more than once (Gopher)."""
    if len(words) < n:
        return 0
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts = Counter(grams)
    covered = [False] * len(words)
    for i, g in enumerate(grams):
        if counts[g] > 1:
            for k in range(i, i + n):
                covered[k] = True
    return sum(len(w) for w, c in zip(words, covered, strict=False) if c)
