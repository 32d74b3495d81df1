"""Cutting a text into paragraphs, lines and words, with character offsets.

Shared by dedup (repeated passages) and score (Gopher repetition), so both agree
on what a paragraph is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
WORD = re.compile(r"\w+", re.UNICODE)

# A block whose longest line is longer than this holds one paragraph per line
# (scraped text often has no blank lines between paragraphs); a block of shorter
# lines is one paragraph hard-wrapped at a fixed width.
WRAPPED_WIDTH = 100


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    text: str


def lines(text: str) -> list[Piece]:
    out, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            out.append(Piece(pos, pos + len(part), part))
        pos += len(part) + 1
    return out


def paragraphs(text: str) -> list[Piece]:
    """Paragraphs: blocks between blank lines; one per line where lines are long."""
    out: list[Piece] = []
    pos = 0
    blocks: list[tuple[int, str]] = []
    for m in _BLANK.finditer(text):
        blocks.append((pos, text[pos : m.start()]))
        pos = m.end()
    blocks.append((pos, text[pos:]))
    for start, block in blocks:
        if not block.strip():
            continue
        block_lines = lines(block)
        if len(block_lines) > 1 and max(len(p.text) for p in block_lines) > WRAPPED_WIDTH:
            out.extend(Piece(start + p.start, start + p.end, p.text) for p in block_lines)
        else:
            lead = len(block) - len(block.lstrip())
            body = block.strip()
            out.append(Piece(start + lead, start + lead + len(body), body))
    return out


def words(text: str) -> list[str]:
    return WORD.findall(text)


def normalize(text: str) -> str:
    """Lowercase words joined by single spaces: punctuation and spacing do not count."""
    return " ".join(WORD.findall(text.lower()))
