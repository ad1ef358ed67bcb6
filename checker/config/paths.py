"""Every path taken from the config stays inside the project: one rule for every reader.

The project root is the folder holding mlsmoke.yml (`project_root`). A path is resolved with
its symlinks followed and refused when it lands outside the root, or anywhere in a `.git`
folder: a checkout keeps the job's token there (`http.extraheader`), and a symlinked data
file with a crafted rule could otherwise echo it into the report.

`literal_problem` is the config-time test (exit 2); `confine` is the run-time one, for what
only exists then (a file a glob matched, a scratch copy's artifact).
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from checker.errors import InputError

GIT_FOLDER = ".git"
PROJECT = "the project folder"


class PathRefusedError(InputError, ValueError):
    """A path from the config that mlsmoke will not read or write; the message says why. A
    ValueError too, so a step that turns bad input into a failed check turns this one too."""


def project_root(config_path: Path) -> Path:
    """Paths in the config are relative to the folder that holds it, and stay inside it."""
    return config_path.parent


def confine(root: Path, path: str | Path, *, inside: str = PROJECT) -> Path:
    """`path` (relative to `root`, or absolute) resolved, symlinks followed. PathRefusedError when it
    leads outside `root` or into a `.git` folder, or is a symlink loop. A missing file is not
    refused: reading it is the caller's business."""
    shown = str(path)
    candidate = Path(path) if Path(path).is_absolute() else root / path
    if in_git(candidate.relative_to(root).parts if candidate.is_relative_to(root) else candidate.parts):
        raise PathRefusedError(_GIT_MESSAGE.format(shown))
    try:
        resolved, base = candidate.resolve(), root.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise PathRefusedError(f"{shown} cannot be resolved ({_cause(exc)})") from None
    if not resolved.is_relative_to(base):
        raise PathRefusedError(f"{shown} leads outside {inside} (through '..', an absolute path or a "
                               "symlink); mlsmoke reads only files inside it")
    if in_git(resolved.relative_to(base).parts):
        raise PathRefusedError(_GIT_MESSAGE.format(shown))
    return resolved


def inside_root(root: Path, path: str | Path) -> Path:
    """`root / path` as the config names it (so messages show that name), once `confine` has
    found it inside the project. Raises PathRefusedError."""
    confine(root, path)
    return root / path


def literal_problem(root: Path, value: str, *, inside: str = PROJECT) -> str | None:
    """Why a path written in the config may not be used (None if it may): `lexical_problem`,
    or a symlink that exists now and leads out of `root`."""
    problem = lexical_problem(value, inside=inside)
    if problem is None:
        try:
            confine(root, value, inside=inside)
        except PathRefusedError as exc:
            problem = str(exc)
    return problem


def lexical_problem(value: str, *, inside: str = PROJECT) -> str | None:
    """Why a path, as written, may not be used (None if it may): absolute, leaving its folder
    through '..', or naming a `.git` folder. For paths with no file system behind them yet
    (another git revision, a scratch space to come)."""
    written = PurePosixPath(value)
    if written.is_absolute():
        return f"{value} is an absolute path; paths are relative to {inside} and stay inside it"
    if in_git(written.parts):
        return _GIT_MESSAGE.format(value)
    if posixpath.normpath(value).split("/")[0] == "..":
        return f"{value} leads outside {inside} through '..'; mlsmoke reads only files inside it"
    return None


def in_git(parts: tuple[str, ...]) -> bool:
    return any(part.casefold() == GIT_FOLDER for part in parts)


def _cause(exc: BaseException) -> str:
    return "a symlink loop" if isinstance(exc, RuntimeError) else (getattr(exc, "strerror", None) or str(exc))


_GIT_MESSAGE = "{} is inside a .git folder, which mlsmoke never reads (it holds the checkout's credentials)"
