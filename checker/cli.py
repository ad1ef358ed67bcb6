"""The command line: parse options, call the core, map the outcome to an exit code.

Exit codes: 0 checks passed, 1 a check failed, 2 the config or command line is wrong,
3 mlsmoke itself broke. Nothing heavy is imported at module level (start-up stays instant).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from checker import __version__
from checker.errors import ConfigError, UsageError, exit_code
from checker.run.blas import one_blas_thread, started_environ

if TYPE_CHECKING:
    from checker.config.schema import Pattern
    from checker.run.outputs import Format

ISSUES_URL = "https://github.com/mlsmoke/mlsmoke/issues"
F = TypeVar("F", bound=Callable[..., Any])


def exit_codes(command: F) -> F:
    """Turn mlsmoke's errors into the documented exit codes (`errors.exit_code`), in one place."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            _explain(exc)
            sys.exit(int(exit_code(exc)))

    return wrapper  # type: ignore[return-value]


def _explain(error: Exception) -> None:
    if isinstance(error, ConfigError):
        click.echo(f"mlsmoke: the configuration has {_plural(len(error.problems), 'problem')}:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
    elif isinstance(error, UsageError):
        click.echo(f"mlsmoke: {error}", err=True)
    else:
        import traceback  # only when mlsmoke itself broke

        from checker.config.secrets import redact

        click.echo(redact(traceback.format_exc(), set()), err=True)  # no URL credentials
        click.echo(f"mlsmoke: this is a bug in mlsmoke {__version__}, not in your project. "
                   f"Please report it with the traceback above at {ISSUES_URL}", err=True)


def _given_options(ctx: click.Context, skip: set[str]) -> list[str]:
    """The options the user gave this command, spelled again (for the same command in the image)."""
    spelled: list[str] = []
    for param in ctx.command.params:
        name = param.name or ""
        if name in skip or not isinstance(param, click.Option):
            continue
        if ctx.get_parameter_source(name) not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            continue
        value = ctx.params[name]
        if param.is_flag and param.secondary_opts:
            spelled.append(param.opts[0] if value else param.secondary_opts[0])
        elif param.is_flag:
            spelled += [param.opts[0]] if value else []
        else:
            spelled += [param.opts[0], str(value)]
    return spelled


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlsmoke")
def main() -> None:
    """Smoke checks for ML projects: data contracts, pipeline, endpoint."""
    one_blas_thread()


config_option = click.option("--config", "config_path", default="mlsmoke.yml", show_default=True,
                             type=click.Path(dir_okay=False), help="The mlsmoke.yml to use.")


@main.command()
@config_option
@click.option("--only", help="Comma-separated families to run: data, drift, pipeline, endpoint, compare.")
@click.option("--staging-url", help="URL of the deployed endpoint (sets STAGING_URL if unset).")
@click.option("--out", "out_dir", default="mlsmoke-out", show_default=True,
              type=click.Path(file_okay=False), help="Where results.json, report.md, junit.xml go.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]),
              help="Fail the run on errors only, or on warnings too (default: from the config).")
@click.option("--deadline", help="Wall-clock limit for the whole run, e.g. 10m (default: deadlines.run).")
@click.option("--no-publish", is_flag=True, help="Make no GitHub writes (comment, status, summary).")
@click.option("--comment/--no-comment", default=True, show_default=True,
              help="Keep the sticky PR comment (in GitHub Actions).")
@click.option("--commit-status/--no-commit-status", default=None,
              help="Set a commit status with the verdict (in GitHub Actions; default: only after "
                   "a deploy).")
@click.option("--docker", is_flag=True,
              help="Run in the checker image as the action does (same mounts, user, environment, network).")
@click.option("--image", help="With --docker: this checker image instead of ghcr.io/mlsmoke/mlsmoke:VERSION.")
@exit_codes
def run(no_publish: bool, docker: bool, image: str | None, **given: Any) -> None:
    """Run the checks and write the report."""
    if docker:
        from checker.container.local import run_in_container

        args = ["run", *_given_options(click.get_current_context(), skip={"docker", "image"})]
        sys.exit(run_in_container(args, image, given["config_path"], started_environ()))
    if image:
        raise click.UsageError("--image goes with --docker")
    from checker.run.collector import leaving, paused
    from checker.run.quick_exit import is_the_program, quick_exit

    with paused():  # start-up makes many objects and no garbage
        from checker.run import session
        from checker.run.progress import Progress

        # the other options are RunOptions' fields by name (click has checked their values)
        options = session.RunOptions(publish=not no_publish, **given)
        settings = session.RunSettings.read(options, started_environ())
    outcome = session.run(settings, Progress(sys.stderr))
    if is_the_program():
        quick_exit(int(outcome.exit_code))  # no teardown: nothing runs after the program
    leaving()  # the exit walks none of what the run made
    sys.exit(int(outcome.exit_code))


@main.command()
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
    click.echo(f"wrote {_plural(len(entries), 'known failure')} to {path}")


@main.command()
@config_option
@exit_codes
def validate(config_path: str) -> None:
    """Check the configuration only, listing every problem with file, line and key."""
    from checker.config.load import load_config
    from checker.run.policy import Policy

    loaded = load_config(config_path, started_environ(), allow_unset=True)
    Policy.of(loaded)  # a `checks:` rule naming no check is a config error here too
    config = loaded.config
    parts = [_plural(len(config.contracts), "contract")] if config.contracts else []
    parts += [section for section in ("data", "drift", "pipeline", "endpoint")
              if getattr(config, section)]
    parts += ["compare"] if config.compare is not None else []
    parts += [f"checks: {_plural(len(config.checks), 'rule')}"] if config.checks else []
    click.echo(f"{config_path}: valid ({', '.join(parts) or 'nothing to check'})")
    if loaded.unset_variables:
        click.echo("environment variables it uses that are not set here: "
                   + ", ".join(loaded.unset_variables))
    from checker.config.advice import config_warnings

    for warning in config_warnings(loaded):
        click.echo(f"warning: {warning}", err=True)


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default="data", show_default=True, help="Name of the contract.")
@exit_codes
def infer(data: tuple[str, ...], name: str) -> None:
    """Print a contract inferred from sample data files (CSV, Parquet, JSON Lines)."""
    from checker.contracts.infer import contracts_yaml, infer_contract

    contract = infer_contract([Path(p) for p in data])
    click.echo(contracts_yaml({name: contract}), nl=False)


@main.command()
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


@main.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "junit", "json"]),
              default="markdown", show_default=True)
@exit_codes
def report(results: str, fmt: Format) -> None:
    """Re-render a results.json as Markdown, JUnit XML or JSON."""
    from checker.run.outputs import read_results, render

    click.echo(render(read_results(Path(results)), fmt), nl=False)


@main.command()
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


@main.command()
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
