"""The dedup stage's settings, apart from its code: reading a configuration (`auditor.config`)
does not import MinHash, LSH and NumPy with them."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import ConfigError

KEEP_POLICIES = ("quality", "length", "earliest", "source")


@dataclass(frozen=True, slots=True)
class DedupSettings:
    ngram: int = 4
    num_perm: int = 128
    seed: int = 1
    # LSH S-curve turning point: low, so that a short copy inside a long page (low
    # Jaccard, high containment) is still a candidate; candidates are then verified.
    lsh_threshold: float = 0.15
    jaccard: float = 0.4
    containment: float = 0.6
    # Most of the smaller text must be inside the other, and the larger must not be mostly
    # other prose: shares of each side's prose shingles (lines of >= prose_line_words words)
    # found in the other side. Measured (README): make_neardup seed 1 F1 0.990 / 0.987 /
    # 0.979 / 0.975 / 0.965 at 0.6,0.4 / 0.7,0.5 / 0.75,0.5 / 0.75,0.55 / 0.75,0.6; with the
    # first 50,000 of its --extra 200000 filler pages added, precision 0.17 / 0.24 / 0.41 /
    # 0.61 at 0.7,0.5 / 0.75,0.5 / 0.75,0.55 / 0.75,0.6. A cover of 0.5 keeps a copy cut to
    # 60% of its source with 5% typos (tests/test_provenance.py).
    prose_containment: float = 0.75
    prose_cover: float = 0.5
    # ... or the smaller is the larger's opening: this share of the larger's prose up to where
    # the shared part ends is shared (a teaser, however short). Off (> 1) by default: at 0.75
    # it admitted pages that merely open with the same paragraph (50,000 fillers: precision
    # 0.41 -> 0.14 at cover 0.55)
    prose_opening: float = 2.0
    prose_line_words: int = 8  # median words per line of the shared part (0: no gate)
    min_shingles: int = 5  # texts with fewer shingles are only compared exactly
    keep: str = "quality"  # quality | length | earliest | source
    source_priority: tuple[str, ...] = ()  # with keep = "source": sources in order of preference
    text: str = "raw"  # which text to compare: "raw" (as read) or "clean" (after cleaning)
    min_passage_words: int = 5
    sentence_passage_words: int = 8  # a restated sentence (D006) needs at least this many words
    # D006: content-word containment and shared content words between two sentences
    # (measured: benchmarks/run.py passages; see auditor/dedup/passages.py)
    passage_similarity: float = 0.6
    passage_shared_words: int = 8
    shared_passage_words: int = 20  # a paragraph shared between documents needs this many words
    rewrite_similarity: float = 0.25  # TF-IDF cosine at or above which two documents tell one story
    rewrite_max_df: float = 0.5  # terms in more than this share of documents are pruned

    def __post_init__(self) -> None:
        if self.keep not in KEEP_POLICIES:
            raise ConfigError(f"dedup keep must be one of {', '.join(KEEP_POLICIES)}, not '{self.keep}'")
        if self.text not in ("raw", "clean"):
            raise ConfigError(f"dedup text must be 'raw' or 'clean', not '{self.text}'")
        if self.ngram < 1 or self.num_perm < 2:
            raise ConfigError("dedup ngram must be >= 1 and num_perm >= 2")
