"""Policy: which findings drop a document from a filtered corpus and which only flag it.

The rule packs in rules/ give each finding a severity; the policy maps findings to
actions. By default a finding of severity `error` drops the document (the rule
packs mark as errors exactly what Gopher and the dedup stage would drop) and
everything else only flags it. `[tool.auditor.filter]` changes that:

    [tool.auditor.filter]
    drop = ["error", "D003"]   # severities, or code prefixes, whose findings drop
    flag = ["Q105"]            # code prefixes that only flag, even when `drop` matches
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.document import Finding, Severity
from auditor.errors import ConfigError

_SEVERITIES = {s.value for s in Severity}


@dataclass(frozen=True, slots=True)
class FilterSettings:
    drop: tuple[str, ...] = ("error",)
    flag: tuple[str, ...] = ()
    batch_size: int = 256  # documents per unit of work sent to a worker
    checkpoint_every: int = 20_000  # records between checkpoints (the work lost to a kill)

    def drops(self, code: str, severity: Severity) -> bool:
        if self.flag and code.startswith(self.flag):
            return False
        return any(d == severity.value or (d not in _SEVERITIES and code.startswith(d)) for d in self.drop)

    @classmethod
    def from_table(cls, data: Any, where: str) -> FilterSettings:
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must be a table")
        out: dict[str, Any] = {}
        for key, value in data.items():
            key_ = key.replace("-", "_")
            if key_ in ("drop", "flag"):
                if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
                    raise ConfigError(f"{where}: '{key}' must be a list of severities or code prefixes")
                out[key_] = tuple(value)
            elif key_ in ("batch_size", "checkpoint_every"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ConfigError(f"{where}: '{key}' must be a positive integer")
                out[key_] = value
            else:
                known = "batch_size, checkpoint_every, drop, flag"
                raise ConfigError(f"{where}: unknown setting '{key}' (known: {known})")
        return cls(**out)


@dataclass(slots=True)
class Decision:
    """What the policy says about one document's findings."""

    drop: list[Finding] = field(default_factory=list)
    flag: list[Finding] = field(default_factory=list)

    @property
    def keep(self) -> bool:
        return not self.drop


def decide(findings: list[Finding], policy: FilterSettings) -> Decision:
    out = Decision()
    for f in findings:
        (out.drop if policy.drops(f.code, f.severity) else out.flag).append(f)
    return out


def reason_of(f: Finding) -> dict[str, Any]:
    """The compact reason written beside a rejected or flagged record."""
    out: dict[str, Any] = {"code": f.code, "name": f.name, "severity": f.severity.value, "message": f.message}
    for key in ("value", "threshold"):
        if key in f.evidence:
            out[key] = f.evidence[key]
    return out
