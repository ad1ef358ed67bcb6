"""The checker image's two Python environments: the checker's holds only what it imports (and
stays under its size budget), the user's has the ML stack at the constraints file's versions,
and the files they share cannot be changed from the user's side."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

pytestmark = [pytest.mark.docker]

CHECKER_ENV_MAX_MB = 350
STACK = ("numpy", "pandas", "pyarrow", "scikit-learn", "joblib")


def in_image(image: str, script: str, shell: str = "sh") -> subprocess.CompletedProcess[str]:
    command = ["docker", "run", "--rm", "--network", "none", "--user", "1234:1234", "--entrypoint", shell,
               image, "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def pins() -> dict[str, str]:
    lines = (REPO / "container-image" / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))


def test_the_user_environment_has_the_stack_at_the_pinned_versions(image: str) -> None:
    script = ("import json, importlib.metadata as m; "
              f"print(json.dumps({{n: m.version(n) for n in {STACK!r}}}))")
    done = in_image(image, script, shell="python3")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {name: pins()[name] for name in STACK}


def test_the_checkers_environment_has_no_scikit_learn_and_fits_its_budget(image: str) -> None:
    done = in_image(image, "/opt/mlsmoke/bin/python -c 'import sklearn' 2>&1; du -sm /opt/mlsmoke")
    assert "No module named 'sklearn'" in done.stdout
    assert int(done.stdout.split()[-2]) <= CHECKER_ENV_MAX_MB


def test_shared_files_are_read_only_for_the_user_and_user_files_are_not(image: str) -> None:
    script = ("site=$(echo /opt/user-python/lib/python3*/site-packages); "
              "test \"$(stat -c %h $site/numpy/__init__.py)\" = 2 || echo not-shared; "
              "touch $site/numpy/__init__.py 2>/dev/null && echo shared-writable; "
              "touch $site/sklearn/__init__.py || echo user-file-read-only; "
              "mkdir $site/newpkg || echo cannot-install")
    done = in_image(image, script)
    assert done.stdout.split() == [], done.stdout + done.stderr


# Every module of a package without its bytecode beside it (PYTHONDONTWRITEBYTECODE is set in the
# image, and its site-packages is read-only for the user: a module without a .pyc is compiled
# from source on every run, about 36 ms for the checker's data-only path).
UNCOMPILED = """
import importlib.util, pathlib, sys
root = pathlib.Path(sys.argv[1])
for source in sorted(root.rglob("*.py")):
    if not pathlib.Path(importlib.util.cache_from_source(str(source))).exists():
        print(source.relative_to(root))
"""


def uncompiled(python: list[str], package: str) -> list[str]:
    done = subprocess.run([*python, "-c", UNCOMPILED, package], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_installed_checker_is_byte_compiled(image: str) -> None:
    locate = in_image(image, "import checker, pathlib; print(pathlib.Path(checker.__file__).parent)",
                      shell="/opt/mlsmoke/bin/python")
    assert locate.returncode == 0, locate.stderr
    package = locate.stdout.strip()
    assert package.startswith("/opt/mlsmoke/"), package
    checker_python = ["docker", "run", "--rm", "--network", "none", "--user", "1234:1234",
                      "--entrypoint", "/opt/mlsmoke/bin/python", image]
    assert uncompiled(checker_python, package) == []


def test_a_package_copied_without_bytecode_is_reported(tmp_path: Path) -> None:
    """The failing twin of the test above, on this machine: the same script finds the modules."""
    shutil.copytree(REPO / "checker" / "render", tmp_path / "render",
                    ignore=shutil.ignore_patterns("__pycache__"))
    found = uncompiled([sys.executable], str(tmp_path / "render"))
    assert "markdown.py" in found and "escape.py" in found
