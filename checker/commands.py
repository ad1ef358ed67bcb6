"""The commands besides `run`, built only when one is named or `--help` lists them (cli.py):
their options and types would cost every run's start-up."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from checker.cli import config_option, exit_codes, plural
from checker.errors import UsageError
from checker.run.native import started_environ

if TYPE_CHECKING:
    from checker.config.schema import Pattern
    from checker.run.outputs import Format


@click.command()
@config_option
@click.option("--results", type=click.Path(exists=True, dir_okay=False),
              help="Record the failures of this results.json instead of running the checks.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: baseline.file, .mlsmoke/baseline.json beside mlsmoke.yml).")
@exit_codes
def baseline(config_path: str, results: str | None, output: str | None) -> None:
    """Record the current failures and errors as known (the baseline file `run` reads)."""
    from checker.run.progress import Progress
    from checker.run.record import record_baseline

    path, entries = record_baseline(config_path, Path(results) if results else None,
                                    Path(output) if output else None, started_environ(), Progress(sys.stderr))
    click.echo(f"wrote {plural(len(entries), 'known failure')} to {path}")


@click.command()
@config_option
@exit_codes
def validate(config_path: str) -> None:
    """Check the configuration only, listing every problem with file, line and key."""
    from checker.config.load import load_config
    from checker.run.policy import Policy

    loaded = load_config(config_path, started_environ(), allow_unset=True)
    Policy.of(loaded)  # a `checks:` rule naming no check is a config error here too
    config = loaded.config
    parts = [plural(len(config.contracts), "contract")] if config.contracts else []
    parts += [section for section in ("data", "drift", "pipeline", "endpoint")
              if getattr(config, section)]
    parts += ["compare"] if config.compare is not None else []
    parts += [f"checks: {plural(len(config.checks), 'rule')}"] if config.checks else []
    click.echo(f"{config_path}: valid ({', '.join(parts) or 'nothing to check'})")
    if loaded.unset_variables:
        click.echo("environment variables it uses that are not set here: "
                   + ", ".join(loaded.unset_variables))
    from checker.config.advice import config_warnings

    for warning in config_warnings(loaded):
        click.echo(f"warning: {warning}", err=True)


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default="data", show_default=True, help="Name of the contract.")
@exit_codes
def infer(data: tuple[str, ...], name: str) -> None:
    """Print a contract inferred from sample data files (CSV, Parquet, JSON Lines)."""
    from checker.contracts.infer import contracts_yaml, infer_contract

    contract = infer_contract([Path(p) for p in data])
    click.echo(contracts_yaml({name: contract}), nl=False)


@click.command()
@config_option
@click.option("--contract", "contract_name", required=True, help="Contract to generate rows for.")
@click.option("--rows", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (.csv, .parquet, .jsonl); CSV to stdout when not given.")
@exit_codes
def synth(config_path: str, contract_name: str, rows: int, seed: int, output: str | None) -> None:
    """Generate synthetic rows that satisfy a contract (seeded, reproducible)."""
    from checker.config.load import load_config
    from checker.synth.rows import SynthError, synthesize, write_table
    from checker.tables.reader import TableReadError, table_format

    if output:
        try:
            table_format(Path(output))
        except TableReadError as exc:
            raise UsageError(f"-o {output}: {exc}") from None
    loaded = load_config(config_path, started_environ(), allow_unset=True)
    if contract_name not in loaded.config.contracts:
        raise UsageError(f"no contract named {contract_name!r} in {config_path} "
                         f"(defined: {', '.join(sorted(loaded.config.contracts)) or 'none'})")
    patterns: tuple[Pattern, ...] = ()
    pipeline = loaded.config.pipeline
    if pipeline and pipeline.contract == contract_name:
        patterns = tuple(pipeline.patterns)
    try:
        table = synthesize(loaded.config.contract(contract_name), rows, seed, patterns)
    except SynthError as exc:
        raise UsageError(f"cannot generate data for contract {contract_name!r}: {exc}") from None
    if output:
        write_table(table, Path(output))
        click.echo(f"wrote {rows} rows to {output} (seed {seed})", err=True)
    else:
        write_table(table, sys.stdout.buffer, format="csv")


@click.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "junit", "json"]),
              default="markdown", show_default=True)
@exit_codes
def report(results: str, fmt: Format) -> None:
    """Re-render a results.json as Markdown, JUnit XML or JSON."""
    from checker.run.outputs import read_results, render

    click.echo(render(read_results(Path(results)), fmt), nl=False)


@click.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--pr", "pr_number", type=click.IntRange(min=1),
              help="PR to comment on when the event names none (default: the one in RESULTS); "
                   "used only if its head is the commit the triggering run tested.")
@click.option("--out", "out_dir", default="mlsmoke-out", show_default=True,
              type=click.Path(file_okay=False), help="Where report.md and junit.xml go.")
@click.option("--comment/--no-comment", default=True, show_default=True,
              help="Keep the sticky PR comment.")
@click.option("--commit-status/--no-commit-status", default=False, show_default=True,
              help="Set a commit status with the verdict.")
@exit_codes
def publish(results: str, pr_number: int | None, out_dir: str, comment: bool, commit_status: bool) -> None:
    """Publish a results.json from another run (fork-safe `workflow_run` recipe)."""
    from checker.github.env import GithubSettings
    from checker.github.publish import PublishOptions
    from checker.run.session import publish_results

    publish_results(Path(results), pr_number, GithubSettings.from_mapping(started_environ()),
                    PublishOptions(comment=comment, commit_status=commit_status,
                                   out_dir=Path(out_dir), secrets=frozenset()))


@click.command()
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--data", "data_glob", help="Sample data to infer the first contract from.")
@click.option("--post-deploy", is_flag=True,
              help="Write only the workflow that smoke-tests each deployment once it is live.")
@exit_codes
def init(force: bool, data_glob: str | None, post_deploy: bool) -> None:
    """Write a starter mlsmoke.yml and a GitHub workflow that runs it."""
    from checker.init.starter import write_post_deploy, write_starter

    if post_deploy and data_glob is not None:
        raise UsageError("--data infers the starter mlsmoke.yml, which --post-deploy does not write")
    written = (write_post_deploy(Path.cwd(), force=force) if post_deploy
               else write_starter(Path.cwd(), force=force, data_glob=data_glob))
    for path in written:
        click.echo(f"wrote {path}")
