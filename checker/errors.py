"""The one error hierarchy of mlsmoke, and the exit code each error maps to.

Check outcomes are never exceptions (see results.CheckResult); these are for bad input
the user must fix (exit 2) and for mlsmoke's own faults (exit 3). The classes raised deep
inside a step stay next to the code that raises them, but each derives from one base here:

    MlsmokeError
    ├── ConfigError     the config file is wrong                          exit 2
    ├── UsageError      the command line (or a file named on it) is wrong  exit 2
    ├── InputError      data a check reads cannot be used: a table, an answer, a contract
    │                   to synthesize from (TableReadError, UnreadableFileError, ShapeError,
    │                   ProtocolError, SynthError, UnsupportedPatternError)
    ├── ExternalError   a tool or service mlsmoke drives failed: git, Docker, the GitHub API
    │                   (GitError, ServeError, GithubApiError)
    └── DeadlineExceededError  the run's or a family's deadline passed while a check worked

A check turns an InputError or ExternalError into a failed or skipped result (the engine
turns DeadlineExceededError into a failed one); one that
escapes to the command line is a bug (exit 3), like any other exception.
"""

from __future__ import annotations

import enum

from checker.record import record


class ExitCode(enum.IntEnum):
    PASS = 0  # every check passed (under `fail_on`)
    FAIL = 1  # a check failed
    USAGE = 2  # the config or the command line is wrong
    BUG = 3  # mlsmoke itself broke


class MlsmokeError(Exception):
    """Base class: anything mlsmoke raises on purpose."""


@record
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


class InputError(MlsmokeError):
    """Data a check reads cannot be used; the message says which and why."""


class ExternalError(MlsmokeError):
    """A tool or service outside mlsmoke (git, Docker, the GitHub API) failed."""


class DeadlineExceededError(MlsmokeError):
    """A deadline passed while a check was working; the check fails with this message, which
    says whose deadline it was and what was happening."""

    def __init__(self, reason: str, doing: str) -> None:
        super().__init__(f"{reason} while {doing}")
        self.reason = reason
        self.doing = doing


def exit_code(error: BaseException) -> ExitCode:
    """The exit code for an error that ends a command."""
    return ExitCode.USAGE if isinstance(error, (ConfigError, UsageError)) else ExitCode.BUG
