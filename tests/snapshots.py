"""Golden-file snapshots: normalise what changes between runs, compare with tests/golden/.

Regenerate with `python3 -m pytest tests/unit --update-golden` (or MLSMOKE_UPDATE_GOLDEN=1),
then review the diff like any other change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from checker.render import escape

GOLDEN = Path(__file__).resolve().parent / "golden"

_RULES = (
    # The Time column of a Markdown table and the run time in the footer.
    (re.compile(r"^(\| (?:✅|❌|⚠️|⏭️|💥) \|.*\| )(?:\d+(?:\.\d+)? (?:ms|s)|\d+ min \d+ s)( \|)$", re.M),
     r"\1<duration>\2"),
    (re.compile(r"· (?:\d+(?:\.\d+)? (?:ms|s)|\d+ min \d+ s)</sub>"), "· <duration></sub>"),
    # JUnit times.
    (re.compile(r'\btime="\d+(?:\.\d+)?"'), 'time="<duration>"'),
    # pytest's temporary folders in any other form.
    (re.compile(r"/(?:private/)?tmp/pytest-of-[^/\s]+/pytest-\d+/[^/\s\"'<>|]+"), "<tmp>"),
)


def normalize(text: str, paths: Iterable[str | Path] = ()) -> str:
    """Hide run-dependent values: durations, and temporary paths (raw and escaped)."""
    for path in sorted((str(p) for p in paths), key=len, reverse=True):
        text = text.replace(path, "<tmp>").replace(escape.inline(path), "<tmp>")
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MLSMOKE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run pytest with --update-golden to create it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from its golden file; if the change is intended, rerun with --update-golden"
    )
