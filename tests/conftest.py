from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_audit():
    """The audit of seeds/ with default settings (run once per test session)."""
    from auditor.config import Settings
    from auditor.pipeline import audit_paths

    result = audit_paths([str(SEEDS)], Settings())
    return result


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
