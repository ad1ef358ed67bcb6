"""container-image/share_files.py: identical files of two environments become one inode; files
that differ, symlinks and files only one side has stay as they are; compiled bytecode follows
only the sources that are shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import REPO, load_script

share_files = load_script(REPO / "container-image" / "share_files.py")


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_identical_files_are_stored_once_and_the_rest_stays(tmp_path: Path) -> None:
    first = tree(tmp_path / "a", {"np/core.py": "x = 1\n", "np/ver.py": "v = 2\n", "only_a.py": ""})
    second = tree(tmp_path / "b", {"np/core.py": "x = 1\n", "np/ver.py": "v = 3\n", "only_b.py": ""})
    (second / "link.py").symlink_to(second / "np" / "core.py")
    (first / "link.py").write_text("x = 1\n", encoding="utf-8")
    saved = share_files.share(first, second)
    assert saved == len("x = 1\n")
    assert os.path.samefile(first / "np/core.py", second / "np/core.py")
    assert not os.path.samefile(first / "np/ver.py", second / "np/ver.py")
    assert (second / "link.py").is_symlink() and not (second / "only_a.py").exists()
    assert share_files.share(first, second) == 0  # a second pass finds nothing left to share
    # replacing the shared file on one side (as pip does) leaves the other side's alone
    (second / "np/core.py").unlink()
    (second / "np/core.py").write_text("x = 99\n", encoding="utf-8")
    assert (first / "np/core.py").read_text(encoding="utf-8") == "x = 1\n"


def test_bytecode_follows_shared_sources_only(tmp_path: Path) -> None:
    first = tree(tmp_path / "a", {"m/shared.py": "", "m/own.py": "a",
                                  "m/__pycache__/shared.cpython-311.pyc": "S",
                                  "m/__pycache__/own.cpython-311.pyc": "O"})
    second = tree(tmp_path / "b", {"m/own.py": "b"})
    os.link(first / "m/shared.py", second / "m/shared.py")
    share_files.share_bytecode(first, second)
    assert os.path.samefile(first / "m/__pycache__/shared.cpython-311.pyc",
                            second / "m/__pycache__/shared.cpython-311.pyc")
    assert not (second / "m/__pycache__/own.cpython-311.pyc").exists()


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tree(tmp_path / "a", {"f": "same"}), tree(tmp_path / "b", {"f": "same"})
    assert share_files.main([str(first), str(second)]) == 0
    assert "stored once" in capsys.readouterr().out
    assert share_files.main(["--bytecode", str(first), str(second)]) == 0
    assert share_files.main([]) == 2
