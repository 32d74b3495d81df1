"""Lines of a text with their character offsets, and the normal form used to compare them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from auditor.chars import WORD_CHAR, char_classes

_WORD = re.compile(r"\w+", re.UNICODE)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_COUNT_FROM = 300  # characters; below, findall is the cheaper count (measured)


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int  # exclusive, without the newline
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for piece in text.split("\n"):
        out.append(Line(pos, pos + len(piece), piece))
        pos += len(piece) + 1
    return out


def normalize_line(text: str) -> str:
    """CCNet's line normal form (Wenzek et al. 2020): lowercase, digits to 0, no punctuation."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _DIGIT.sub("0", t)
    t = _PUNCT.sub(" ", t)
    return _SPACE.sub(" ", t).strip()


def words_of(text: str) -> list[str]:
    """The words (\\w+ runs) of a text."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """len(words_of(text)); in a longer text counted as the starts of runs of word characters
    (chars.char_classes: the same characters as \\w), which builds no word."""
    if len(text) < _COUNT_FROM:
        return len(_WORD.findall(text))
    word = (char_classes(text)[0] & WORD_CHAR) != 0
    return int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))
