"""`[tool.auditor.seeds]`: which findings refuse a commit, which only warn, and the comparison thresholds.

Standard library only: config.py imports it, and `auditor-seeds` starts on every commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import ConfigError

BLOCK = "block"
WARN = "warn"
IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class SeedPolicy:
    against: str = "seeds"  # the folder of existing seeds a new one is compared with
    # Code prefixes; the longest matching prefix decides, `block` wins a tie. A code in
    # none of them follows its severity: error blocks, warning warns, info is silent.
    block: tuple[str, ...] = ("D001", "D002", "D004")  # copies, re-wraps, copied passages
    warn: tuple[str, ...] = ("D005",)  # the same story told again: a person decides
    ignore: tuple[str, ...] = ("B", "I005")  # boilerplate removed, non-UTF-8 input: notes only
    # A passage shared with an existing seed counts from this many words. Lee et al. 2022
    # deduplicate repeated substrings of >= 50 BPE tokens, about 40 English words.
    min_shared_words: int = 40
    # TF-IDF cosine (function words out) at or above which two seeds tell the same story.
    # Measured with `benchmarks/run.py check --reuse` (Clough & Stevenson 2011, each text
    # against the other 99): at 0.3 no same-topic non-reuse answer is flagged (0 of 38)
    # and 74% of heavy revisions are; 0.25 flags 1 of 38, 0.2 flags 3.
    same_story: float = 0.3
    cache_dir: str = ".auditor_cache"

    def __post_init__(self) -> None:
        for name in ("block", "warn", "ignore"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(x, str) and x for x in value):
                raise ConfigError(f"[tool.auditor.seeds] '{name}' must be a list of code prefixes (strings)")
        if not 0.0 < self.same_story <= 1.0:
            raise ConfigError("[tool.auditor.seeds] 'same_story' must be in (0, 1]")
        if self.min_shared_words < 5:
            raise ConfigError("[tool.auditor.seeds] 'min_shared_words' must be at least 5")

    def action(self, code: str, severity: str) -> str:
        """block | warn | ignore for a finding with this code and severity."""
        best, best_len = "", -1
        for act in (IGNORE, WARN, BLOCK):  # later wins a tie of equal prefix length
            for prefix in getattr(self, act):
                if code.startswith(prefix) and len(prefix) >= best_len:
                    best, best_len = act, len(prefix)
        if best:
            return best
        return {"error": BLOCK, "warning": WARN}.get(severity, IGNORE)
