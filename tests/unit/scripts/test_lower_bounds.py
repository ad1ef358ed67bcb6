"""scripts/lower_bounds.py: the oldest releases pyproject.toml admits, as the constraints .ci/run
installs for its second unit-test run."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from helpers import REPO, load_script
from packaging.requirements import Requirement
from packaging.version import Version

lower_bounds = load_script(REPO / "scripts" / "lower_bounds.py")


def test_a_patch_floor_is_pinned_exactly_and_a_shorter_one_to_its_release_line() -> None:
    assert lower_bounds.constraints(["pandas>=2.2.2,<4", "numpy>=2.0,<3", "pyarrow>=20,<27",
                                     "docker[ssh] >= 7.0", "pytest<10", "six"]) == [
        "pandas==2.2.2", "numpy==2.0.*", "pyarrow==20.*", "docker==7.0.*"]


def _floor(dependency: str) -> Version:
    return min(Version(s.version) for s in Requirement(dependency).specifier if s.operator == ">=")


def test_every_dependency_of_pyproject_with_a_floor_is_pinned_at_it() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    done = subprocess.run([sys.executable, "scripts/lower_bounds.py"], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True)
    pins = {Requirement(line).name: Requirement(line).specifier for line in done.stdout.splitlines()}
    floors = {Requirement(d).name: _floor(d) for d in project["dependencies"] if ">=" in d}
    assert pins.keys() == floors.keys() and len(pins) == len(project["dependencies"])
    for name, floor in floors.items():
        assert pins[name].contains(floor), name  # the floor itself satisfies its pin
        assert not pins[name].contains(Version(f"{floor.major + 1}")), name  # the next major does not
