"""The command line: parse options, call the core, map the outcome to an exit code.

Exit codes: 0 checks passed, 1 a check failed, 2 the config or command line is wrong,
3 mlsmoke itself broke. Nothing heavy is imported at module level (start-up stays instant), and
the commands besides `run` are built only when named (commands.py).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from checker import __version__
from checker.errors import ConfigError, UsageError, exit_code
from checker.run.native import native_settings, started_environ

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
        click.echo(f"mlsmoke: the configuration has {plural(len(error.problems), 'problem')}:", err=True)
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


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class _Commands(click.Group):
    """mlsmoke's commands: `run` is built with the group, the others (commands.py) only when
    one is named or `--help` lists them, so `mlsmoke run` builds none of their options."""

    LATER = ("baseline", "infer", "init", "publish", "report", "synth", "validate")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LATER})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LATER:
            self.every_command()
        return super().get_command(ctx, cmd_name)

    def every_command(self) -> dict[str, click.Command]:
        """Every command by name, the later ones built if they are not yet."""
        if not set(self.LATER) <= self.commands.keys():
            from checker import commands

            for name in self.LATER:
                self.add_command(getattr(commands, name))
        return dict(sorted(self.commands.items()))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlsmoke")
def main() -> None:
    """Smoke checks for ML projects: data contracts, pipeline, endpoint."""
    native_settings()


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
