from __future__ import annotations

import gzip
import io
import json

import pytest

from auditor.errors import InputError
from auditor.io import decode_bytes, read_inputs


def test_folder_recursive_ids_are_relative_paths(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("hello world", encoding="utf-8")
    (tmp_path / "two.md").write_text("# title", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    with gzip.open(tmp_path / "a" / "three.txt.gz", "wt", encoding="utf-8") as f:
        f.write("zipped text")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    docs = list(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["a/one.txt", "a/three.txt.gz", "page.html", "two.md"]
    assert docs[1].raw == "zipped text"
    assert docs[2].kind == "html"


def test_jsonl_records_ids_metadata_and_bad_lines(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(
        "\n".join([
            json.dumps({"id": "x1", "text": "alpha", "metadata": {"url": "https://www.example.org/a"}}),
            json.dumps({"html": "<p>beta</p>"}),
            "{not json",
            json.dumps({"id": "x4", "text": 5}),
            json.dumps([1, 2]),
        ]) + "\n",
        encoding="utf-8",
    )
    docs = list(read_inputs([str(p)]))
    assert [d.id for d in docs] == ["x1", "in.jsonl:2", "in.jsonl:3", "x4", "in.jsonl:5"]
    assert docs[0].source == "example.org"
    assert docs[1].kind == "html"
    assert not docs[2].readable and docs[2].findings[0].code == "I003"
    assert "in.jsonl:3" in docs[2].findings[0].message
    assert not docs[3].readable and docs[3].findings[0].code == "I004"
    assert not docs[4].readable


def test_encodings_bom_latin1_and_binary():
    assert decode_bytes("\ufeffcafé".encode("utf-8")).text == "café"
    assert decode_bytes("café olé".encode("utf-16")).text == "café olé"
    latin = "Le café était très bon, merci beaucoup à vous.".encode("cp1252")
    dec = decode_bytes(latin)
    assert dec.text is not None and "café" in dec.text and dec.encoding != "utf-8"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert decode_bytes(png).text is None


def test_empty_and_binary_files_become_findings(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50)
    docs = {d.id: d for d in read_inputs([str(tmp_path)])}
    assert docs["empty.txt"].findings[0].code == "I001"
    assert not docs["img.txt"].readable and docs["img.txt"].findings[0].code == "I002"


def test_stdin_text_and_jsonl():
    docs = list(read_inputs(["-"], stdin=io.BytesIO(b"plain words here")))
    assert docs[0].id == "-" and docs[0].raw == "plain words here"
    docs = list(read_inputs(["-"], stdin=io.BytesIO(b'{"id": "s", "text": "t"}\n')))
    assert docs[0].id == "s"


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_inputs([str(tmp_path / "nope")]))
