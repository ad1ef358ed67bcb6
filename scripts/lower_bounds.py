"""The oldest releases pyproject.toml admits for mlsmoke's own dependencies, as pip constraints.

    python3 scripts/lower_bounds.py > lower.txt && pip install -c lower.txt -e ".[test]"

Each dependency's `>=` floor, pinned: exactly when it names a patch release (`pandas>=2.2.2`
gives `pandas==2.2.2`), else the floor's release line (`numpy>=2.0` gives `numpy==2.0.*`, the
latest 2.0.x: a bare floor says nothing about which patch release). .ci/run installs these in
a second environment and runs the unit tests there, so every floor declared is one tested.
Standard library only (tomllib), like release.py.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_FLOOR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^]]*\])?\s*[^;]*?>=\s*([0-9][0-9.]*)")


def constraints(dependencies: list[str]) -> list[str]:
    """`name==floor` (or `name==floor.*`) for each dependency with a `>=` floor, in order."""
    pins = []
    for dependency in dependencies:
        found = _FLOOR.match(dependency)
        if found is None:
            continue
        name, floor = found.groups()
        pins.append(f"{name}=={floor}" if floor.count(".") >= 2 else f"{name}=={floor}.*")
    return pins


def main() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    sys.stdout.write("".join(f"{pin}\n" for pin in constraints(project["dependencies"])))


if __name__ == "__main__":
    main()
