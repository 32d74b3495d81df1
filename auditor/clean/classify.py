"""Label the lines of flattened page text: the rules of text.py and the trained line model together.

A line is removed when a boilerplate pattern names it (the reason is the pattern).
Otherwise the model's P(content) decides, with the rules' view of the page as a
prior: a line the rules keep (it lies in the page's main stretch of prose) stays
when P >= `keep_in_prose`; any other line stays only when P >= `keep_outside` and no
line that a boilerplate pattern named ("Related Posts", "Share on ...", "Leave a
Reply") lies between it and the main stretch: past such a line, a page's furniture
begins, and prose-like teasers there are not the article.
Both thresholds were chosen by measurement (benchmarks/run.py lines / extraction
--set aeb-text; see README), not per site.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from auditor.clean.features import page_features
from auditor.clean.model import LineModel
from auditor.clean.text import LabelledPage, LineLabel, label_page, related_lists

# The model judges a line by its page (position, neighbours, prose stretch); a text of one
# or two lines is no page, and the rules alone judge it.
MIN_MODEL_LINES = 3


@dataclass(frozen=True, slots=True)
class Thresholds:
    keep_in_prose: float = 0.3
    keep_outside: float = 0.8


def classify_lines(text: str, model: LineModel | None, thresholds: Thresholds = Thresholds(), *,
                   headlines: bool = True) -> list[LineLabel]:
    """One label per line of `text` (blank lines kept), with the rule or model that removed it.

    With `headlines`, a related-stories heading and the headline-like lines under it go too
    (text.related_lists): for text flattened without its links; an HTML page's rendering passes
    False, as its link lists are judged by their links (html.furniture)."""
    return classify_page(text, model, thresholds, headlines=headlines)[0]


def classify_page(text: str, model: LineModel | None, thresholds: Thresholds = Thresholds(), *,
                  headlines: bool = True, rules_verdict: bool = False) -> tuple[list[LineLabel], list[int], list[bool]]:
    """classify_lines, with each line's words (\\w+ runs, as `lines.word_count` counts them): the
    labeller counts them on the way, and a cleaned text's words are its kept lines' (none spans two);
    and with `rules_verdict` the rules' own verdict on each line (kept?) before the model's word, a
    second opinion (else an empty list: most callers never ask)."""
    page = label_page(text)
    labels = page.labels
    by_rules = [lab.keep for lab in labels] if rules_verdict else []
    idx = [i for i, s in enumerate(page.stripped) if s]
    if model is not None and len(idx) >= MIN_MODEL_LINES and not unspaced(page):
        _model_labels(labels, page_features(page, idx), idx, model, thresholds)
    # A related-stories heading with the headlines under it, whatever the model thought of them.
    if headlines:
        related_lists(labels, page.stripped, page.counts, page.terminal)
        near_repeats(labels, page.stripped, page.counts)
    return labels, page.counts, by_rules


# A line of REPEAT_WORDS words or more that one of the REPEAT_WITHIN non-blank lines before it already
# is: a page's second rendering of it (a photo carousel's caption, a layout for another screen), where
# an article says a sentence once. Farther apart a line may come back as content (a forum's quoted
# post: cleaneval-dev-text keeps both), so only near copies go.
REPEAT_WORDS = 10
REPEAT_WITHIN = 2


def near_repeats(labels: list[LineLabel], stripped: list[str], counts: list[int]) -> None:
    """Remove ("repeated-line") each kept near copy of a line (REPEAT_WORDS, REPEAT_WITHIN); in place."""
    recent: deque[str] = deque(maxlen=REPEAT_WITHIN)
    for lab, s, n in zip(labels, stripped, counts, strict=True):
        if not s:
            continue
        if n >= REPEAT_WORDS and lab.keep and s in recent:
            lab.keep, lab.reason = False, "repeated-line"
        recent.append(s)


# Letters of scripts written without spaces between words (code point ranges, inclusive): kana, CJK
# ideographs (extension A, the unified block, compatibility ideographs), half-width katakana.
_UNSPACED = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F))
UNSPACED_SHARE = 0.5


def unspaced(page: LabelledPage) -> bool:
    """Is most of the page's text (UNSPACED_SHARE of its word characters) in a script written without
    spaces between words? The line model's features (words, stop words, word lengths) are those of
    spaced text, and it was trained on such text only: such a page is left to the rules."""
    cp = page.code_points
    if cp.dtype == np.uint8 or int(cp.max(initial=0)) < _UNSPACED[0][0]:  # no character of such a script
        return False
    cjk = sum(int(np.count_nonzero((cp >= lo) & (cp <= hi))) for lo, hi in _UNSPACED)
    letters = int(page.classes[:, 2].sum())  # word characters (chars.Segments.counts)
    return letters > 0 and cjk >= UNSPACED_SHARE * letters


def _model_labels(labels: list[LineLabel], features: np.ndarray, idx: list[int], model: LineModel,
                  thresholds: Thresholds) -> None:
    """The model's word on the non-blank lines `idx` (their `features`), the rules' labels as prior.

    The features are those of the non-blank lines joined; blank lines weigh nothing in text.py's
    labeller, so its labels of these lines are those it gave them here: passed on, not worked out
    again, and so are its counts (features.page_features)."""
    probs = model.predict(features)
    fenced = _fenced([labels[i] for i in idx])
    for i, p, behind_fence in zip(idx, probs.tolist(), fenced, strict=True):
        lab = labels[i]
        lab.score = p
        if _named(lab):
            continue  # a named boilerplate pattern: the rule's word stands
        restore = p >= thresholds.keep_outside and not behind_fence
        if restore or (lab.keep and p >= thresholds.keep_in_prose):
            lab.keep, lab.reason = True, ""
        elif lab.keep:
            lab.keep, lab.reason = False, "line-model"
        # else: removed by the rules (outside-main-text, menu-run) and the model agrees


def _named(lab: LineLabel) -> bool:
    return bool(lab.reason) and lab.reason not in ("outside-main-text", "menu-run")


def _fenced(labels: list[LineLabel]) -> list[bool]:
    """Per non-blank line: is a pattern-named line between it and the rules' main stretch (or is it one)?"""
    inside = [i for i, lab in enumerate(labels) if lab.keep]
    if not inside:
        return [False] * len(labels)
    first, last = inside[0], inside[-1]
    out = [False] * len(labels)
    seen = False
    for i in range(first - 1, -1, -1):
        seen = seen or _named(labels[i])
        out[i] = seen
    seen = False
    for i in range(last + 1, len(labels)):
        seen = seen or _named(labels[i])
        out[i] = seen
    return out
