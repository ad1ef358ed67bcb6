"""The baseline file on disk: where it is, reading it (bounded, checked) and writing it.

The file is `baseline.file` in mlsmoke.yml (default `.mlsmoke/baseline.json`), relative to the
project folder and confined to it like every path in the config. A pull request controls the
file, so it is read with the capped readers: a malformed, huge or deeply nested one is an
exit 2 naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.config.limits import MAX_BASELINE_BYTES
from checker.config.load import LoadedConfig
from checker.config.paths import confine
from checker.errors import UsageError
from checker.results.baseline import BASELINE_VERSION, Entry
from checker.results.schema import schema_problems
from checker.run.outputs import read_json_file

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
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "entries"],
    "properties": {"version": {"const": BASELINE_VERSION}, "entries": {"type": "array", "items": _ENTRY}},
}


def baseline_path(loaded: LoadedConfig) -> Path:
    """The baseline file of this project (it may not exist), inside the project folder."""
    return confine(loaded.root, loaded.config.baseline.file)


def read_entries(path: Path) -> list[Entry]:
    """The entries of the baseline file at `path`; a UsageError naming it if it is not one."""
    data = read_json_file(path, MAX_BASELINE_BYTES, "an mlsmoke baseline file")
    found = schema_problems(data, SCHEMA)
    if found:
        raise UsageError(f"{path} is not an mlsmoke baseline file: {found[0][:300]}")
    return [Entry.from_dict(entry) for entry in data["entries"]]


def existing_entries(path: Path) -> list[Entry] | None:
    """The entries when the file exists, None when it does not."""
    return read_entries(path) if path.exists() else None


def write_entries(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
