"""The rule engine: rules are data in rules/*.toml, checks are code in checks.py.

A rules file holds tables `[rules.CODE]` with: name, check, severity, params,
message, explanation, source. Every field is validated when the file is loaded;
an error names the file, the rule and the option.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.document import Document, Finding, Severity
from auditor.errors import RuleError
from auditor.score.checks import CHECKS, Check, Measure, memo_key
from auditor.score.signals import TextStats

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}[0-9]{2,}$")
_REQUIRED = ("name", "check", "severity", "message", "explanation", "source")
_ALLOWED = set(_REQUIRED) | {"params", "scope"}
_SCOPES = ("document", "source")  # "source": the check runs on a source's scorecard (source_checks.py)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    check: Check
    severity: Severity
    params: dict[str, Any]
    message: str
    explanation: str
    source: str
    file: str
    min: float | None = None
    max: float | None = None
    scope: str = "document"
    options: dict[str, Any] = field(default_factory=dict)  # params less min/max: what the check is given
    key: tuple[Any, ...] = ()  # the check's memo key for these options (checks.memo_key)

    @property
    def threshold(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {_fmt(self.min)}")
        if self.max is not None:
            parts.append(f"<= {_fmt(self.max)}")
        return " and ".join(parts)

    def measure(self, stats: TextStats) -> Measure:
        """The check's measure on this text (remembered on `stats`, shared with other rules)."""
        if self.key:
            return self.check.measured(stats, self.key, self.options)
        return self.check.func(stats, **{k: v for k, v in self.params.items() if k not in ("min", "max")})

    def evaluate(self, stats: TextStats) -> Finding | None:
        if self.check.bound is not None and self.key and self._cannot_fire(stats):
            return None
        measure = self.measure(stats)
        value = measure.value
        low = self.min is not None and value < self.min
        high = self.max is not None and value > self.max
        if not (low or high):
            return None
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            stage="score",
            message=self.message.format(value=_fmt(value), **self.params),
            spans=measure.spans,
            evidence={"check": self.check.name, "value": _round(value), "threshold": self.threshold,
                      "unit": self.check.unit, "source": self.source, **measure.detail},
        )


    def _cannot_fire(self, stats: TextStats) -> bool:
        """Whether the check's bounds, from what `stats` already holds, keep the value within the rule's."""
        bounds = self.check.bound(stats, self.options) if self.check.bound is not None else None
        if bounds is None:
            return False
        low, high = bounds
        return (self.min is None or low >= self.min) and (self.max is None or high <= self.max)


def _fmt(x: float) -> str:
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer()):
        return str(int(x))
    return f"{x:.3f}".rstrip("0")


def _round(x: float) -> float:
    return round(x, 4) if isinstance(x, float) and math.isfinite(x) else x


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)

    def filtered(self, select: list[str] | None = None, ignore: list[str] | None = None) -> RuleSet:
        """Rules whose code starts with a prefix in `select` (all if none) and none in `ignore`."""
        keep = [
            r for r in self.rules
            if (not select or r.code.startswith(tuple(select))) and not (ignore and r.code.startswith(tuple(ignore)))
        ]
        return RuleSet(keep)

    def evaluate(self, doc: Document, stats: TextStats | None = None) -> list[Finding]:
        """Findings of the document rules; pass `stats` to share its measures with other callers."""
        stats = stats if stats is not None else TextStats(doc.text)
        return [f for r in self.rules if r.scope == "document" and (f := r.evaluate(stats)) is not None]

    def evaluate_source(self, stats: Any) -> list[Finding]:
        """Findings of the `scope = "source"` rules on one source's `SourceStats`."""
        out = [f for r in self.rules if r.scope == "source" and (f := r.evaluate(stats)) is not None]
        for f in out:
            f.stage = "source"
        return out


