"""The Ray engine: the per-document stages on Ray Data, the ordered dedup step on the driver.

The driver reads the inputs and cuts them into batches, as the local engine does;
each window of batches becomes a Ray Dataset whose `map_batches` runs
`process_batch` (clean, score, sign) on the cluster's CPUs. Results come back in
input order and go through the same `FilterRun`, so the kept and rejected sets
equal the local engine's on the same input. Windows bound the driver's memory.

Where Ray runs: `--ray-address` (or `$RAY_ADDRESS`, e.g. `ray://head:10001` or
`auto` on a cluster node) joins an existing cluster; without either, a local Ray
instance with `--workers` CPUs is started and stopped.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import numpy as np

from auditor.engine.records import Item
from auditor.engine.work import BatchResult, StageConfig, process_batch
from auditor.errors import AuditorError


class RayUnavailable(AuditorError):
    """Ray is not installed (the auditor[ray] extra) or could not start or connect."""


def _process_rows(rows: dict[str, np.ndarray], config: StageConfig) -> dict[str, Any]:
    # payloads are pickles the driver made from our own Item objects, in this same run
    results = [pickle.dumps(process_batch(pickle.loads(p), config)) for p in rows["payload"]]
    return {"seq": rows["seq"], "result": np.array(results, dtype=object)}


class RayMapper:
    def __init__(self, config: StageConfig, workers: int, address: str | None = None, window: int = 0) -> None:
        self.config = config
        self.workers = workers
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.window = window or max(8, 4 * workers)

    def _start(self) -> bool:
        """Connect or start; True when this call started Ray (and so must stop it)."""
        try:
            import ray
        except ImportError:
            raise RayUnavailable("--engine ray needs Ray: pip install 'auditor[ray]'") from None
        if ray.is_initialized():
            return False
        try:
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
        except Exception as e:  # noqa: BLE001 (Ray raises many kinds; the user needs one line)
            where = self.address or "a local instance"
            raise RayUnavailable(f"cannot start Ray ({where}): {type(e).__name__}: {e}") from None
        return True

    def map(self, batches: Iterable[list[Item]]) -> Iterator[BatchResult]:
        import ray

        started = self._start()
        try:
            ctx = ray.data.DataContext.get_current()
            ctx.execution_options.preserve_order = True
            ctx.enable_progress_bars = False
            source = iter(batches)
            while True:
                window = list(islice(source, self.window))
                if not window:
                    return
                items = ray.data.from_items(
                    [{"seq": i, "payload": pickle.dumps(b)} for i, b in enumerate(window)],
                    override_num_blocks=len(window),
                )
                done = items.map_batches(_process_rows, batch_size=1,  # type: ignore[arg-type]
                                         fn_kwargs={"config": self.config}, num_cpus=1)
                rows = sorted(done.take_all(), key=lambda r: int(r["seq"]))
                for r in rows:
                    yield pickle.loads(r["result"])
        finally:
            if started:
                ray.shutdown()
