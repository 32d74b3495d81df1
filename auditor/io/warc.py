"""WARC (and WARC.gz) archives as Documents, read with warcio.

A document is a `response` record (an HTTP response: its body is the page), or a
`resource` or `conversion` record (a stored file, or text extracted from one, as in
Common Crawl's WET files). `warcinfo`, `request`, `metadata` and `revisit` records
describe a crawl, not a document, and are passed over. A body that is not text
(an image, a PDF) becomes an unreadable Document with the reason, like any other
input that cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from auditor.document import Document
from auditor.io.readers import _unreadable, decode_bytes, source_of

DOCUMENT_RECORDS = ("response", "resource", "conversion")
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/json")


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def read_warc(path: Path, label: str, source: str) -> Iterator[Document]:
    """One Document per document record of the archive, in file order.

    Ids are the records' `WARC-Record-ID` (without `<urn:uuid:...>`), or
    `label:N` for a record without one; `metadata` has `url` and `date`.
    """
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        for n, rec in enumerate(ArchiveIterator(f), 1):
            if rec.rec_type not in DOCUMENT_RECORDS:
                continue
            head = rec.rec_headers
            rid = (head.get_header("WARC-Record-ID") or "").strip("<>").removeprefix("urn:uuid:")
            doc_id = rid or f"{label}:{n}"
            where = f"{label}:{n}"
            url = head.get_header("WARC-Target-URI") or ""
            meta = {"url": url, "date": head.get_header("WARC-Date") or ""}
            if rec.rec_type == "response" and rec.http_headers is not None:
                if rec.http_headers.get_statuscode() not in ("200", None):
                    meta["status"] = rec.http_headers.get_statuscode()
                media = _media_type(rec.http_headers.get_header("Content-Type"))
            else:
                media = _media_type(head.get_header("Content-Type"))
            data = rec.content_stream().read()
            if media and not media.startswith(_TEXT_TYPES):
                yield _unreadable(doc_id, where, "I002", f"{where}: {media} body, not text ({url})")
                continue
            dec = decode_bytes(data)
            if dec.text is None:
                yield _unreadable(doc_id, where, "I002", f"{where}: {dec.problem} ({url})")
                continue
            html = "html" in media or (not media and "<html" in dec.text[:2048].lower())
            meta["encoding"] = dec.encoding
            doc = Document(id=doc_id, raw=dec.text, kind="html" if html else "text", path=where, metadata=meta)
            doc.source = source_of(meta, default=source)
            yield doc
