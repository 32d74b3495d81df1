"""`auditor clean` starts without the stages it does not run, and reads its settings as load_settings does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from auditor.config import load_clean_settings, load_settings
from auditor.errors import ConfigError


def test_clean_command_imports_neither_dedup_nor_scoring(tmp_path):
    page = "<html><body><article>" + "<p>A walk along the coast, from one small village to the next.</p>" * 5
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "p", "html": page + "</article></body></html>"}) + "\n")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from auditor.cli import app\n"
        f"r = CliRunner().invoke(app, ['clean', {str(inputs)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['auditor', 'dedup'], ['auditor', 'score'],"
        " ['auditor', 'sources'])))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert json.loads((tmp_path / "out.jsonl").read_text())["text"].startswith("A walk along the coast")


@pytest.mark.parametrize(
    "table",
    [
        "",
        "[tool.auditor]\nfail-on = 'warning'\n[tool.auditor.clean]\nmin-html-words = 5\ntemplates = false\n",
        "[tool.auditor.dedup]\njaccard = 0.7\n[tool.auditor.sources]\n[tool.auditor.clean]\nkeep_outside = 0.9\n",
    ],
)
def test_clean_settings_are_those_of_load_settings(tmp_path, table):
    (tmp_path / "pyproject.toml").write_text(table)
    assert load_clean_settings(tmp_path / "pyproject.toml") == load_settings(tmp_path / "pyproject.toml").clean


@pytest.mark.parametrize(
    "table",
    [
        "[tool.auditor]\nfail-on = 'sometimes'\n",
        "[tool.auditor]\nunknown = 1\n",
        "[tool.auditor.clean]\nmin-html-words = 'many'\n",
        "[tool.auditor.dedup]\nno-such-setting = 1\n",
        "[tool.auditor.sources]\nno-such-setting = 1\n",
        "[tool.auditor.limits]\nno-such-setting = 1\n",
    ],
)
def test_clean_settings_refuse_what_load_settings_refuses(tmp_path, table):
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigError) as expected:
        load_settings(tmp_path / "pyproject.toml")
    with pytest.raises(ConfigError) as got:
        load_clean_settings(tmp_path / "pyproject.toml")
    assert str(got.value) == str(expected.value)
