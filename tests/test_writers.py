from __future__ import annotations

import gzip
import json
import os

import pytest

from auditor.io.writers import atomic_writer, write_jsonl


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as f:
            f.write("half a record")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_written_files_get_the_usual_mode_and_gzip(tmp_path):
    n = write_jsonl(tmp_path / "a.jsonl.gz", [{"id": "x", "text": "é"}])
    assert n == 1
    with gzip.open(tmp_path / "a.jsonl.gz", "rt", encoding="utf-8") as f:
        assert json.loads(f.read()) == {"id": "x", "text": "é"}
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "a.jsonl.gz").stat().st_mode & 0o777 == 0o666 & ~mask
