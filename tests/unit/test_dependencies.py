"""The dependency ranges pyproject.toml declares admit no combination the libraries refuse
among themselves: pyarrow 26 raises ImportError beside numpy 1 ("pyarrow requires NumPy 2.0 or
newer"), and pandas and scipy older than their first numpy-2 builds (2.2.2, 1.13) break on
numpy 2. pip cannot see either (pyarrow does not declare numpy; the old pandas and scipy
wheels do not cap it), so pyproject must."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

from helpers import REPO
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

# (a release of one library, a release of another that it does not work with)
REFUSED = [(("pyarrow", "26.0.0"), ("numpy", "1.26.4")),
           (("numpy", "2.0.0"), ("pandas", "2.2.1")),
           (("numpy", "2.0.0"), ("scipy", "1.12.0"))]


def _declared(dependencies: list[str]) -> dict[str, SpecifierSet]:
    return {Requirement(d).name.lower(): Requirement(d).specifier for d in dependencies}


def _refused_pairs(declared: dict[str, SpecifierSet]) -> list[str]:
    return [f"{a}=={va} with {b}=={vb}" for (a, va), (b, vb) in REFUSED
            if declared[a].contains(va) and declared[b].contains(vb)]


def _pyproject() -> dict[str, SpecifierSet]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return _declared(project["dependencies"])


def test_pyproject_admits_no_combination_the_libraries_refuse() -> None:
    assert _refused_pairs(_pyproject()) == []


def test_the_ranges_before_admitted_pyarrow_26_with_numpy_1() -> None:
    """The twin: numpy>=1.24 beside pyarrow<27, as declared until 2026-12-04."""
    before = _declared(["pyarrow>=20,<27", "numpy>=1.24,<3", "pandas>=2.0,<4", "scipy>=1.10,<2"])
    assert _refused_pairs(before) == ["pyarrow==26.0.0 with numpy==1.26.4",
                                      "numpy==2.0.0 with pandas==2.2.1", "numpy==2.0.0 with scipy==1.12.0"]


def test_what_is_installed_here_is_inside_the_declared_ranges() -> None:
    for name, specifier in _pyproject().items():
        if name in {"numpy", "pandas", "scipy", "pyarrow"}:
            assert Version(version(name)) in specifier, name
