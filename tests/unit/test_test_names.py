"""Meta-test: pytest imports a test file outside a package by its basename alone, so two such
files with one name stop the whole suite at collection ("import file mismatch") — which a run
of either file alone never shows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def rootless_test_files(root: Path) -> list[Path]:
    """The test files whose folder is not a package (no __init__.py)."""
    return [p for p in root.rglob("test_*.py")
            if "__pycache__" not in p.parts and not (p.parent / "__init__.py").exists()]


def clashes(files: list[Path]) -> list[str]:
    return sorted(name for name, n in Counter(p.name for p in files).items() if n > 1)


def test_no_two_test_files_outside_packages_share_a_basename() -> None:
    assert clashes(rootless_test_files(TESTS)) == []


def test_a_clash_is_found(tmp_path: Path) -> None:
    for folder in ("e2e", "integration"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "test_same.py").touch()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").touch()
    (tmp_path / "pkg" / "test_same.py").touch()  # inside a package: its own module name
    assert clashes(rootless_test_files(tmp_path)) == ["test_same.py"]
