"""Template lines: lines that recur across many documents of one source.

As CCNet does with paragraph hashes (Wenzek et al. 2020), each line is normalised
and hashed (8 bytes); a line found in at least `min_docs` distinct documents of
the same source is a template line (menus, footers, disclaimers) and is removed
from all of them. Memory is bounded: one 8-byte hash and one count per distinct line per
source, never the texts, and at most `max_lines` hashes per source: when a
source's table is full, lines seen in one document only are forgotten (a lossy
count in the manner of Manku & Motwani 2002), so a template line, seen again and
again, survives while one-off prose makes room. Documents with identical text are counted once,
so that exact copies do not turn their own content into "template". Lines longer
than `max_words` are left to the dedup stage: long prose shared by documents is a
copied passage, not a template.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from auditor.clean.lines import normalize_line, split_lines

_WORD_CHAR = re.compile(r"\w")


def line_hash(text: str) -> bytes:
    return _hash(normalize_line(text))


def _hash(normal: str) -> bytes:
    return hashlib.sha1(normal.encode()).digest()[:8]


@dataclass(slots=True)
class TemplateIndex:
    min_docs: int = 3
    max_words: int = 25
    max_lines: int = 200_000
    counts: dict[str, Counter[bytes]] = field(default_factory=lambda: defaultdict(Counter))
    _seen_docs: set[bytes] = field(default_factory=set)
    # Matches a line of more than max_words words (\w+ runs, as lines.word_count counts them; the
    # possessive quantifiers never split a run), reading only as far as word max_words + 1: most
    # lines are prose, and counting all their words was most of the template pass.
    _too_long: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self._too_long = re.compile(rf"(?:\W*+\w++){{{self.max_words + 1}}}")

    def keys(self, text: str) -> list[bytes | None]:
        """Per line of `text` (split_lines): its line_hash if it can be a template line, else None.

        What add() counts and is_key_template() looks up: a caller that does both for one text
        hashes its lines once."""
        return [self._key(ln.text) for ln in split_lines(text)]

    def add(self, source: str, text: str, keys: list[bytes | None] | None = None) -> None:
        """Count the lines of one document of `source` (`keys`: self.keys(text), if already made)."""
        digest = hashlib.sha1(text.encode()).digest()[:8]
        if digest in self._seen_docs:
            return
        self._seen_docs.add(digest)
        hashes = {k for k in (self.keys(text) if keys is None else keys) if k is not None}
        counts = self.counts[source]
        counts.update(hashes)
        if len(counts) > self.max_lines:
            for h in [h for h, c in counts.items() if c <= 1]:
                del counts[h]

    def _key(self, text: str) -> bytes | None:
        # eligible: 1..max_words words (lines.word_count), and something left of it in normal form
        if _WORD_CHAR.search(text) is None or self._too_long.match(text) is not None:
            return None
        norm = normalize_line(text)
        return _hash(norm) if norm else None

    def is_template(self, source: str, text: str) -> bool:
        return self.is_key_template(source, self._key(text))

    def is_key_template(self, source: str, key: bytes | None) -> bool:
        """is_template of the line whose key (see keys()) is `key`."""
        return key is not None and self.counts[source][key] >= self.min_docs

    def template_lines(self, source: str) -> int:
        return sum(1 for c in self.counts[source].values() if c >= self.min_docs)
