"""`mlsmoke baseline`: record the current failures and errors as the baseline file.

The failures come from a results.json (`--results`) or from running the checks the way
`mlsmoke run` does (through the session, publishing nothing). A reason written in an entry
that still matches is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker.config.load import load_config
from checker.results.baseline import Entry, dumps, entries_for
from checker.results.model import Report
from checker.run import session
from checker.run.baseline import baseline_path, existing_entries, write_entries
from checker.run.outputs import read_results
from checker.run.progress import Progress


def record_baseline(config_path: str, results: Path | None, output: Path | None,
                    environ: Mapping[str, str], progress: Progress) -> tuple[Path, list[Entry]]:
    """Write the baseline file (`output`, else the config's `baseline.file`); its path and entries."""
    report, default = (_from_results(results, config_path, environ) if results is not None
                       else _from_run(config_path, environ, progress))
    path = output or default
    entries = entries_for(report.checks, existing_entries(path) or [])
    write_entries(path, dumps(entries))
    return path, entries


def _from_run(config_path: str, environ: Mapping[str, str], progress: Progress) -> tuple[Report, Path]:
    settings = session.RunSettings.read(session.RunOptions(config_path=config_path, publish=False), environ)
    report, ctx = session.checked(settings, progress)
    return report, baseline_path(ctx.loaded)


def _from_results(results: Path, config_path: str, environ: Mapping[str, str]) -> tuple[Report, Path]:
    report = read_results(results)
    if not Path(config_path).is_file():  # a results.json alone: the default file beside --config
        return report, Path(config_path).parent / ".mlsmoke" / "baseline.json"
    return report, baseline_path(load_config(config_path, dict(environ), allow_unset=True))
