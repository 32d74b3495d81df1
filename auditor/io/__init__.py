"""Readers and writers: bytes in and out, never judging content."""

from auditor.io.readers import decode_bytes, read_inputs
from auditor.io.writers import atomic_writer, write_jsonl

__all__ = ["atomic_writer", "decode_bytes", "read_inputs", "write_jsonl"]
