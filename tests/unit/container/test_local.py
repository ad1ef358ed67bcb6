"""`mlsmoke run --docker`: the options given are spelled again for the same command in the
image, and container.sh runs it with exactly the `docker run` of action/run.sh."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from helpers import REPO, cli

from checker import __version__

FAKE_DOCKER = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["DOCKER_CALLS"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
# DOCKER_EXIT_<SUBCOMMAND>: that subcommand's exit code (an image is never on this machine)
sys.exit(int(os.environ.get("DOCKER_EXIT_" + sys.argv[1].upper(), "1" if sys.argv[1] == "image" else "0")))
"""


def fake_docker(tmp_path: Path, exit_code: int = 0) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER, encoding="utf-8")
    (bin_dir / "docker").chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "DOCKER_CALLS": str(tmp_path / "calls.jsonl"), "DOCKER_EXIT_RUN": str(exit_code)}


def calls(tmp_path: Path) -> list[list[str]]:
    return [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text(encoding="utf-8").splitlines()]


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "mlsmoke.yml").write_text("version: 1\nreport: {title: '${RUN_LABEL}'}\n", encoding="utf-8")
    return folder


def test_runs_the_published_image_of_this_version_with_the_options_given(tmp_path: Path) -> None:
    folder = project(tmp_path)
    done = cli("run", "--docker", "--only", "data", "--fail-on", "warning", "--no-comment", "--out", "o",
               cwd=folder, env=fake_docker(tmp_path, exit_code=1))
    assert done.returncode == 1, done.stderr  # the checker's exit code
    image = f"ghcr.io/mlsmoke/mlsmoke:{__version__}"
    inspect, pull, run = calls(tmp_path)
    assert inspect == ["image", "inspect", image] and pull == ["pull", "--quiet", image]
    assert run[run.index(image):] == [image, "run", "--only", "data", "--out", "o", "--fail-on", "warning",
                                      "--no-comment"]
    assert "mlsmoke: checking took" in done.stderr


def test_the_docker_run_is_the_actions(tmp_path: Path) -> None:
    """The same mounts, user, environment and network as action/run.sh in the same folder."""
    folder = project(tmp_path)
    env = {**fake_docker(tmp_path), "GITHUB_WORKSPACE": str(tmp_path), "RUN_LABEL": "x"}
    cli("run", "--docker", "--image", "mlsmoke:dev", cwd=folder, env=env)
    [local] = calls(tmp_path)
    (tmp_path / "calls.jsonl").unlink()
    action_env = {**os.environ, **env, "MLSMOKE_ACTION_PATH": str(REPO), "MLSMOKE_IMAGE": "mlsmoke:dev"}
    subprocess.run(["bash", str(REPO / "action" / "run.sh")], cwd=folder, timeout=60, capture_output=True,
                   env=action_env)
    [action] = calls(tmp_path)
    assert local[:local.index("mlsmoke:dev")] == action[:action.index("mlsmoke:dev")]
    assert "RUN_LABEL" in local and f"{tmp_path}:{tmp_path}" in local


def test_outside_actions_the_workspace_is_the_git_repository(tmp_path: Path) -> None:
    folder = project(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith("GITHUB_")}
    cli("run", "--docker", "--image", "mlsmoke:dev", cwd=folder, env={**env, **fake_docker(tmp_path)})
    [run] = calls(tmp_path)
    workspace = str(tmp_path.resolve())
    assert f"{workspace}:{workspace}" in run and run[run.index("--workdir") + 1] == str(folder)


def test_image_without_docker_and_docker_without_the_command_are_usage_errors(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert cli("run", "--image", "x", cwd=folder).returncode == 2
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    done = cli("run", "--docker", cwd=folder, env={"PATH": str(empty)})
    assert done.returncode == 2 and "needs the docker command" in done.stderr


def test_an_image_that_cannot_be_pulled_without_a_dockerfile_is_a_clear_error(tmp_path: Path) -> None:
    folder = project(tmp_path)
    env = {**os.environ, **fake_docker(tmp_path), "MLSMOKE_BUILD_CONTEXT": str(tmp_path),  # no Dockerfile
           "MLSMOKE_IMAGE_OWNER": "mlsmoke", "DOCKER_EXIT_PULL": "1"}
    script = REPO / "checker" / "container" / "container.sh"
    done = subprocess.run(["bash", str(script), "image"], cwd=folder, capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 2
    assert "no Dockerfile to build one from; pass an image (--image)" in done.stderr
