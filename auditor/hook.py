"""`auditor-seeds`: the pre-commit hook that guards a folder of seed documents.

pre-commit passes the new or changed files; each is cleaned, scored and compared
with the seeds already in the folder (near-duplicate, shared passages, same story).
Prints `path: CODE message` per finding the `[tool.auditor.seeds]` policy blocks or
warns about; returns 1 when any finding blocks, 0 otherwise, 2 on bad usage.

Example: auditor-seeds seeds/new_article.txt --against seeds/
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from auditor.errors import AuditorError

EXAMPLE = "Example: auditor-seeds seeds/new_article.txt --against seeds/"


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="auditor-seeds",
        description="Refuse seeds that copy, re-wrap or rewrite an existing seed, or are templated filler.",
        epilog=EXAMPLE,
    )
    ap.add_argument("files", nargs="*", metavar="FILE", help="New or changed seed files (pre-commit passes them).")
    ap.add_argument("--against", type=Path, default=None,
                    help="Folder of existing seeds (default: [tool.auditor.seeds] against, else seeds/).")
    ap.add_argument("--cache-dir", type=Path, default=None,
                    help="Signature cache (default: [tool.auditor.seeds] cache_dir, else .auditor_cache).")
    ap.add_argument("--no-cache", action="store_true", help="Neither read nor write the cache.")
    ap.add_argument("--quiet", "-q", action="store_true", help="Print blocking findings only.")
    return ap


def run(files: Sequence[str], against: Path | None = None, cache_dir: Path | None = None,
        use_cache: bool = True, quiet: bool = False) -> int:
    """The hook's work; shared by `auditor-seeds` and `auditor check`."""
    from auditor.check.guard import BLOCK, check_files, render_lines
    from auditor.config import load_settings
    from auditor.pipeline import rules_for

    try:
        settings = load_settings()
        rules = rules_for(settings)
        cache_root = (cache_dir or Path(settings.seeds.cache_dir)) if use_cache else None
        report = check_files(list(files), settings, rules, against=against, cache_root=cache_root)
    except AuditorError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    if quiet:
        report.outcomes = [o for o in report.outcomes if o.blocked]
        for o in report.outcomes:
            o.findings = [(a, f) for a, f in o.findings if a == BLOCK]
    for line in render_lines(report):
        print(line)
    if report.blocked:
        refused = sum(1 for o in report.outcomes if o.blocked)
        print(f"{refused} of {len(report.outcomes)} seed(s) refused "
              f"(compared with {report.seeds} seeds; policy: [tool.auditor.seeds])", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run(args.files, args.against, args.cache_dir, not args.no_cache, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
