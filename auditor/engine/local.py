"""The local engine: batches of records over a pool of worker processes, results in order.

At most `2 * workers + 2` batches are in flight, so memory does not grow with the
corpus (the dedup index aside). If a worker process dies (killed, out of
memory), the pool is restarted and the batches in flight are sent again; a
batch that kills a worker twice is split into single records, and a record that
kills a worker on its own goes to errors.jsonl (X002), so every record is still
accounted for.

Closing the pool is bounded: every result has been consumed by then, so the
workers are asked to stop, given `_STOP_S` seconds, and then terminated. A plain
`shutdown(wait=True)` once hung under heavy load (a forked worker that never
exited), which would have held a finished run forever.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from auditor.engine.records import Item
from auditor.engine.work import BatchResult, Outcome, StageConfig, _error, merge_results, process_batch

_STOP_S = 30.0  # seconds workers get to exit after the last result before they are terminated


def close_pool(pool: ProcessPoolExecutor, timeout: float = _STOP_S) -> None:
    """Shut `pool` down without waiting on it unboundedly: cancel what is queued, let the workers
    exit, terminate those still alive after `timeout` seconds, and join the manager thread."""
    # The executor's worker processes and manager thread are private attributes (CPython
    # 3.8-3.13); without them only the unbounded `shutdown(wait=True)` is possible.
    procs = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + timeout
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in procs:
        if p.is_alive():
            p.terminate()
            p.join(5.0)
        if p.is_alive():
            p.kill()
            p.join(5.0)
    if manager is not None:
        manager.join(max(1.0, deadline - time.monotonic()))


def _crashed(item: Item, config: StageConfig) -> BatchResult:
    try:
        doc_id = item.document().id
    except Exception:  # noqa: BLE001 (the record is reported either way)
        doc_id = item.where
    out: Outcome = _error(doc_id, "X002", "a worker process died while processing this record", item.where)
    return BatchResult([out], np.zeros((1, config.dedup.num_perm), dtype=np.uint32))


def _merge(parts: list[BatchResult]) -> BatchResult:
    return merge_results(parts)


class LocalPool:
    """`map` over batches with a bounded window, results in input order, surviving worker deaths."""

    def __init__(self, workers: int, config: StageConfig) -> None:
        self.workers = workers
        self.config = config
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:  # broken: its workers are gone or going
            close_pool(self._pool, timeout=5.0)
        # fork: workers start at once with the parent's imports; the pool is made before
        # any progress-bar thread exists.
        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"))
        return self._pool

    def _run_alone(self, batch: list[Item]) -> BatchResult:
        """A batch that broke the pool twice: each record on its own, so only a culprit is lost."""
        parts = []
        for item in batch:
            try:
                parts.append(self._new_pool().submit(process_batch, [item], self.config).result())
            except BrokenProcessPool:
                parts.append(_crashed(item, self.config))
        self._new_pool()
        return _merge(parts)

    def map(self, batches: Iterable[list[Item]]) -> Iterator[BatchResult]:
        if self.workers <= 1:
            for batch in batches:
                yield process_batch(batch, self.config)
            return
        pool = self._new_pool()
        window: deque[tuple[list[Item], Future[BatchResult]]] = deque()
        source = iter(batches)
        limit = 2 * self.workers + 2
        try:
            while True:
                while len(window) < limit:
                    nxt: list[Item] | None = next(source, None)
                    if nxt is None:
                        break
                    window.append((nxt, pool.submit(process_batch, nxt, self.config)))
                if not window:
                    return
                batch, fut = window[0]
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    pool = self._new_pool()
                    # resend everything in flight; the head batch once more, then record by record
                    head = window.popleft()[0]
                    pending = [b for b, _ in window]
                    window.clear()
                    try:
                        result = pool.submit(process_batch, head, self.config).result()
                    except BrokenProcessPool:
                        result = self._run_alone(head)
                        pool = self._pool  # type: ignore[assignment]
                    for b in pending:
                        window.append((b, pool.submit(process_batch, b, self.config)))
                    yield result
                    continue
                window.popleft()
                yield result
        finally:
            if self._pool is not None:
                close_pool(self._pool)
                self._pool = None


def batched(items: Iterable[Item], size: int, skip: int = 0) -> Iterator[list[Item]]:
    """Batches of `size` items, after skipping the first `skip` (already done in a resumed run)."""
    batch: list[Item] = []
    for n, item in enumerate(items):
        if n < skip:
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
