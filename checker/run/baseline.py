"""The baseline file on disk: where it is, reading it (bounded, checked) and writing it.

The file is `baseline.file` in mlsmoke.yml (default `.mlsmoke/baseline.json`), relative to the
project folder and confined to it like every path in the config. A pull request controls the
file, so it is read with the capped readers: a malformed, huge or deeply nested one is an
exit 2 naming it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.checks.registry import NOTHING_CHECKED
from checker.config.limits import MAX_BASELINE_BYTES
from checker.config.load import LoadedConfig
from checker.config.paths import confine
from checker.errors import UsageError
from checker.results.model import KNOWN, CheckResult, Report, Status, verdict
from checker.results.schema import schema_problems
from checker.run.outputs import read_json_file

if TYPE_CHECKING:  # the baseline's records are imported only when there is a baseline file
    from checker.results.baseline import Entry

_ENTRY = {
    "type": "object",
    "required": ["check", "subject", "fingerprint"],
    "additionalProperties": False,
    "properties": {
        "check": {"type": "string", "minLength": 1, "maxLength": 200},
        "subject": {"type": "string", "maxLength": 2000},
        "fingerprint": {"type": "object", "maxProperties": 4, "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
        "violations": {"type": "integer", "minimum": 0},
        "reason": {"type": "string"},
    },
}


@functools.cache
def schema() -> dict[str, Any]:
    """The baseline file's JSON Schema (built on first use: most runs have no baseline file)."""
    from checker.results.baseline import BASELINE_VERSION

    return {
        "type": "object",
        "required": ["version", "entries"],
        "properties": {"version": {"const": BASELINE_VERSION}, "entries": {"type": "array", "items": _ENTRY}},
    }


def baseline_path(loaded: LoadedConfig) -> Path:
    """The baseline file of this project (it may not exist), inside the project folder."""
    return confine(loaded.root, loaded.config.baseline.file)


def read_entries(path: Path) -> list[Entry]:
    """The entries of the baseline file at `path`; a UsageError naming it if it is not one."""
    from checker.results.baseline import Entry

    data = read_json_file(path, MAX_BASELINE_BYTES, "an mlsmoke baseline file")
    found = schema_problems(data, schema())
    if found:
        raise UsageError(f"{path} is not an mlsmoke baseline file: {found[0][:300]}")
    return [Entry.from_dict(entry) for entry in data["entries"]]


def existing_entries(path: Path) -> list[Entry] | None:
    """The entries when the file exists, None when it does not."""
    return read_entries(path) if path.exists() else None


def write_entries(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def behind_known(report: Report) -> Report:
    """Fail closed behind the baseline too: a family whose only results are known failures and
    skips (a baselined `endpoint.health` blocks every endpoint check after it) checked nothing
    this run. Each such family gets a warning saying so, instead of a silent green."""
    by_family: dict[str, list[CheckResult]] = defaultdict(list)
    for check in report.checks:
        by_family[check.family].append(check)
    warnings = []
    for family, checks in by_family.items():
        known = [c for c in checks if c.baseline == KNOWN]
        if known and all(c.baseline == KNOWN or c.status is Status.SKIP for c in checks):
            first = known[0]
            skipped = sum(c.status is Status.SKIP for c in checks)
            warnings.append(CheckResult(
                id=NOTHING_CHECKED, status=Status.WARN, subject=family,
                summary=(f"nothing was checked in {family} beyond known failures: {skipped} check(s) "
                         f"skipped behind {first.id} [{first.subject}], which the baseline knows")))
    if not warnings:
        return report
    checks = [*report.checks, *warnings]
    return replace(report, checks=checks, status=verdict(checks, report.fail_on))
