"""The one error hierarchy of mlsmoke, mapped to exit codes in cli.py.

Check outcomes are never exceptions (see results.CheckResult); these are for bad input
the user must fix (exit 2) and for mlsmoke's own faults (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass


class MlsmokeError(Exception):
    """Base class: anything mlsmoke raises on purpose."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a configuration file, where it is and what was expected."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class ConfigError(MlsmokeError):
    """The configuration (or the command line) is wrong; exit code 2. Holds every problem found."""

    def __init__(self, problems: list[ConfigProblem] | ConfigProblem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(MlsmokeError):
    """A command-line or input problem that is not a config file error; exit code 2."""
