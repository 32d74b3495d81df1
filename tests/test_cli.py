from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from auditor.cli import app

runner = CliRunner()


def test_audit_seeds_writes_reports_and_exits_1_on_errors(seeds_dir, tmp_path):
    res = runner.invoke(app, ["audit", str(seeds_dir), "--report-dir", str(tmp_path)])
    assert res.exit_code == 1, res.output
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert data["schema"] == "auditor.audit/1" and data["summary"]["documents"] == 5
    md = (tmp_path / "audit.md").read_text(encoding="utf-8")
    assert "| document | words before | words after | boilerplate |" in md
    assert "Q202" in md


def test_fail_on_never_and_warning(seeds_dir, tmp_path):
    args = ["audit", str(seeds_dir), "--report-dir", str(tmp_path), "--fail-on", "never"]
    assert runner.invoke(app, args).exit_code == 0
    one = next(seeds_dir.glob("001_*.txt"))
    assert runner.invoke(app, ["audit", str(one), "--report-dir", str(tmp_path), "--fail-on", "error"]).exit_code == 0
    # 001 has only an info note about removed boilerplate: fail-on warning still passes
    assert runner.invoke(app, ["audit", str(one), "--report-dir", str(tmp_path), "--fail-on", "warning"]).exit_code == 0


def test_missing_path_is_error_exit_2(tmp_path):
    res = runner.invoke(app, ["audit", str(tmp_path / "missing"), "--report-dir", str(tmp_path)])
    assert res.exit_code == 2
    assert res.output.strip().splitlines()[-1] == f"Error: no such file or folder: {tmp_path / 'missing'}"


def test_bad_rules_file_is_error_exit_2(seeds_dir, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[rules.Z101]\nname="x"\ncheck="nope"\n', encoding="utf-8")
    res = runner.invoke(app, ["audit", str(seeds_dir), "--rules", str(bad), "--report-dir", str(tmp_path)])
    assert res.exit_code == 2 and res.output.startswith("Error: ") and "Z101" in res.output


def test_bad_inputs_are_findings_and_the_run_goes_on(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "empty.txt").write_bytes(b"")
    (inp / "bin.txt").write_bytes(b"\x00\xff\x00\xfe" * 100)
    (inp / "recs.jsonl").write_text('{"id": "ok", "text": "fine"}\n{broken\n', encoding="utf-8")
    res = runner.invoke(app, ["audit", str(inp), "--report-dir", str(tmp_path / "r"), "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    assert "recs.jsonl:2" in res.output
    data = json.loads((tmp_path / "r" / "audit.json").read_text(encoding="utf-8"))
    verdicts = {d["id"]: d["verdict"] for d in data["documents"]}
    assert verdicts["bin.txt"] == "unreadable" and verdicts["recs.jsonl:2"] == "unreadable"
    assert set(verdicts) == {"bin.txt", "empty.txt", "ok", "recs.jsonl:2"}


def test_clean_writes_one_record_per_input(seeds_dir, tmp_path):
    out = tmp_path / "clean.jsonl"
    res = runner.invoke(app, ["clean", str(seeds_dir), "-o", str(out), "--explain"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 5 and all(set(r) == {"id", "text", "metadata"} for r in recs)
    r2 = next(r for r in recs if r["id"].startswith("002"))
    assert "Share on Facebook" not in r2["text"]
    assert any(x["reason"] == "share-buttons" for x in r2["metadata"]["auditor"]["removed"])


def test_unknown_format_is_exit_2(seeds_dir, tmp_path):
    res = runner.invoke(app, ["audit", str(seeds_dir), "--format", "pdf", "--report-dir", str(tmp_path)])
    assert res.exit_code == 2 and "unknown report format" in res.output


@pytest.mark.parametrize("cmd", [["audit"], ["clean"], ["rules", "list"], ["rules", "explain"]])
def test_every_command_has_help_with_an_example(cmd):
    res = runner.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output


def test_rules_explain(tmp_path):
    res = runner.invoke(app, ["rules", "explain", "Q202"])
    assert res.exit_code == 0 and "duplicate-paragraphs" in res.output and "Gopher" in res.output
    assert runner.invoke(app, ["rules", "explain", "NOPE99"]).exit_code == 2
