"""Settings: defaults, then `[tool.auditor]` of the nearest pyproject.toml, then the command line."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.check.policy import SeedPolicy
from auditor.clean_settings import CleanSettings
from auditor.decide import FilterSettings
from auditor.errors import ConfigError
from auditor.limits import Limits

if TYPE_CHECKING:
    from auditor.dedup import DedupSettings
    from auditor.sources import SourceSettings


def _dedup_settings() -> type[DedupSettings]:
    # imported when asked for: auditor.dedup brings the dedup stage and auditor.sources the scoring
    # package, which `auditor clean` never uses (about a tenth of its start-up)
    from auditor.dedup import DedupSettings

    return DedupSettings


def _source_settings() -> type[SourceSettings]:
    from auditor.sources import SourceSettings

    return SourceSettings


def _made(cls: Callable[[], type]) -> Callable[[], Any]:
    return lambda: cls()()


@dataclass(frozen=True, slots=True)
class Settings:
    rules: tuple[str, ...] = ()  # extra rule files or folders, added to the shipped rules/
    default_rules: bool = True  # False: only the `rules` above run (--no-default-rules)
    classifier: bool = True  # audit: the shipped machine-text classifier reports M001 (info, evidence only)
    machine_text_threshold: float = 0.5  # audit: M001 at or above this probability
    # audit: the classifier: "default" (shipped), "lm" (shipped, with a small language model's
    # features: the `lm` extra) or a model folder (relative to the pyproject.toml that names it)
    machine_text_model: str = "default"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedup: DedupSettings = field(default_factory=_made(_dedup_settings))
    filter: FilterSettings = field(default_factory=FilterSettings)  # `auditor filter`: what drops, what flags
    seeds: SeedPolicy = field(default_factory=SeedPolicy)  # `auditor check` / the auditor-seeds hook
    limits: Limits = field(default_factory=Limits)  # per-document size and time limits
    sources: SourceSettings = field(default_factory=_made(_source_settings))  # where a document's source comes from

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
    "default_rules": bool, "classifier": bool, "machine_text_threshold": (float, int), "machine_text_model": str,
}


def _read_table(pyproject: Path | None) -> tuple[dict[str, Any], str, Path | None]:
    """[tool.auditor] of `pyproject` (else of the nearest pyproject.toml), how errors name it, and its path."""
    data: dict[str, Any] = {}
    path = pyproject if pyproject is not None else find_pyproject()
    if path is not None and path.is_file():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from None
        data = doc.get("tool", {}).get("auditor", {})
    return data, f"{path}: [tool.auditor]", path


def _top_settings(data: dict[str, Any], where: str, path: Path | None) -> dict[str, Any]:
    """The checked top-level settings of the table (the ones outside its sub-tables)."""
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
    model = top.get("machine_text_model")
    if path is not None and model is not None and model not in ("default", "lm"):  # a folder, likewise
        top["machine_text_model"] = str((path.parent / model).resolve())
    return top


def _check_fail_on(fail_on: str) -> None:
    if fail_on not in ("error", "warning", "never"):
        raise ConfigError(f"fail-on must be error, warning or never, not '{fail_on}'")


def _sub_tables(data: dict[str, Any], where: str, every: bool = True) -> dict[str, Any]:
    """The sub-tables' settings objects, by name; with `every` False only those the table has (and clean)."""
    out: dict[str, Any] = {}
    out["clean"] = CleanSettings(**_section(CleanSettings, data.get("clean", {}), f"{where}.clean"))
    if every or "dedup" in data:
        raw_dedup = data.get("dedup", {})
        if isinstance(raw_dedup, dict):  # TOML lists -> tuples (e.g. source_priority)
            raw_dedup = {k: tuple(v) if isinstance(v, list) else v for k, v in raw_dedup.items()}
        dedup_settings = _dedup_settings()
        out["dedup"] = dedup_settings(**_section(dedup_settings, raw_dedup, f"{where}.dedup"))
    if every or "seeds" in data:
        raw_seeds = data.get("seeds", {})
        if isinstance(raw_seeds, dict):  # TOML lists -> the tuples SeedPolicy holds
            for key in ("block", "warn", "ignore"):
                if key in raw_seeds and not isinstance(raw_seeds[key], list):
                    raise ConfigError(f"{where}.seeds: '{key}' must be a list of code prefixes (strings)")
            raw_seeds = {k: tuple(v) if isinstance(v, list) else v for k, v in raw_seeds.items()}
        out["seeds"] = SeedPolicy(**_section(SeedPolicy, raw_seeds, f"{where}.seeds"))
    if every or "filter" in data:
        out["filter"] = FilterSettings.from_table(data.get("filter", {}), f"{where}.filter")
    if every or "limits" in data:
        out["limits"] = Limits(**_section(Limits, data.get("limits", {}), f"{where}.limits"))
    if every or "sources" in data:
        raw_sources = data.get("sources", {})
        if isinstance(raw_sources, dict) and isinstance(raw_sources.get("keys"), list):
            raw_sources = {**raw_sources, "keys": tuple(raw_sources["keys"])}
        source_settings = _source_settings()
        out["sources"] = source_settings(**_section(source_settings, raw_sources, f"{where}.sources"))
    return out


def load_settings(pyproject: Path | None = None, **overrides: Any) -> Settings:
    """Settings from `[tool.auditor]` (if any), with non-None `overrides` on top."""
    data, where, path = _read_table(pyproject)
    top = _top_settings(data, where, path)
    settings = Settings(**top, **_sub_tables(data, where))
    overrides = {k: v for k, v in overrides.items() if v is not None}
    settings = dataclasses.replace(settings, **overrides)
    _check_fail_on(settings.fail_on)
    return settings


def load_clean_settings(pyproject: Path | None = None) -> CleanSettings:
    """load_settings(pyproject).clean, the table checked just as load_settings checks it, without
    importing the dedup and scoring packages where the table has no dedup or sources section."""
    data, where, path = _read_table(pyproject)
    top = _top_settings(data, where, path)
    clean: CleanSettings = _sub_tables(data, where, every=False)["clean"]
    if "fail_on" in top:  # the default passes
        _check_fail_on(top["fail_on"])
    return clean
