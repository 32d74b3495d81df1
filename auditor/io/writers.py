"""Writers that never leave a half-written file: write to a temporary file, then rename."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast


@contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; rename it over `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if str(path).endswith(".gz"):
            os.close(fd)
            f = cast(IO[Any], gzip.open(tmp, mode + ("t" if "b" not in mode else ""),
                                        encoding=None if "b" in mode else "utf-8"))
        else:
            f = os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "\n")
        with f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# One encoder for every record (json.dumps with any option builds a new one per call); its
# output is json.dumps(rec, ensure_ascii=False)'s.
jsonl_line = json.JSONEncoder(ensure_ascii=False).encode


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON lines atomically; return how many were written."""
    n = 0
    with atomic_writer(path) as f:
        write = f.write
        for rec in records:
            write(jsonl_line(rec) + "\n")
            n += 1
    return n
