"""Glob a data pattern inside the project, never outside it and never forever.

Matches what `glob.glob(pattern, recursive=True)` would, hidden names excepted as it does,
with four differences: no folder outside the project (or inside `.git`) is listed, a
matched path that resolves there is refused with the reason instead of returned, `**`
enters each folder once, so a symlink loop ends the walk instead of repeating it, and what
lies in a folder the caller skips (the run's output folder) is not matched at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from checker.config.paths import GIT_FOLDER, PathRefusedError, confine
from checker.record import record

_MAGIC = re.compile(r"[*?[]")


@record
class Refusal:
    """A match refused, and why (outside the project, inside .git)."""

    path: str  # as the project names it, e.g. data/x.csv
    reason: str


@record
class Matches:
    """What one pattern matches: files, folders, and the matches refused."""

    files: list[Path]
    folders: list[Path]
    refused: list[Refusal]


def find(root: Path, pattern: str, skip: Sequence[Path] = ()) -> Matches:
    """Every file and folder `pattern` matches under `root`, sorted, and those refused; none
    that is or resolves into a folder of `skip`."""
    written = PurePosixPath(pattern)
    if written.is_absolute():
        return Matches([], [], [Refusal(pattern, f"{pattern} is an absolute path; patterns are "
                                                 "relative to the project folder")])
    walk = _Walk(root)
    hits = sorted(set(walk.expand(root, written.parts)))
    skipped = [folder.resolve() for folder in skip]
    files: list[Path] = []
    folders: list[Path] = []
    for hit in hits:
        try:
            resolved = confine(root, hit.relative_to(root))
        except PathRefusedError as exc:
            walk.refuse(hit, str(exc))
            continue
        if any(resolved.is_relative_to(folder) for folder in skipped):
            continue
        if resolved.is_file():
            files.append(hit)
        elif resolved.is_dir():
            folders.append(hit)
    return Matches(files, folders, list(walk.refused.values()))


@record(frozen=False)
class _Walk:
    """One pattern's walk under the project folder: what it refused, the folders `**` entered."""

    root: Path
    refused: dict[str, Refusal] = field(default_factory=dict)
    entered: set[tuple[int, int]] = field(default_factory=set)  # (device, inode) of folders `**` entered

    def expand(self, folder: Path, parts: Sequence[str]) -> Iterator[Path]:
        if not parts:
            yield folder
            return
        head, rest = parts[0], parts[1:]
        if head == "**":
            for below in self._tree(folder):
                yield from self.expand(below, rest) if rest else self._entries(below)
            return
        if _MAGIC.search(head):
            children = [folder / name for name in self._names(folder) if _matches(name, head)]
        else:
            children = [folder / head] if os.path.lexists(folder / head) else []
        for child in children:
            if not rest:
                yield child
            elif self._may_enter(child):
                yield from self.expand(child, rest)

    def refuse(self, path: Path, reason: str) -> None:
        shown = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        self.refused.setdefault(shown, Refusal(shown, reason))

    def _tree(self, top: Path) -> Iterator[Path]:
        """`top` and every folder below it that is not hidden, each at most once (iterative:
        a deep tree cannot exhaust the stack)."""
        pending = [top]
        while pending:
            folder = pending.pop()
            key = _identity(folder)
            if key is None or key in self.entered:
                continue
            self.entered.add(key)
            yield folder
            subfolders = [folder / name for name in self._names(folder)
                          if not name.startswith(".") and (folder / name).is_dir()]
            pending += reversed([sub for sub in subfolders if self._may_enter(sub)])

    def _entries(self, folder: Path) -> Iterator[Path]:
        """What a final `**` matches in one folder: the folder and its entries."""
        yield folder
        yield from (folder / name for name in self._names(folder) if not name.startswith("."))

    def _may_enter(self, folder: Path) -> bool:
        """A folder reached through a symlink or '..' is listed only if it resolves inside."""
        if not (folder.is_symlink() or folder.name in ("..", "") or folder.name.casefold() == GIT_FOLDER):
            return folder.is_dir()
        try:
            return confine(self.root, folder.relative_to(self.root)).is_dir()
        except PathRefusedError as exc:
            self.refuse(folder, str(exc))
            return False

    @staticmethod
    def _names(folder: Path) -> list[str]:
        try:
            with os.scandir(folder) as entries:
                return sorted(entry.name for entry in entries)
        except OSError:
            return []


def _matches(name: str, part: str) -> bool:
    """A wildcard matches a hidden name only when the pattern part starts with '.', as in glob."""
    return fnmatchcase(name, part) and (not name.startswith(".") or part.startswith("."))


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
