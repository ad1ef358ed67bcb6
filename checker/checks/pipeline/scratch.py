"""A scratch copy of the user's working tree, so the pipeline never writes into the checkout.

Layout of one scratch space (a fresh temporary folder, removed afterwards):

    work/   a copy of the project folder (the folder holding mlsmoke.yml): the cwd of every step
    data/   where `{data}` points unless `data_path` puts it inside work/
    out/    `{out}`: where the pipeline writes its artifacts
    logs/   stdout and stderr of each step
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from checker.config.paths import confine
from checker.record import record

# Never copied: version control, caches, virtual environments (not relocatable, and the
# user's interpreter is used where it is), and mlsmoke's own output folder.
SKIPPED_NAMES = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache",
                           ".ruff_cache", ".tox", ".nox", "node_modules"})


@record
class Scratch:
    root: Path

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def inside(self, path: Path) -> Path:
        """`path` resolved; PathRefusedError if a symlink (copied from the project, or made by the
        pipeline) leads it out of this scratch space or into a .git folder."""
        return confine(self.root, path, inside="the scratch space")

    def data_file(self, data_path: str | None, suffix: str) -> Path:
        """`{data}`: `data_path` inside the copied tree, else data/synthetic<suffix>."""
        if data_path:
            return self.work / data_path
        return self.root / "data" / f"synthetic{suffix}"


@contextmanager
def scratch_copy(project: Path, *, exclude: tuple[Path, ...] = ()) -> Iterator[Scratch]:
    """Copy `project` into a new scratch space; remove the space on exit, whatever happened."""
    root = Path(tempfile.mkdtemp(prefix="mlsmoke-pipeline-"))
    try:
        scratch = Scratch(root)
        excluded = {p.resolve() for p in exclude}
        shutil.copytree(project, scratch.work, symlinks=True, ignore=_ignore(excluded))
        scratch.out.mkdir()
        yield scratch
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _ignore(excluded: set[Path]) -> Callable[[str, list[str]], set[str]]:
    def ignore(folder: str, names: list[str]) -> set[str]:
        base = Path(folder)
        return {name for name in names
                if name in SKIPPED_NAMES
                or (base / name / "pyvenv.cfg").is_file()
                or (base / name).resolve() in excluded}
    return ignore
