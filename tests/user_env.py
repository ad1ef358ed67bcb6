"""A real, separate Python environment for the user's code in pipeline tests.

Built once (python -m venv + pip install from the package index) and cached under
`${MLSMOKE_TEST_CACHE:-~/.cache/mlsmoke-tests}/user-venv`, keyed by a hash of the example
project's requirements.txt: it is rebuilt when they change. A lock file serialises builders.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO

REQUIREMENTS = REPO / "examples" / "wine-quality" / "requirements.txt"
BUILD_TIMEOUT_S = 900


def cache_dir() -> Path:
    return Path(os.environ.get("MLSMOKE_TEST_CACHE") or Path.home() / ".cache" / "mlsmoke-tests")


def requirements_key(extra: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    digest.update("\n".join(extra).encode())
    return digest.hexdigest()[:16]


@functools.cache
def user_venv(name: str = "user-venv", extra: tuple[str, ...] = ()) -> Path:
    """The cached venv's folder, built (or rebuilt) first when needed. `extra` are more
    requirements on top of the example's (e.g. skops, onnxruntime for the format tests)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / name
    stamp = venv / ".requirements-key"
    key = requirements_key(extra)
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text().strip() == key:
            return venv
        _build(venv, extra)
        stamp.write_text(key + "\n")
    return venv


def _build(venv: Path, extra: tuple[str, ...]) -> None:
    """Build in place (venv scripts hold absolute shebangs); the stamp, written last,
    marks a finished build, so an interrupted one is redone."""
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=BUILD_TIMEOUT_S)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS), *extra]
    subprocess.run(pip, check=True, timeout=BUILD_TIMEOUT_S)
