"""The filter's input: every record of the inputs, in the order `read_inputs` gives them.

A JSONL line travels to the workers as its raw bytes (parsing is part of the
parallel work); every other input (text and HTML files, WARC records, stdin) is
read into a Document here. Ids follow `auditor.io.read_inputs`.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.document import Document
from auditor.errors import InputError
from auditor.io import read_inputs
from auditor.io.readers import JSONL_SUFFIXES, _iter_files, _kind_suffix, _unreadable, jsonl_line_document


@dataclass(slots=True)
class Item:
    """One input record: a raw JSONL line (`line`, `where`, `source`) or a read Document."""

    doc: Document | None = None
    line: bytes = b""
    where: str = ""
    source: str = ""

    def document(self) -> Document:
        if self.doc is not None:
            return self.doc
        return jsonl_line_document(self.line, self.where, self.source)


def _jsonl_items(path: Path, label: str, source: str) -> Iterator[Item]:
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    try:
        with opener(path, "rb") as f:
            for n, line in enumerate(f, 1):  # noqa: B007 (n names the line of a read error)
                if line.strip():
                    yield Item(line=line, where=f"{label}:{n}", source=source)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as e:
        where = f"{label}:{n + 1}"
        yield Item(doc=_unreadable(where, str(path), "I006",
                                   f"{path}: cannot read past line {n} ({type(e).__name__}: {e})"))


def _file_items(path: Path, doc_id: str, source: str) -> Iterator[Item]:
    if _kind_suffix(path) in JSONL_SUFFIXES:
        yield from _jsonl_items(path, doc_id, source)
    else:
        for doc in read_inputs([str(path)]):
            if doc.id == path.name:  # read_inputs names a lone file by its name; a folder's by its path
                doc.id = doc_id
            doc.source = doc.source if doc.metadata.get("url") else source
            yield Item(doc=doc)


def iter_items(paths: list[str]) -> Iterator[Item]:
    """Every input record as an Item; raises InputError for a missing path before reading."""
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputError(f"no such file or folder: {p}")
    for p in paths:
        if p == "-":
            yield from (Item(doc=d) for d in read_inputs(["-"]))
            continue
        path = Path(p)
        if path.is_dir():
            for f in _iter_files(path):
                folder = f.parent.relative_to(path).as_posix()
                source = path.resolve().name if folder == "." else f"{path.resolve().name}/{folder}"
                yield from _file_items(f, f.relative_to(path).as_posix(), source)
        else:
            yield from _file_items(path, path.name, path.resolve().parent.name)


def fingerprint(paths: list[str]) -> list[list[object]]:
    """What resuming checks is unchanged: each input file's path, size and modification time."""
    out: list[list[object]] = []
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputError(f"no such file or folder: {p}")
    for p in paths:
        if p == "-":
            out.append(["-", 0, 0])
            continue
        path = Path(p)
        files = list(_iter_files(path)) if path.is_dir() else [path]
        for f in files:
            st = f.stat()
            out.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
    return out
