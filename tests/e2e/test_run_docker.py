"""`mlsmoke run --docker` reproduces the CI failure on this machine: the seeded fault that fails
the action in test_action.py fails here too, in the same image, as the same user, with the
report written into the project."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import cli
from integration.actions_env import FAULTY_ROWS, GOOD_ROWS, wine_project

pytestmark = [pytest.mark.docker]


def run_docker(project: Path, image: str) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GITHUB_", "RUNNER_"))}
    return cli("run", "--docker", "--image", image, "--no-publish", cwd=project, env=env, timeout=300)


def test_the_seeded_fault_fails_locally_as_in_ci(tmp_path: Path, image: str) -> None:
    project = wine_project(tmp_path / "faulty", FAULTY_ROWS)
    done = run_docker(project, image)
    assert done.returncode == 1, done.stdout + done.stderr
    results = json.loads((project / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
    failed = [check["id"] for check in results["checks"] if check["status"] == "fail"]
    assert failed == ["data.ranges"]
    assert (project / "mlsmoke-out" / "results.json").stat().st_uid == os.getuid()
    assert f"mlsmoke: using the given image {image}" in done.stderr


def test_the_fixed_project_passes_locally(tmp_path: Path, image: str) -> None:
    project = wine_project(tmp_path / "fixed", GOOD_ROWS)
    done = run_docker(project, image)
    assert done.returncode == 0, done.stdout + done.stderr
