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
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from auditor.clean.lines import normalize_line, split_lines, word_count


def line_hash(text: str) -> bytes:
    return hashlib.sha1(normalize_line(text).encode()).digest()[:8]


@dataclass(slots=True)
class TemplateIndex:
    min_docs: int = 3
    max_words: int = 25
    max_lines: int = 200_000
    counts: dict[str, Counter[bytes]] = field(default_factory=lambda: defaultdict(Counter))
    _seen_docs: set[bytes] = field(default_factory=set)

    def add(self, source: str, text: str) -> None:
        digest = hashlib.sha1(text.encode()).digest()[:8]
        if digest in self._seen_docs:
            return
        self._seen_docs.add(digest)
        hashes = {line_hash(ln.text) for ln in split_lines(text) if self._eligible(ln.text)}
        counts = self.counts[source]
        counts.update(hashes)
        if len(counts) > self.max_lines:
            for h in [h for h, c in counts.items() if c <= 1]:
                del counts[h]

    def _eligible(self, text: str) -> bool:
        n = word_count(text)
        return 0 < n <= self.max_words and bool(normalize_line(text))

    def is_template(self, source: str, text: str) -> bool:
        return self._eligible(text) and self.counts[source][line_hash(text)] >= self.min_docs

    def template_lines(self, source: str) -> int:
        return sum(1 for c in self.counts[source].values() if c >= self.min_docs)
