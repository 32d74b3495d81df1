"""Command line: parse arguments, call one library function, render, exit code.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 bad usage, a missing input or a bad rules file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from auditor import __version__
from auditor.errors import AuditorError

app = typer.Typer(
    name="auditor",
    help="Source-quality and duplication auditor for text corpora.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="List and explain the rules in rules/*.toml.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

PathsArg = Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.", show_default=False)]
RulesOpt = Annotated[list[Path] | None, typer.Option(
    "--rules", help="Extra rules file or folder (repeatable), added to the shipped rules.")]
SelectOpt = Annotated[list[str] | None, typer.Option(help="Only rules whose code starts with this.")]
IgnoreOpt = Annotated[list[str] | None, typer.Option(help="Skip rules whose code starts with this.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Machine-text classifier: 'default' (shipped), 'lm' (shipped, with a small language model's "
    "features: more accurate, ~2 s a page on 2 cores; pip install 'auditor[lm]') or a model folder.")]
NoDefaultRulesOpt = Annotated[bool, typer.Option(
    "--no-default-rules", help="Run only the --rules files, not the shipped rules.")]


def _rule_settings(rules: list[Path] | None, no_default_rules: bool,
                   select: list[str] | None = None, ignore: list[str] | None = None) -> dict[str, Any]:
    """load_settings overrides for --rules / --no-default-rules / --select / --ignore (None: keep [tool.auditor]'s)."""
    return {"rules": tuple(str(p) for p in rules) if rules else None,
            "default_rules": False if no_default_rules else None,
            "select": tuple(select) if select else None,
            "ignore": tuple(ignore) if ignore else None}


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _warn_unreadable(docs: list) -> None:  # type: ignore[type-arg]
    for d in docs:
        for f in d.findings:
            if f.stage == "read" and f.severity.value == "error":
                typer.echo(f"warning: {f.message}", err=True)


@app.command(epilog="Example: auditor audit seeds/ --report-dir reports --format md,json,html --fail-on error")
def audit(
    paths: PathsArg,
    report_dir: Annotated[Path, typer.Option(help="Folder for audit.md / audit.json / audit.html.")] = Path("reports"),
    format: Annotated[str, typer.Option("--format", help="Comma-separated: md, json, html.")] = "md,json",
    fail_on: Annotated[str | None, typer.Option(help="error | warning | never (exit 1 at or above it).")] = None,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    no_model: Annotated[bool, typer.Option(
        "--no-model", help="No machine-text classifier (no M001 evidence).")] = False,
    model: ModelOpt = None,
) -> None:
    """Audit documents: clean, find duplication, score; write reports."""
    from auditor.config import load_settings
    from auditor.io.writers import atomic_writer
    from auditor.pipeline import audit_paths, exit_code
    from auditor.report import render_html, render_json, render_markdown

    formats = [f.strip() for f in format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("md", "json", "html")]
    if bad or not formats:
        fail(f"unknown report format: {', '.join(bad) or '(none)'} (choose from md, json, html)")
    try:
        settings = load_settings(
            fail_on=fail_on,
            **_rule_settings(rules, no_default_rules, select, ignore),
            classifier=False if no_model else None,
            machine_text_model=model,
        )
        result = audit_paths(paths, settings)
    except AuditorError as e:
        fail(str(e))
    _warn_unreadable(result.documents)
    renderers = {"md": ("audit.md", render_markdown), "json": ("audit.json", render_json),
                 "html": ("audit.html", render_html)}
    for fmt in formats:
        name, render = renderers[fmt]
        with atomic_writer(report_dir / name) as f:
            f.write(render(result))
    counts = {v: sum(1 for d in result.documents if d.verdict().value == v)
              for v in ("keep", "review", "reject", "unreadable")}
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    typer.echo(f"{len(result.documents)} documents ({summary}) in {result.elapsed_s:.2f}s; "
               f"reports in {report_dir}/", err=True)
    raise typer.Exit(exit_code(result, settings.fail_on))


@app.command(epilog="Example: auditor clean pages/ -o cleaned.jsonl")
def clean(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write ('-' for stdout).")],
    templates: Annotated[bool, typer.Option(help="Learn and remove each source's template lines.")] = True,
    explain: Annotated[bool, typer.Option(help="Add the removed lines and why to each record's metadata.")] = False,
) -> None:
    """Strip boilerplate; write {"id", "text", "metadata"} per record."""
    import dataclasses
    import gc
    import json

    from auditor.clean import clean_corpus, load_line_model
    from auditor.config import load_clean_settings
    from auditor.io import read_inputs, write_jsonl

    try:
        settings = dataclasses.replace(load_clean_settings(), templates=templates)
        model = load_line_model() if settings.line_model else None
        # What start-up made (modules, the line model) lives until exit: the cyclic garbage
        # collector's full passes skip it from here on, instead of traversing it again and again.
        gc.freeze()
        docs = clean_corpus(read_inputs(paths), settings, model)
    except AuditorError as e:
        fail(str(e))
    _warn_unreadable(docs)

    def records():  # type: ignore[no-untyped-def]
        for d in docs:
            meta = dict(d.metadata)
            meta["auditor"] = {
                k: d.clean_info.get(k) for k in ("method", "words_before", "words_after", "boilerplate_share")
            }
            if "confidence" in d.clean_info:  # HTML: agreement of trafilatura and the line rules
                meta["auditor"]["confidence"] = d.clean_info["confidence"]
            if "extractor_repeats" in d.clean_info:  # lines trafilatura repeated beyond the page's own copies
                meta["auditor"]["extractor_repeats"] = d.clean_info["extractor_repeats"]
            if not d.readable:
                meta["auditor"]["error"] = d.findings[0].message if d.findings else "unreadable"
            if explain:
                meta["auditor"]["removed"] = [r.to_dict() for r in d.removals]
            yield {"id": d.id, "text": d.text, "metadata": meta}

    if str(output) == "-":
        for rec in records():
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        n = write_jsonl(output, records())
        typer.echo(f"{n} records written to {output}", err=True)


@rules_app.command("list", epilog="Example: auditor rules list --rules my_rules/ --select T --ignore T105")
def rules_list(
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """One line per rule in force ([tool.auditor] and options applied): code, severity, name, threshold."""
    from auditor.config import load_settings
    from auditor.pipeline import rules_for

    try:
        rs = rules_for(load_settings(
            **_rule_settings(rules, no_default_rules, select, ignore),
        ))
    except AuditorError as e:
        fail(str(e))
    for r in rs:
        typer.echo(f"{r.code:<7} {r.severity.value:<8} {r.name:<34} {r.check.name} {r.threshold}")


@rules_app.command("explain", epilog="Example: auditor rules explain Q202")
def rules_explain(code: str, rules: RulesOpt = None, no_default_rules: NoDefaultRulesOpt = False) -> None:
    """What a rule flags, why it matters, an example, and its source."""
    from auditor.config import load_settings
    from auditor.pipeline import rules_for

    try:
        # every rule in force or not: [tool.auditor]'s select/ignore do not hide a rule's explanation
        rs = rules_for(load_settings(**{**_rule_settings(rules, no_default_rules), "select": (), "ignore": ()}))
    except AuditorError as e:
        fail(str(e))
    rule = rs.get(code)
    if rule is None:
        fail(f"no rule with code {code}")
    typer.echo(f"{rule.code} {rule.name} ({rule.severity.value})\n")
    typer.echo(f"check: {rule.check.name} {rule.threshold}")
    typer.echo(f"source: {rule.source}\nfile: {rule.file}\n")
    typer.echo(rule.explanation)


@app.command(epilog="Example: auditor check seeds/new_article.txt --against seeds/")
def check(
    files: Annotated[list[str], typer.Argument(help="New or changed seed files.", show_default=False)],
    against: Annotated[Path | None, typer.Option(help="Folder of existing seeds ([tool.auditor.seeds]).")] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Signature cache folder (default .auditor_cache).")] = None,
    cache: Annotated[bool, typer.Option(help="Read and write the signature cache.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print blocking findings only.")] = False,
) -> None:
    """Compare new seeds with the existing ones; exit 1 if the [tool.auditor.seeds] policy refuses one."""
    from auditor.hook import run

    raise typer.Exit(run(files, against, cache_dir, cache, quiet))


@app.command("filter", epilog="Example: auditor filter crawl/*.warc.gz dump.jsonl --out filtered/ --workers 2")
def filter_(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for kept/rejected/errors.jsonl and summary.json.")],
    workers: Annotated[int, typer.Option(help="Worker processes (local) or parallel tasks (ray).")] = 1,
    engine: Annotated[str, typer.Option(help="local | ray (needs the auditor[ray] extra).")] = "local",
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster address (default: $RAY_ADDRESS, "
                                                         "else a local Ray instance).")] = None,
    resume: Annotated[bool, typer.Option(help="Go on from the last checkpoint of an interrupted run.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Write nothing; count what each rule would drop.")] = False,
    gzip: Annotated[bool, typer.Option("--gzip", help="Write .jsonl.gz outputs.")] = False,
    progress: Annotated[bool | None, typer.Option(help="Show a progress bar (default: when stderr is a terminal).")]
    = None,
) -> None:
    """Pre-filter a corpus: clean, score, dedup; write kept, rejected (with reasons) and errors."""
    from auditor.config import load_settings
    from auditor.engine import FilterOptions, filter_corpus

    options = FilterOptions(workers=workers, engine=engine, resume=resume, dry_run=dry_run, gzip=gzip,
                            progress=sys.stderr.isatty() if progress is None else progress, ray_address=ray_address)
    try:
        summary = filter_corpus(paths, out, load_settings(), options)
    except AuditorError as e:
        fail(str(e))
    if dry_run:
        typer.echo(f"{summary['records']} records: would keep {summary['kept']}, drop {summary['rejected']}, "
                   f"{summary['errors']} unreadable")
        typer.echo("would drop, by rule:")
        for code, n in sorted(summary["reasons"].items(), key=lambda kv: (-kv[1], kv[0])):
            typer.echo(f"  {code:<7} {n}")
        return
    typer.echo(f"{summary['records']} records: {summary['kept']} kept, {summary['rejected']} rejected, "
               f"{summary['errors']} errors in {summary['elapsed_s']:.1f}s ({summary['docs_per_s']:.0f} records/s); "
               f"outputs in {out}/", err=True)


@app.command(epilog="Example: auditor dedup crawl.jsonl -o clusters.jsonl --pairs pairs.jsonl --index dedup-index/")
def dedup(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="clusters JSONL: id, cluster, duplicate_of, similarity.")],
    pairs: Annotated[Path | None, typer.Option(
        "--pairs", help="Also write verified pairs: a, b, kind, scores.")] = None,
    index: Annotated[Path | None, typer.Option(
        "--index", help="Folder of a persistent index: match against it, then add.")] = None,
    keep: Annotated[str | None, typer.Option(
        help="Who is kept per cluster: quality | length | earliest | source.")] = None,
    jaccard: Annotated[float | None, typer.Option(help="Near-duplicate if shingle Jaccard >= this.")] = None,
    containment: Annotated[float | None, typer.Option(
        help="... or if this share of the smaller is in the larger.")] = None,
    prose_containment: Annotated[float | None, typer.Option(
        help="A copy has this share of the smaller's prose in the other.")] = None,
    prose_cover: Annotated[float | None, typer.Option(
        help="... and this share of the larger's prose in the smaller.")] = None,
    original: Annotated[bool, typer.Option(
        "--original", help="Mark the copy judged the original in each cluster (\"original\": true).")] = False,
) -> None:
    """Find exact and near-duplicate documents; one kept per cluster, every copy names it."""
    import dataclasses

    from auditor.config import load_settings
    from auditor.dedup.corpus import dedup_corpus
    from auditor.dedup.index import DedupIndex
    from auditor.dedup.near import dedup_records
    from auditor.io import read_inputs, write_jsonl

    try:
        settings = load_settings()
        over: dict[str, Any] = {k: v for k, v in {"keep": keep, "jaccard": jaccard, "containment": containment,
                                  "prose_containment": prose_containment, "prose_cover": prose_cover}.items()
                if v is not None}
        dset = dataclasses.replace(settings.dedup, **over)
        docs = list(read_inputs(paths))
        _warn_unreadable(docs)
        records = dedup_records(docs, dset, settings.clean)
        idx = DedupIndex(index, dset) if index is not None else None
        report = dedup_corpus(records, dset, idx, originals=original)
        n_index = len(idx) if idx is not None else 0
    except AuditorError as e:
        fail(str(e))
    write_jsonl(output, report.rows)
    if pairs is not None:
        write_jsonl(pairs, report.pairs)
    where = f"; index {index} holds {n_index}" if index is not None else ""
    typer.echo(f"{len(report.rows)} documents, {report.dropped} duplicates{where}; clusters in {output}", err=True)


