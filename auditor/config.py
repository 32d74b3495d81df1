"""Settings: defaults, then `[tool.auditor]` of the nearest pyproject.toml, then the command line."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.check.policy import SeedPolicy
from auditor.clean_settings import CleanSettings
from auditor.decide import FilterSettings
from auditor.dedup import DedupSettings
from auditor.errors import ConfigError
from auditor.limits import Limits
from auditor.sources import SourceSettings


@dataclass(frozen=True, slots=True)
class Settings:
    rules: tuple[str, ...] = ()  # extra rule files or folders, added to the shipped rules/
    default_rules: bool = True  # False: only the `rules` above run (--no-default-rules)
    classifier: bool = True  # audit: the shipped machine-text classifier reports M001 (info, evidence only)
    machine_text_threshold: float = 0.5  # audit: M001 at or above this probability
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    filter: FilterSettings = field(default_factory=FilterSettings)  # `auditor filter`: what drops, what flags
    seeds: SeedPolicy = field(default_factory=SeedPolicy)  # `auditor check` / the auditor-seeds hook
    limits: Limits = field(default_factory=Limits)  # per-document size and time limits
    sources: SourceSettings = field(default_factory=SourceSettings)  # where a document's source comes from

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def find_pyproject(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        cand = folder / "pyproject.toml"
        if cand.is_file():
            return cand
    return None


def _section(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    names = {f.name: f for f in dataclasses.fields(cls)}
    out = {}
    for key, value in data.items():
        key_ = key.replace("-", "_")
        if key_ not in names:
            raise ConfigError(f"{where}: unknown setting '{key}' (known: {', '.join(sorted(names))})")
        default = names[key_].default
        if default is not dataclasses.MISSING and not isinstance(value, type(default)):
            if not (isinstance(default, float) and isinstance(value, int)):
                raise ConfigError(f"{where}: '{key}' must be {type(default).__name__}")
        out[key_] = value
    return out


# Top-level [tool.auditor] settings besides rules/select/ignore/fail-on, and their types.
_TOP_TYPED: dict[str, type | tuple[type, ...]] = {
    "default_rules": bool, "classifier": bool, "machine_text_threshold": (float, int),
}


def load_settings(pyproject: Path | None = None, **overrides: Any) -> Settings:
    """Settings from `[tool.auditor]` (if any), with non-None `overrides` on top."""
    data: dict[str, Any] = {}
    path = pyproject if pyproject is not None else find_pyproject()
    if path is not None and path.is_file():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from None
        data = doc.get("tool", {}).get("auditor", {})
    where = f"{path}: [tool.auditor]"
    top = {k: v for k, v in data.items() if k not in ("clean", "dedup", "seeds", "filter", "limits", "sources")}
    for key in ("rules", "select", "ignore"):
        if key in top:
            if not isinstance(top[key], list) or not all(isinstance(x, str) for x in top[key]):
                raise ConfigError(f"{where}: '{key}' must be a list of strings")
            top[key] = tuple(top[key])
    top = {k.replace("-", "_") if k != "fail-on" else k: v for k, v in top.items()}
    unknown = set(top) - {"rules", "select", "ignore", "fail_on", "fail-on", *_TOP_TYPED}
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    for key, kind in _TOP_TYPED.items():
        if key in top and (not isinstance(top[key], kind) or (kind is not bool and isinstance(top[key], bool))):
            what = kind.__name__ if isinstance(kind, type) else "a number"
            raise ConfigError(f"{where}: '{key.replace('_', '-')}' must be {what}")
    if "fail-on" in top:
        top["fail_on"] = top.pop("fail-on")
    if path is not None and "rules" in top:  # relative to the pyproject.toml that names them
        top["rules"] = tuple(str((path.parent / r).resolve()) for r in top["rules"])
    clean = CleanSettings(**_section(CleanSettings, data.get("clean", {}), f"{where}.clean"))
    raw_dedup = data.get("dedup", {})
    if isinstance(raw_dedup, dict):  # TOML lists -> tuples (e.g. source_priority)
        raw_dedup = {k: tuple(v) if isinstance(v, list) else v for k, v in raw_dedup.items()}
    dedup = DedupSettings(**_section(DedupSettings, raw_dedup, f"{where}.dedup"))
    raw_seeds = data.get("seeds", {})
    if isinstance(raw_seeds, dict):  # TOML lists -> the tuples SeedPolicy holds
        for key in ("block", "warn", "ignore"):
            if key in raw_seeds and not isinstance(raw_seeds[key], list):
                raise ConfigError(f"{where}.seeds: '{key}' must be a list of code prefixes (strings)")
        raw_seeds = {k: tuple(v) if isinstance(v, list) else v for k, v in raw_seeds.items()}
    seeds = SeedPolicy(**_section(SeedPolicy, raw_seeds, f"{where}.seeds"))
    filter_ = FilterSettings.from_table(data.get("filter", {}), f"{where}.filter")
    limits = Limits(**_section(Limits, data.get("limits", {}), f"{where}.limits"))
    raw_sources = data.get("sources", {})
    if isinstance(raw_sources, dict) and isinstance(raw_sources.get("keys"), list):
        raw_sources = {**raw_sources, "keys": tuple(raw_sources["keys"])}
    sources = SourceSettings(**_section(SourceSettings, raw_sources, f"{where}.sources"))
    settings = Settings(**top, clean=clean, dedup=dedup, seeds=seeds, filter=filter_, limits=limits, sources=sources)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    settings = dataclasses.replace(settings, **overrides)
    if settings.fail_on not in ("error", "warning", "never"):
        raise ConfigError(f"fail-on must be error, warning or never, not '{settings.fail_on}'")
    return settings
