"""`make demo` (examples/demo.sh) with a fake `docker` and a fake Python: the endpoint family is
left out, with a message naming BASE_IMAGE, when the base image cannot be pulled; the other
families still run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import REPO

FAKE_DOCKER = """#!/bin/sh
case "$1" in
  info) exit "${DOCKER_INFO_EXIT:-0}" ;;
  image) exit "${DOCKER_HAS_IMAGE_EXIT:-1}" ;;
  pull) echo "pull access denied for $3" >&2; exit 1 ;;
esac
exit 0
"""
FAKE_PYTHON = """#!/bin/sh
echo "ran: $*" > "$RAN"
"""


def _demo(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("docker", FAKE_DOCKER), ("python", FAKE_PYTHON)):
        (bin_dir / name).write_text(body, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    (tmp_path / "example").mkdir()
    ran = tmp_path / "ran.txt"
    full_env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "RAN": str(ran), **env}
    done = subprocess.run(["sh", str(REPO / "examples" / "demo.sh"), str(bin_dir / "python"),
                           str(tmp_path / "example")], env=full_env, capture_output=True, text=True,
                          timeout=60)
    return done, ran.read_text(encoding="utf-8").strip()


def test_a_base_image_that_cannot_be_pulled_says_how_to_proceed_and_runs_the_rest(tmp_path: Path) -> None:
    done, ran = _demo(tmp_path, BASE_IMAGE="nowhere/python:3.11-slim")
    assert done.returncode == 0, done.stderr
    assert "nowhere/python:3.11-slim is not on this Docker engine and cannot be pulled" in done.stdout
    assert "BASE_IMAGE=" in done.stdout and "endpoint family is left out" in done.stdout
    assert ran == "ran: -m checker run --only data,drift,pipeline"


def test_a_base_image_the_engine_has_runs_every_family(tmp_path: Path) -> None:
    done, ran = _demo(tmp_path, DOCKER_HAS_IMAGE_EXIT="0")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert ran == "ran: -m checker run"


def test_no_docker_engine_leaves_the_endpoint_family_out(tmp_path: Path) -> None:
    done, ran = _demo(tmp_path, DOCKER_INFO_EXIT="1")
    assert "no Docker engine answers" in done.stdout
    assert ran == "ran: -m checker run --only data,drift,pipeline"
