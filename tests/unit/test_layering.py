"""Data moves one way (config → plan → checks → results → render → publish): a step never
imports a later one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import REPO

_AFTER_CHECKS = ("checker.checks", "checker.results", "checker.render", "checker.github", "checker.run")
LATER = {
    "shape": ("checker.config", "checker.contracts", "checker.tables", "checker.synth", *_AFTER_CHECKS),
    "config": _AFTER_CHECKS,
    "contracts": _AFTER_CHECKS,
    "tables": (*_AFTER_CHECKS, "checker.synth"),
    "synth": _AFTER_CHECKS,
    "results": ("checker.checks", "checker.render", "checker.github", "checker.run"),
    "github": ("checker.render", "checker.run", "checker.checks"),
    "render": ("checker.checks", "checker.run", "checker.github"),  # the report carries the order
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(LATER))
def test_a_step_does_not_import_a_later_one(package: str) -> None:
    found = {f"{path.name} imports {name}"
             for path in sorted((REPO / "checker" / package).glob("*.py"))
             for name in imported(path) if name.startswith(LATER[package])}
    assert sorted(found) == []


def test_the_check_finds_an_import_of_a_later_step(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from checker.render.markdown import marker\n", encoding="utf-8")
    assert "checker.render.markdown" in imported(module)


def test_the_cli_imports_no_check_family() -> None:
    assert sorted(n for n in imported(REPO / "checker" / "cli.py") if n.startswith("checker.checks")) == []
