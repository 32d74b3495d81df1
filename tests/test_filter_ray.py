"""`auditor filter --engine ray` gives the same kept, rejected and errors as the local engine.

Runs a local Ray instance with 2 CPUs (Ray comes with the dev extra); skips only
when Ray is not installed or cannot start here.
"""

from __future__ import annotations

import pytest

from auditor.config import Settings
from auditor.decide import FilterSettings
from auditor.engine import FilterOptions, filter_corpus
from tests.test_filter import make_corpus

ray = pytest.importorskip("ray")


def test_ray_engine_matches_the_local_engine(tmp_path):
    from auditor.engine.ray import RayUnavailable

    path = tmp_path / "in.jsonl"
    make_corpus(path, n=60, seed=11)
    settings = Settings(filter=FilterSettings(batch_size=8))
    local = filter_corpus([str(path)], tmp_path / "local", settings, FilterOptions(workers=1))
    try:
        on_ray = filter_corpus([str(path)], tmp_path / "ray", settings, FilterOptions(workers=2, engine="ray"))
    except RayUnavailable as e:
        pytest.skip(f"Ray cannot start here: {e}")
    for name in ("kept", "rejected", "errors"):
        assert (tmp_path / "ray" / f"{name}.jsonl").read_bytes() == (tmp_path / "local" / f"{name}.jsonl").read_bytes()
    assert on_ray["engine"] == "ray" and on_ray["records"] == local["records"] > 60
    assert on_ray["rejected"] > 0 and on_ray["errors"] > 0