@app.command("score", epilog="Example: auditor score corpus.jsonl -o scores.jsonl --select Q --select T")
def score_cmd(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write ('-' for stdout).")],
    model: ModelOpt = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="Rules only, no classifier.")] = False,
    threshold: Annotated[float, typer.Option(help="Report M001 at or above this machine-text probability.")] = 0.5,
    no_clean: Annotated[bool, typer.Option(
        "--no-clean", help="Score the text as given (HTML still reduced to its main text), not the cleaned text."
    )] = False,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """Score each text: {"id", "scores": {"machine_text", "quality", "templated"}, "findings"} per record."""
    import gc

    from auditor.config import load_settings
    from auditor.io import read_inputs, write_jsonl
    from auditor.io.writers import jsonl_line
    from auditor.score.scoring import rules_for, score_documents, texts_to_score

    try:
        settings = load_settings(
            **_rule_settings(rules, no_default_rules, select, ignore),
        )
        rs = rules_for(settings)
        mdl = None
        if not no_model:  # imported only when used: --no-model starts without scipy and the features
            from auditor.score.classifier import load_model

            mdl = load_model(model or settings.machine_text_model)
        # What start-up made (modules, the rules, the model) lives until exit: the cyclic garbage
        # collector's full passes skip it from here on, instead of traversing it again and again.
        gc.freeze()
        docs = texts_to_score(read_inputs(paths), None if no_clean else settings.clean)
        records = score_documents(docs, rs, mdl, threshold)
        if str(output) == "-":
            for rec in records:
                sys.stdout.write(jsonl_line(rec) + "\n")
            return
        n = write_jsonl(output, records)
    except AuditorError as e:
        fail(str(e))
    typer.echo(f"{n} records written to {output}", err=True)


@app.command(epilog="Example: auditor train labelled.jsonl -o my_model/  (records: {\"id\", \"text\", \"label\": 0|1})")
def train(
    data: Annotated[list[Path], typer.Argument(help="JSONL files of {\"text\", \"label\"} (1 = machine/templated).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write model.npz and model.json.")],
    lm_text: Annotated[list[Path] | None, typer.Option(
        help="Human-written text files (.txt or JSONL) for the human-text trigram model (default: the shipped one's)."
    )] = None,
    c: Annotated[float, typer.Option("--C", help="Inverse regularisation of the logistic regression.")] = 4.0,
    lm: Annotated[bool, typer.Option(
        "--lm", help="With a small causal language model's features, as the shipped 'lm' model "
        "(pip install 'auditor[lm]')."
    )] = False,
) -> None:
    """Retrain the machine-text classifier from labelled JSONL."""
    from auditor.score.training import train_from_files

    try:
        info = train_from_files(data, output, lm_text or [], c, with_lm=lm)
    except AuditorError as e:
        fail(str(e))
    typer.echo(f"trained on {info['texts']} texts ({info['machine']} machine); model in {output}/", err=True)


@app.command(epilog="Example: auditor version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
