"""Turn paths (files, folders, `-` for stdin) into `Document`s.

Nothing is lost: an input that cannot be read becomes a Document with
`readable=False` and a finding that says why, so it still appears in every report.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from auditor.document import Document, Finding, Severity
from auditor.errors import InputError

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
WARC_SUFFIXES = {".warc"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(slots=True)
class Decoded:
    text: str | None  # None: not text
    encoding: str
    problem: str = ""  # why it is not text


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes as text: BOM first, then strict UTF-8, then a detected encoding.

    Binary data (NUL bytes outside a UTF-16/32 BOM, or no plausible encoding) gives
    `text=None` with the reason.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as e:
                return Decoded(None, enc, f"starts with a {enc} byte-order mark but does not decode: {e.reason}")
    head = data[:65536]
    if b"\x00" in head and head.count(b"\x00") > max(1, len(head) // 1000):
        return Decoded(None, "binary", "binary data (NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly-ASCII text with a few high bytes is, on the web, nearly always Windows-1252
    # (or Latin-1, its subset); detectors guess exotic code pages on short samples.
    high = sum(1 for b in head if b >= 0x80)
    if high <= 0.3 * len(head):
        try:
            return Decoded(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return Decoded(None, "unknown", "not text in any encoding detected")
    return Decoded(str(best), best.encoding)


def _finding(code: str, message: str, severity: Severity = Severity.ERROR, **evidence: Any) -> Finding:
    return Finding(code=code, severity=severity, message=message, stage="read", evidence=evidence, name=_NAMES[code])


_NAMES = {
    "I001": "empty-input",
    "I002": "not-text",
    "I003": "malformed-jsonl",
    "I004": "bad-record",
    "I005": "fallback-encoding",
    "I006": "unreadable-file",
}


def _unreadable(doc_id: str, path: str, code: str, message: str) -> Document:
    return Document(id=doc_id, raw="", path=path, readable=False, findings=[_finding(code, message)])


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data


def _kind_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def _text_document(doc_id: str, path: str, data: bytes, kind: str, source: str) -> Document:
    dec = decode_bytes(data)
    if dec.text is None:
        return _unreadable(doc_id, path, "I002", f"{path}: {dec.problem}")
    doc = Document(id=doc_id, raw=dec.text, kind=kind, path=path, source=source)
    doc.metadata["encoding"] = dec.encoding
    if dec.encoding not in ("utf-8", "utf-8-sig", "ascii"):
        doc.findings.append(
            _finding("I005", f"decoded as {dec.encoding}, not UTF-8", Severity.INFO, encoding=dec.encoding)
        )
    if not dec.text.strip():
        doc.findings.append(_finding("I001", f"{path}: empty (no text)", Severity.ERROR))
    return doc


def _jsonl_documents(stream: IO[bytes], label: str, source: str) -> Iterator[Document]:
    for n, line in enumerate(stream, 1):
        if line.strip():
            yield jsonl_line_document(line, f"{label}:{n}", source)


def jsonl_line_document(line: bytes, where: str, source: str) -> Document:
    """One JSONL line (`where` is `label:line`) as a Document, unreadable if it is not a record."""
    dec = decode_bytes(line)
    if dec.text is None:
        return _unreadable(where, where, "I003", f"{where}: {dec.problem}")
    try:
        rec = json.loads(dec.text)
    except json.JSONDecodeError as e:
        return _unreadable(where, where, "I003", f"{where}: not JSON ({e.msg} at column {e.colno})")
    return _record_document(rec, where, source)


def _record_document(rec: Any, where: str, source: str) -> Document:
    if not isinstance(rec, dict):
        return _unreadable(where, where, "I004", f"{where}: a record must be a JSON object, got {type(rec).__name__}")
    raw_id = rec.get("id", where)
    if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool):
        return _unreadable(where, where, "I004", f"{where}: \"id\" must be a string or integer")
    doc_id = str(raw_id)
    meta = rec.get("metadata") or {}
    if not isinstance(meta, dict):
        return _unreadable(doc_id, where, "I004", f"{where}: \"metadata\" must be an object")
    if isinstance(rec.get("html"), str) and not isinstance(rec.get("text"), str):
        raw, kind = rec["html"], "html"
    elif isinstance(rec.get("text"), str):
        raw, kind = rec["text"], "text"
    else:
        return _unreadable(doc_id, where, "I004", f"{where}: needs a string \"text\" or \"html\" field")
    doc = Document(id=doc_id, raw=raw, kind=kind, path=where, metadata=dict(meta))
    doc.source = source_of(meta, default=source)
    if not raw.strip():
        doc.findings.append(_finding("I001", f"{where}: empty (no text)"))
    return doc


def source_of(meta: dict[str, Any], default: str) -> str:
    """A document's source: metadata `source`, `site` or the `url`'s host, else `default`."""
    for key in ("source", "site"):
        if isinstance(meta.get(key), str) and meta[key]:
            return str(meta[key])
    url = meta.get("url")
    if isinstance(url, str) and "://" in url:
        host = url.split("://", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0].lower()
        return host.removeprefix("www.")
    return default


def _iter_files(root: Path) -> Iterator[Path]:
    """Supported files under `root`, sorted, not following symlinked folders (no loops)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            p = Path(dirpath) / name
            if not name.startswith(".") and _kind_suffix(p) in SUPPORTED:
                found.append(p)
    yield from sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _read_file(path: Path, doc_id: str, source: str) -> Iterator[Document]:
    suffix = _kind_suffix(path)
    label = str(path)
    if not path.is_file():  # a FIFO or device would block; a dangling link has nothing
        what = "a dangling link" if path.is_symlink() and not path.exists() else "not a regular file"
        if not path.exists() and not path.is_symlink():
            what = "it disappeared before it could be read"
        yield _unreadable(doc_id, label, "I006", f"{label}: cannot read ({what})")
        return
    try:
        if suffix in JSONL_SUFFIXES:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as f:
                yield from _jsonl_documents(f, doc_id, source)  # type: ignore[arg-type]
            return
        if suffix in WARC_SUFFIXES:
            from auditor.io.warc import read_warc

            yield from read_warc(path, doc_id, source)
            return
        data = _read_bytes(path)
    except (OSError, EOFError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
        yield _unreadable(doc_id, label, "I006", f"{label}: cannot read ({type(e).__name__}: {e})")
        return
    kind = "html" if suffix in HTML_SUFFIXES else "text"
    yield _text_document(doc_id, label, data, kind, source)


def read_inputs(paths: Iterable[str], stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Yield one Document per input record, in a stable order.

    Ids: the path relative to the given folder (or the file name for a single
    file); for JSONL, the record's "id" (or `file:line`). Raises InputError for a
    path that does not exist, before anything is read.
    """
    paths = list(paths)
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputError(f"no such file or folder: {p}")
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read()
            if data.lstrip()[:1] == b"{":
                yield from _jsonl_documents(io.BytesIO(data), "-", "stdin")
            else:
                yield _text_document("-", "-", data, "text", "stdin")
            continue
        path = Path(p)
        if path.is_dir():
            for f in _iter_files(path):
                rel = f.relative_to(path).as_posix()
                folder = f.parent.relative_to(path).as_posix()
                source = path.resolve().name if folder == "." else f"{path.resolve().name}/{folder}"
                yield from _read_file(f, rel, source)
        else:
            yield from _read_file(path, path.name, path.resolve().parent.name)
