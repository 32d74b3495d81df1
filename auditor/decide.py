"""Policy: which findings drop a document from a filtered corpus and which only flag it.

The rule packs in rules/ give each finding a severity; the policy maps findings to
actions. By default a finding of severity `error` drops the document (the rule
packs mark as errors exactly what Gopher and the dedup stage would drop) and
everything else only flags it. `[tool.auditor.filter]` changes that:

    [tool.auditor.filter]
    drop = ["error", "D003"]   # severities, or code prefixes, whose findings drop
    flag = ["Q105"]            # code prefixes that only flag, even when `drop` matches
    sources = "reports/audit.json"  # an audit's source scorecards: their findings (S1xx)
                                    # apply to every document of that source
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
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
    sources: str = ""  # an audit.json whose per-source findings apply to each document of the source
    # loaded from `sources`: (source, ((code, name, severity, message), ...)) per source with findings
    source_findings: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = ()

    def findings_for(self, source: str) -> list[Finding]:
        """The source-level findings of a document's source, as findings of the document: the
        policy then drops (`drop = ["S101"]`) or flags them like any other."""
        for name, found in self.source_findings:
            if name == source:
                return [Finding(code, Severity(sev), f"source {source}: {msg}", "source", name=rule,
                                evidence={"source_of_document": source}) for code, rule, sev, msg in found]
        return []

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
            elif key_ == "sources":
                if not isinstance(value, str):
                    raise ConfigError(f"{where}: 'sources' must be the path of an audit.json")
                out["sources"] = value
                out["source_findings"] = load_source_findings(Path(value), where)
            elif key_ in ("batch_size", "checkpoint_every"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ConfigError(f"{where}: '{key}' must be a positive integer")
                out[key_] = value
            else:
                known = "batch_size, checkpoint_every, drop, flag, sources"
                raise ConfigError(f"{where}: unknown setting '{key}' (known: {known})")
        return cls(**out)


def load_source_findings(path: Path, where: str = "") -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """The findings of each source's scorecard in an audit.json (`auditor audit --format json`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"{where}: sources file {path} is not a readable audit.json: {e}") from None
    cards = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(cards, list):
        raise ConfigError(f"{where}: {path} has no \"sources\" scorecards (write it with auditor audit --format json)")
    out = []
    for c in cards:
        found = tuple((f["code"], f.get("name", ""), f["severity"], f["message"]) for f in c.get("findings", []))
        if found:
            out.append((str(c["source"]), found))
    return tuple(out)


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
