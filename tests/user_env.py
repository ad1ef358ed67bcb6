"""A real, separate Python environment for the user's code in pipeline tests.

Built once (python -m venv + pip install from the package index, by venvs.cached_venv) and
cached under `${MLSMOKE_TEST_CACHE:-~/.cache/mlsmoke-tests}/user-venv`, keyed by a hash of the
example project's requirements.txt: it is rebuilt when they change.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from helpers import REPO
from venvs import cached_venv

REQUIREMENTS = REPO / "examples" / "wine-quality" / "requirements.txt"
BUILD_TIMEOUT_S = 900


def requirements_key(extra: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    digest.update("\n".join(extra).encode())
    return digest.hexdigest()[:16]


@functools.cache
def user_venv(name: str = "user-venv", extra: tuple[str, ...] = ()) -> Path:
    """The cached venv's folder, built (or rebuilt) first when needed. `extra` are more
    requirements on top of the example's (e.g. skops, onnxruntime for the format tests)."""
    return cached_venv(name, ("-r", str(REQUIREMENTS), *extra), key=requirements_key(extra),
                       stamp=".requirements-key", timeout=BUILD_TIMEOUT_S)
