"""The seeds guard: `auditor-seeds` / `auditor check` on fixture files, and a real pre-commit run (issue 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.check.guard import check_files
from auditor.check.policy import SeedPolicy
from auditor.cli import app
from auditor.config import Settings
from auditor.hook import main
from auditor.pipeline import rules_for
from tests.conftest import ROOT, SEEDS, seed_text

FIXTURES = Path(__file__).parent / "fixtures" / "hook"
SEED_002 = next(SEEDS.glob("002_*.txt")).name
SEED_001 = next(SEEDS.glob("001_*.txt")).name


def article_002() -> str:
    raw = seed_text("002")
    start = raw.index("Inside the White House")
    end = raw.index("Eric Schmitt contributed reporting.") + len("Eric Schmitt contributed reporting.")
    return raw[start:end]


def rewrapped_002(keep: float = 1.0) -> str:
    """Seed 002's article (its first `keep` share of paragraphs), re-published inside another
    site's navigation, cookie banner and footer."""
    paras = article_002().split("\n\n")
    article = "\n\n".join(paras[: round(len(paras) * keep)])
    return (FIXTURES / "other_site_wrapper.txt").read_text(encoding="utf-8").replace("{ARTICLE}", article)


def borrowed_from_001() -> str:
    """A new article that lifts three paragraphs of seed 001 word for word."""
    paras = [p for p in seed_text("001").split("\n\n") if len(p.split()) > 25][:3]
    good = (FIXTURES / "good_article.txt").read_text(encoding="utf-8")
    return good + "\n\n" + "\n\n".join(paras) + "\n"


def copy_lines(out: str) -> list[str]:
    """The D001/D002 lines of the output (the seed's own findings, e.g. D003, aside)."""
    return [ln for ln in out.splitlines() if ln.split(": ", 1)[-1].startswith(("D001 ", "D002 "))]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A working folder with a copy of seeds/ and no pyproject.toml: default policy."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add(repo: Path, name: str, text: str) -> str:
    (repo / "seeds" / name).write_text(text, encoding="utf-8")
    return f"seeds/{name}"


def test_rewrapped_copy_is_refused_naming_the_seed_and_evidence(repo, capsys):
    path = add(repo, "900_copy.txt", rewrapped_002())
    assert main([path, "--against", "seeds/"]) == 1
    # both sites' boilerplate is cleaned away: what is left is the same text (D001), or
    # nearly so (D002) when cleaning keeps a line of one site's
    (line,) = copy_lines(capsys.readouterr().out)
    assert line.startswith((f"{path}: D001 same text as seeds/{SEED_002}",
                            f"{path}: D002 near-duplicate of seeds/{SEED_002}")), line


def test_truncated_rewrapped_copy_is_a_near_duplicate(repo, capsys):
    path = add(repo, "900_copy.txt", rewrapped_002(keep=0.8))
    assert main([path, "--against", "seeds/"]) == 1
    (line,) = copy_lines(capsys.readouterr().out)
    assert line.startswith(f"{path}: D002 near-duplicate of seeds/{SEED_002} (Jaccard 0.")
    assert "containment 1.00" in line


def test_good_new_article_passes_silently(repo, capsys):
    path = add(repo, "901_harbour.txt", (FIXTURES / "good_article.txt").read_text(encoding="utf-8"))
    assert main([path, "--against", "seeds/"]) == 0
    assert capsys.readouterr().out == ""


def test_shared_passages_are_refused_with_the_quote(repo, capsys):
    path = add(repo, "902_borrowed.txt", borrowed_from_001())
    assert main([path]) == 1  # --against defaults to seeds/
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith(f"{path}: D004 "))
    assert f"with seeds/{SEED_001}" in line and "passage" in line
    first_para = [p for p in seed_text("001").split("\n\n") if len(p.split()) > 25][0]
    assert " ".join(first_para.split())[:40] in out  # the evidence quotes the shared text


def test_templated_filler_is_refused_by_the_quality_rules(repo, capsys):
    path = add(repo, "903_filler.txt", (FIXTURES / "templated_filler.txt").read_text(encoding="utf-8"))
    assert main([path]) == 1
    codes = {ln.split(": ", 1)[1].split()[0] for ln in capsys.readouterr().out.splitlines()}
    assert codes & {"Q201", "Q207", "Q208"}, codes


def test_a_seed_is_not_compared_with_itself(repo, capsys):
    assert main([f"seeds/{SEED_001}", f"seeds/{SEED_002}"]) == 0
    out = capsys.readouterr().out
    assert not any(f": {code} " in out for code in ("D001", "D002", "D004", "D005")), out


def test_exact_copy_under_another_name(repo, capsys):
    path = add(repo, "904_same.txt", seed_text("001"))
    assert main([path]) == 1
    assert f"{path}: D001 same text as seeds/{SEED_001}" in capsys.readouterr().out


