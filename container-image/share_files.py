"""Store the files two Python environments have in common once: a file of the second tree that is
byte for byte the same as the one at the same place in the first becomes a hard link to it.

Used while building the mlsmoke image, where the checker's environment and the user's share
numpy, pandas, pyarrow and scipy at the same versions. The two environments stay independent:
pip replaces a file by unlinking it (never by writing into it), so upgrading pandas in the user's
environment leaves the checker's copy alone. Shared files keep the first tree's owner and mode
(not writable by the user), which is why the build makes only the user environment's folders
writable. Usage: python3 share_files.py FIRST SECOND   (prints how many bytes it saved)
       python3 share_files.py --bytecode FIRST SECOND   (after compiling FIRST only)
"""

from __future__ import annotations

import filecmp
import os
import sys
from pathlib import Path


def share(first: Path, second: Path) -> int:
    saved = 0
    for path in sorted(second.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        original = first / path.relative_to(second)
        if original.is_symlink() or not original.is_file() or os.path.samefile(original, path):
            continue
        if original.stat().st_size != path.stat().st_size or not filecmp.cmp(original, path, shallow=False):
            continue
        staged = path.with_name(path.name + ".mlsmoke-link")
        os.link(original, staged)
        os.replace(staged, path)
        saved += original.stat().st_size
    return saved


def share_bytecode(first: Path, second: Path) -> int:
    """Give the second tree the first's compiled .pyc of every source file the two share (one
    inode, so one mtime: the .pyc is valid for both), instead of compiling it again."""
    saved = 0
    for compiled in sorted(first.rglob("__pycache__/*.pyc")):
        relative = compiled.relative_to(first)
        source = relative.parent.parent / (compiled.name.split(".", 1)[0] + ".py")
        if not (second / source).is_file() or not os.path.samefile(first / source, second / source):
            continue
        target = second / relative
        if target.exists():
            continue
        target.parent.mkdir(exist_ok=True)
        os.link(compiled, target)
        saved += compiled.stat().st_size
    return saved


def main(argv: list[str]) -> int:
    bytecode = argv[:1] == ["--bytecode"]
    paths = argv[1:] if bytecode else argv
    if len(paths) != 2:
        print("usage: share_files.py [--bytecode] FIRST SECOND", file=sys.stderr)
        return 2
    first, second = Path(paths[0]), Path(paths[1])
    saved = share_bytecode(first, second) if bytecode else share(first, second)
    what = "bytecode" if bytecode else "files"
    print(f"share_files: {saved / 2**20:.0f} MiB of {what} stored once ({second} links into {first})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
