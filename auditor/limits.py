"""Per-document limits, so one pathological page cannot stall a run.

`max_chars`: a document longer than this is audited on its first `max_chars`
characters only (a finding says so); Gopher rejects documents over 100,000 words
(about 600,000 characters) anyway, so the default cuts nothing a quality filter
would keep. `max_seconds`: a stage that takes longer than this on one document is
stopped (SIGALRM timer, in the main thread of the process doing the work) and the
document gets a finding; the run goes on.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from auditor.document import Document, Finding, Severity


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int = 1_000_000
    max_seconds: float = 30.0  # 0 turns the time limit off


class DocumentTimeout(Exception):
    """A stage ran past Limits.max_seconds on one document."""


@contextmanager
def deadline(seconds: float, error: type[Exception] = DocumentTimeout) -> Iterator[None]:
    """Raise `error` in the block after `seconds` (SIGALRM: the main thread of a Unix process only).

    A timer signal interrupts pure-Python work between bytecodes, which is where the
    stages spend their time on pathological input. Elsewhere (other threads, no
    setitimer) and for 0 seconds the block runs without a limit.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise error(f"took longer than {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def apply_size_limit(doc: Document, limits: Limits) -> None:
    """Cut an over-long document to `max_chars` and say so in a finding."""
    size = len(doc.raw)
    if size <= limits.max_chars:
        return
    doc.raw = doc.raw[: limits.max_chars]
    doc.findings.append(
        Finding(
            code="L001",
            name="too-large",
            severity=Severity.WARNING,
            stage="read",
            message=f"{size:,} characters; only the first {limits.max_chars:,} were audited (limits.max_chars)",
            evidence={"value": size, "threshold": f"<= {limits.max_chars}", "unit": "characters"},
        )
    )


def timeout_finding(stage: str, limits: Limits) -> Finding:
    return Finding(
        code="L002",
        name="time-limit",
        severity=Severity.ERROR,
        stage=stage,
        message=f"{stage} stopped after {limits.max_seconds:g}s on this document (limits.max_seconds)",
        evidence={"threshold": f"<= {limits.max_seconds:g}", "unit": "seconds"},
    )