def test_policy_from_pyproject_can_turn_a_block_into_a_warning(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.auditor.seeds]\nblock = []\nwarn = ["D00"]\n', encoding="utf-8")
    path = add(repo, "900_copy.txt", rewrapped_002())
    assert main([path]) == 0
    (line,) = copy_lines(capsys.readouterr().out)
    assert line.startswith(f"{path}: D00") and f"of seeds/{SEED_002}" in line.replace("as seeds", "of seeds")
    assert line.endswith(" (warning)")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('block = "D002"', "'block' must be a list of code prefixes"),
        ("same_story = 2.0", "'same_story' must be in (0, 1]"),
        ("nope = 1", "unknown setting 'nope'"),
    ],
)
def test_bad_policy_is_error_exit_2(repo, capsys, table, message):
    (repo / "pyproject.toml").write_text(f"[tool.auditor.seeds]\n{table}\n", encoding="utf-8")
    assert main([f"seeds/{SEED_001}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: ") and message in err


def test_missing_seeds_folder_is_error_exit_2(repo, capsys):
    assert main([f"seeds/{SEED_001}", "--against", "nowhere/"]) == 2
    assert capsys.readouterr().err.strip() == "Error: no such folder of seeds: nowhere"


def test_policy_longest_prefix_wins():
    p = SeedPolicy(block=("D",), warn=("D005",), ignore=("B",))
    assert p.action("D005", "warning") == "warn"
    assert p.action("D002", "error") == "block"
    assert p.action("B001", "info") == "ignore"
    assert p.action("Q101", "error") == "block" and p.action("Q999", "warning") == "warn"


def test_cache_processes_only_new_or_changed_files(repo):
    settings, rules = Settings(), rules_for(Settings())
    cache = repo / ".auditor_cache"
    path = add(repo, "901_harbour.txt", (FIXTURES / "good_article.txt").read_text(encoding="utf-8"))
    first = check_files([path], settings, rules, cache_root=cache)
    assert first.processed == 7  # 6 seeds signed for the index + the checked file scored
    again = check_files([path], settings, rules, cache_root=cache)
    assert again.processed == 0 and again.seeds == 6
    assert [o.findings for o in again.outcomes] == [o.findings for o in first.outcomes]
    copy = add(repo, "900_copy.txt", rewrapped_002())
    third = check_files([copy], settings, rules, cache_root=cache)
    assert third.processed == 2 and third.blocked  # the new file: signed once, scored once
    assert (cache / ".gitignore").read_text() == "*\n"


def test_the_cached_index_is_memory_mapped_and_a_rebuild_replaces_it(repo):
    import numpy as np

    from auditor.check.guard import open_cache

    settings, rules = Settings(), rules_for(Settings())
    root = repo / ".auditor_cache"
    path = add(repo, "901_harbour.txt", (FIXTURES / "good_article.txt").read_text(encoding="utf-8"))
    check_files([path], settings, rules, cache_root=root)
    cache = open_cache(settings, rules, root)
    index = cache.load_index(Path("seeds"))
    assert index is not None and len(index) == 6  # the seeds; the checked file is a delta until a rebuild
    assert isinstance(index.sh_hash, np.memmap)  # mapped, not read: a check touches a few pages
    pointer = cache._index_path(Path("seeds"))
    cache.save_index(Path("seeds"), index)  # as a rebuild: a new build folder, the pointer swapped
    builds = [d for d in pointer.parent.glob(f"{pointer.stem}.*") if d.is_dir()]
    assert len(builds) == 1 and builds[0].name in pointer.read_text()
    assert check_files([path], settings, rules, cache_root=root).processed == 0


def test_cli_check_matches_the_hook(repo):
    path = add(repo, "900_copy.txt", rewrapped_002())
    res = CliRunner().invoke(app, ["check", path, "--against", "seeds/", "--no-cache"])
    assert res.exit_code == 1
    assert f"{path}: D00" in res.output and f"seeds/{SEED_002}" in res.output
    assert "Example: auditor check" in CliRunner().invoke(app, ["check", "--help"]).output


def test_shipped_hook_manifest_is_valid_and_names_the_console_script():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    (hook,) = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "auditor-seeds" and hook["entry"] == "auditor-seeds" and hook["language"] == "python"
    assert 'auditor-seeds = "auditor.hook:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    own = clientlib.load_config(str(ROOT / ".pre-commit-config.yaml"))
    assert own["repos"][0]["hooks"][0]["id"] == "auditor-seeds"


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home")}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check)


def test_real_pre_commit_run_in_a_temporary_repository(tmp_path):
    pre_commit = Path(sys.executable).parent / "pre-commit"
    hook = Path(sys.executable).parent / "auditor-seeds"
    if shutil.which("git") is None or not pre_commit.exists() or not hook.exists():
        pytest.skip("needs git, and pre-commit and auditor-seeds installed beside this Python")
    work = tmp_path / "project"
    shutil.copytree(SEEDS, work / "seeds")
    # repo: local with the entry pointing at this checkout's installed hook: no git hosting,
    # no package index (the shipped .pre-commit-hooks.yaml is checked above).
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: auditor-seeds\n        name: auditor seeds guard\n"
        f"        entry: {hook}\n        args: [--against, seeds/]\n        language: system\n"
        "        files: ^seeds/\n        types: [text]\n        require_serial: true\n",
        encoding="utf-8",
    )
    _git(work, "init", "-q")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "--no-verify", "-m", "existing seeds")
    subprocess.run([str(pre_commit), "install"], cwd=work, check=True, capture_output=True,
                   env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")})

    (work / "seeds" / "900_copy.txt").write_text(rewrapped_002(), encoding="utf-8")
    _git(work, "add", "seeds/900_copy.txt")
    refused = _git(work, "commit", "-m", "add a re-wrapped copy", check=False)
    assert refused.returncode != 0, refused.stdout + refused.stderr
    out = refused.stdout + refused.stderr
    assert "seeds/900_copy.txt: D00" in out and f"seeds/{SEED_002}" in out, out
    assert "900_copy" not in _git(work, "log", "--name-only").stdout

    _git(work, "rm", "-q", "--cached", "seeds/900_copy.txt")
    (work / "seeds" / "900_copy.txt").unlink()
    good = (FIXTURES / "good_article.txt").read_text(encoding="utf-8")
    (work / "seeds" / "901_harbour.txt").write_text(good, encoding="utf-8")
    _git(work, "add", "seeds/901_harbour.txt")
    passed = _git(work, "commit", "-m", "add a new article", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "901_harbour.txt" in _git(work, "log", "--name-only", "-1").stdout
    assert (work / ".auditor_cache").is_dir() and "auditor_cache" not in _git(work, "status", "--short").stdout


def test_index_follows_the_folder_added_removed_and_rebuilt(repo, monkeypatch):
    import auditor.check.guard as guard

    settings, rules = Settings(), rules_for(Settings())
    cache = repo / ".auditor_cache"
    copy = add(repo, "900_copy.txt", rewrapped_002(keep=0.8))
    assert check_files([copy], settings, rules, cache_root=cache).blocked  # builds and caches the index
    (repo / "seeds" / SEED_002).unlink()  # the original leaves the folder: the copy is now new material
    assert not check_files([copy], settings, rules, cache_root=cache).blocked
    monkeypatch.setattr(guard, "REBUILD_AFTER", (0, 0.0, 0.0))  # force a rebuild from the cached rows
    (repo / "seeds" / SEED_002).write_text(seed_text("002"), encoding="utf-8")
    rebuilt = check_files([copy], settings, rules, cache_root=cache)
    assert rebuilt.blocked and rebuilt.processed == 0 and rebuilt.seeds == 6
    again = check_files([copy], settings, rules, cache_root=cache)  # read back from the rebuilt index
    assert [f.message for _, f in again.outcomes[0].findings] == [f.message for _, f in rebuilt.outcomes[0].findings]


MENU = "\n".join(["Home", "World news", "Sign in to comment", "Subscribe today", "Contact the newsroom",
                  "Terms of use", "Privacy policy", "Follow us on social media"] * 3)


def _seed_set(text: str, key: str = "k-seed"):
    import numpy as np

    from auditor.check.index import Part, SeedIndex, SeedSet
    from auditor.check.signature import sign

    ix = SeedIndex.build([(key, "seed.txt", sign(text, 4)[0])])
    return SeedSet([Part(ix, {key: ["seeds/seed.txt"]}, np.ones(1, dtype=bool))])


def test_leftover_menus_are_not_copies_unless_the_bytes_are_the_same():
    from auditor.check.index import Thresholds
    from auditor.check.signature import median_line_words, sign

    assert median_line_words(MENU) < 8 <= median_line_words(article_002())
    sig, toks = sign(MENU, 4)
    seeds = _seed_set(MENU)
    # two different pages of one site, both cleaned down to the same menu: not a copy
    assert seeds.compare(MENU, sig, toks, Thresholds(ngram=4), exclude_key="k-other") == []
    # the same file content under another name still is
    (same,) = seeds.compare(MENU, sig, toks, Thresholds(ngram=4), exclude="seeds/new.txt", exclude_key="k-seed")
    assert same.code == "D001" and same.evidence["other"] == "seeds/seed.txt"
    prose = article_002()
    psig, ptoks = sign(prose, 4)
    assert [f.code for f in _seed_set(prose).compare(prose, psig, ptoks, Thresholds(ngram=4), exclude_key="x")] \
        == ["D001"]


def test_entries_of_other_settings_are_pruned_on_rebuild(repo):
    import dataclasses

    from auditor.check.guard import open_cache

    cache = repo / ".auditor_cache"
    settings, rules = Settings(), rules_for(Settings())
    path = add(repo, "901_harbour.txt", (FIXTURES / "good_article.txt").read_text(encoding="utf-8"))
    check_files([path], settings, rules, cache_root=cache)
    old = open_cache(settings, rules, cache)
    other = dataclasses.replace(settings, dedup=dataclasses.replace(settings.dedup, ngram=6))
    check_files([path], other, rules, cache_root=cache)
    assert old is not None and not old.sig_dir.exists()
    assert len(list(cache.glob("sig-*"))) == 1
