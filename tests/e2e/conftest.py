"""What the tests under act share: the checker image, built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from e2e.action_files import local_base
from helpers import REPO

IMAGE = "mlsmoke-e2e:test"


def engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def image() -> str:
    """The checker image, built once per session from the repository's Dockerfile."""
    required = os.environ.get("MLSMOKE_REQUIRE_DOCKER") == "1"
    for tool in ("docker", "act"):
        if shutil.which(tool) is None:
            (pytest.fail if required else pytest.skip)(f"{tool} is not installed")
    if not engine_answers():
        (pytest.fail if required else pytest.skip)("no Docker engine answers")
    build = ["docker", "build", "--quiet", "--network", "host", "--tag", IMAGE]
    base = os.environ.get("BASE_IMAGE") or local_base()
    if base:
        build += ["--build-arg", f"BASE_IMAGE={base}"]
    result = subprocess.run([*build, str(REPO)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return IMAGE
