"""Shared test helpers: drive any check group through the real runner, or the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

from checker.config.load import load_config
from checker.results.model import CheckResult, Report
from checker.run import runner
from checker.run.context import RunContext

REPO = Path(__file__).resolve().parents[1]


def write_config(folder: Path, text: str, name: str = "mlsmoke.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def run_report(config: Path, *, only: str | None = None, environ: Mapping[str, str] | None = None,
               out_dir: Path | None = None, base_ref: str | None = None,
               staging_url: str | None = None) -> Report:
    """Load a config and run the families it (or `only`) asks for, as `mlsmoke run` does."""
    environ = dict(environ if environ is not None else os.environ)
    loaded = load_config(config, environ)
    ctx = RunContext(loaded=loaded, out_dir=out_dir or config.parent / "mlsmoke-out",
                     environ=environ, base_ref=base_ref, staging_url=staging_url)
    return runner.run(ctx, runner.parse_only(only))


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
