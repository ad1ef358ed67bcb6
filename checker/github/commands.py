"""GitHub Actions workflow commands (`::error …::`, `::add-mask::`) and the files the runner
reads (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`), escaped the way @actions/core escapes them.

Escaping matters for safety too: a data value with a newline could otherwise start a workflow
command of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str = "", **properties: str | int | None) -> str:
    """One workflow command line, e.g. `::error file=a.yml,line=3,title=T::message`."""
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


class WorkflowCommands:
    """Writes workflow commands to the step's output (the runner reads stdout)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def issue(self, name: str, message: str = "", **properties: str | int | None) -> None:
        self.stream.write(command(name, message, **properties) + "\n")
        self.stream.flush()

    def warning(self, message: str) -> None:
        self.issue("warning", message)

    def mask(self, values: Iterable[str]) -> None:
        """Ask the runner to hide each value (each line of it) in the log."""
        for value in values:
            for line in value.splitlines():
                if line.strip():
                    self.issue("add-mask", line)


def append_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """Append step outputs; multi-line values use the heredoc form with a random delimiter."""
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{name}={value}")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def append_summary(path: Path, markdown: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
