"""Shared test helpers: drive any check group through the real runner, or the real CLI (in this
process, or as a subprocess)."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.results.model import CheckResult, Report
from checker.run import session
from checker.run.progress import Progress

REPO = Path(__file__).resolve().parents[1]


def write_config(folder: Path, text: str, name: str = "mlsmoke.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def run_report(config: Path, *, environ: Mapping[str, str] | None = None, base_ref: str | None = None,
               **given: Any) -> Report:
    """Run the families the config (or `only`) asks for through the run session, as
    `mlsmoke run --no-publish` does. `given` are RunOptions fields (`only`, `staging_url`,
    `out_dir`); `base_ref` stands for the pull request's base branch."""
    out_dir = given.pop("out_dir", None) or config.parent / "mlsmoke-out"
    options = session.RunOptions(config_path=str(config), out_dir=str(out_dir), publish=False, **given)
    settings = session.RunSettings.read(options, os.environ if environ is None else environ)
    settings = replace(settings, pr_base_ref=base_ref)
    return session.run(settings, Progress(io.StringIO(), live=False)).report


def run_check(config: Path, family: str, **kwargs: object) -> list[CheckResult]:
    """The results of one family's checks."""
    return run_report(config, only=family, **kwargs).checks  # type: ignore[arg-type]


def by_id(results: list[CheckResult], check_id: str, subject: str | None = None) -> CheckResult:
    """The one result with this id (and subject, when given)."""
    found = [r for r in results if r.id == check_id and (subject is None or subject in r.subject)]
    assert len(found) == 1, f"expected one {check_id} ({subject}), got {[r.to_dict() for r in found]}"
    return found[0]


def cli(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `mlsmoke ARGS` as a real subprocess of this checkout."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full_env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def cli_in_process(*args: str, cwd: Path | None = None,
                   env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `mlsmoke ARGS` in this process through click's CliRunner: the same command function
    and exit-code mapping as `cli`, without an interpreter start-up (about 0.5 s) per call
    (pytest-timeout bounds the call)."""
    from click.testing import CliRunner

    from checker.cli import main

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps stderr apart by default
    before, environ = Path.cwd(), dict(os.environ)
    os.chdir(cwd or before)
    try:
        done = runner.invoke(main, list(args), env=dict(env or {}), prog_name="mlsmoke")
    finally:  # nothing the command changed leaks into the next test
        gc.unfreeze()  # what `mlsmoke run` froze at start-up (checker/run/collector.py)
        os.chdir(before)
        os.environ.clear()
        os.environ.update(environ)
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        raise done.exception
    return subprocess.CompletedProcess(["mlsmoke", *args], done.exit_code, done.stdout, done.stderr)


def load_script(path: Path) -> ModuleType:
    """A standalone script of the repository (scripts/, container-image/) as a module, by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses and the like look their module up
    spec.loader.exec_module(module)
    return module