def default_rules_dir() -> Path:
    """rules/ of the installed package (auditor/rules) or of the source checkout."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "rules", here.parent / "rules"):
        if cand.is_dir():
            return cand
    raise RuleError(f"no rules folder found beside {here}")


def load_rules(paths: list[Path | str] | None = None) -> RuleSet:
    """Load every `*.toml` in the given files or folders (default: the shipped rules/)."""
    files: list[Path] = []
    for p in paths or [default_rules_dir()]:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(p.glob("*.toml")))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleError(f"rules path not found: {p}")
    unique = list(dict.fromkeys(f.resolve() for f in files))  # a file named twice is read once
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f in unique:
        for rule in _load_file(f):
            if rule.code in seen:
                raise RuleError(f"{f}: rule {rule.code} is also defined in {seen[rule.code]}")
            seen[rule.code] = str(f)
            rules.append(rule)
    return RuleSet(rules)


def _load_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RuleError(f"{path}: not valid TOML: {e}") from None
    table = data.get("rules")
    if not isinstance(table, dict) or not table:
        raise RuleError(f"{path}: no [rules.CODE] tables")
    return [_parse_rule(path, code, spec) for code, spec in table.items()]


def _try_check(where: str, chk: Check, params: dict[str, Any]) -> None:
    """Run the check once on a small text, so that a bad option (a regular expression that does
    not compile, a list of the wrong things) fails at load time, not in the middle of a run."""
    extra = {k: v for k, v in params.items() if k not in ("min", "max")}
    try:
        chk.func(TextStats(_PROBE), **extra)
    except re.error as e:
        raise RuleError(f"{where}: an option of check '{chk.name}' is not a valid regular expression: {e}") from None
    except (TypeError, ValueError, AttributeError) as e:
        raise RuleError(f"{where}: options of check '{chk.name}' are not usable: {e}") from None


# A probe with lines, bullets, a table and sentences, so every check runs its code paths.
_PROBE = "Title Here\n\nThe first sentence is here. Another one follows it.\n- a bullet line here\n| a | b |\n"


def _parse_rule(path: Path, code: str, spec: Any) -> Rule:
    where = f"{path}: rule {code}"
    if not _CODE.match(code):
        raise RuleError(f"{where}: code must look like Q101 (capitals, then at least two digits)")
    if not isinstance(spec, dict):
        raise RuleError(f"{where}: must be a table")
    unknown = set(spec) - _ALLOWED
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in _REQUIRED:
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise RuleError(f"{where}: field '{key}' is required and must be a non-empty string")
    scope = spec.get("scope", "document")
    if scope not in _SCOPES:
        raise RuleError(f"{where}: scope must be one of {', '.join(_SCOPES)}")
    if scope == "source":
        from auditor.score.source_checks import SOURCE_CHECKS as checks
    else:
        checks = CHECKS
    chk = checks.get(spec["check"])
    if chk is None:
        raise RuleError(f"{where}: unknown {scope} check '{spec['check']}' (known: {', '.join(sorted(checks))})")
    try:
        severity = Severity(spec["severity"])
    except ValueError:
        raise RuleError(f"{where}: severity must be one of info, warning, error") from None
    raw = spec.get("params", {})
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: params must be a table")
    params = dict(chk.params)
    for key, value in raw.items():
        if key in ("min", "max"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise RuleError(f"{where}: option '{key}' must be a number")
        elif key not in chk.params:
            allowed = ", ".join(["min", "max", *chk.params])
            raise RuleError(f"{where}: unknown option '{key}' for check '{chk.name}' (allowed: {allowed})")
        elif type(value) is not type(chk.params[key]) and not (
            isinstance(chk.params[key], float) and type(value) is int
        ):
            raise RuleError(f"{where}: option '{key}' must be {type(chk.params[key]).__name__}")
        elif isinstance(value, list) and not all(isinstance(x, str) for x in value):
            raise RuleError(f"{where}: option '{key}' must be a list of strings")
        params[key] = value
    if "min" not in params and "max" not in params:
        raise RuleError(f"{where}: params need 'min' or 'max'")
    try:
        spec["message"].format(value=0, **params)
    except (KeyError, IndexError, ValueError) as e:
        raise RuleError(f"{where}: message refers to unknown placeholder {e}") from None
    if scope == "document":
        _try_check(where, chk, params)
    options = {k: v for k, v in params.items() if k not in ("min", "max")}
    return Rule(
        code=code, name=spec["name"], check=chk, severity=severity, params=params,
        message=spec["message"], explanation=spec["explanation"].strip(), source=spec["source"],
        file=str(path), min=params.get("min"), max=params.get("max"), scope=scope,
        options=options, key=memo_key(chk.name, options) if scope == "document" else (),
    )
