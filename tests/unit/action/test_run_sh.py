"""action/run.sh, the composite action's step, with a recording `docker` stand-in on PATH: what
the container gets (mounts, user, environment by name), and that the exit code is passed on."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO

from checker import __version__

FAKE_DOCKER = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["DOCKER_CALLS"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
# DOCKER_FAIL: the subcommands that fail, e.g. "pull,image" or "image:ghcr.io" (for that image only)
failing = [rule.partition(":") for rule in os.environ.get("DOCKER_FAIL", "").split(",") if rule]
if any(sys.argv[1] == command and sys.argv[-1].startswith(image) for command, _, image in failing):
    print("Error response from daemon: no such host", file=sys.stderr)
    sys.exit(1)
sys.exit(int(os.environ.get("DOCKER_EXIT", "0")) if sys.argv[1] == "run" else 0)
"""
VERSION = __version__


Calls = list[list[str]]


def run_action(tmp_path: Path, config: str = "version: 1\n", exit_code: int = 0, fail: str = "",
               action_path: Path = REPO, **inputs: str) -> tuple[subprocess.CompletedProcess[str], Calls]:
    bin_dir, workspace = tmp_path / "bin", tmp_path / "workspace"
    bin_dir.mkdir()
    (workspace / "project").mkdir(parents=True)
    (workspace / "project" / "mlsmoke.yml").write_text(config, encoding="utf-8")
    docker = bin_dir / "docker"
    docker.write_text(FAKE_DOCKER, encoding="utf-8")
    docker.chmod(0o755)
    for name in ("event.json", "summary.md", "output.txt"):
        (tmp_path / name).touch()
    calls = tmp_path / "calls.jsonl"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "DOCKER_CALLS": str(calls),
        "DOCKER_EXIT": str(exit_code), "DOCKER_FAIL": fail,
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_TOKEN": "ghs_secretToken123", "MLSMOKE_ACTION_PATH": str(action_path),
        "GITHUB_REPOSITORY": "Acme/wine", "GITHUB_REPOSITORY_OWNER": "Acme",
        "MLSMOKE_CONFIG": "mlsmoke.yml", "MLSMOKE_COMMENT": "true", "MLSMOKE_COMMIT_STATUS": "false",
        **{f"MLSMOKE_{k.upper()}": v for k, v in inputs.items()},
    }
    result = subprocess.run(["bash", str(REPO / "action" / "run.sh")], cwd=workspace / "project",
                            env=env, capture_output=True, text=True, timeout=60)
    lines = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return result, [json.loads(line) for line in lines]


def test_pulls_the_prebuilt_image_of_its_version_then_runs_it_on_the_workspace(tmp_path: Path) -> None:
    result, calls = run_action(tmp_path, fail="image")
    assert result.returncode == 0, result.stderr
    image = f"ghcr.io/acme/mlsmoke:{VERSION}"
    inspect, pull, run = calls
    assert inspect == ["image", "inspect", image]
    assert pull == ["pull", "--quiet", image]
    assert f"mlsmoke: pulled {image} in " in result.stderr
    workspace = str(tmp_path / "workspace")
    assert run[:4] == ["run", "--rm", "--network", "host"]
    assert run[run.index("--user") + 1] == f"{os.getuid()}:{os.getgid()}"
    assert f"{workspace}:{workspace}" in run
    assert run[run.index("--workdir") + 1] == f"{workspace}/project"
    for name in ("event.json", "summary.md", "output.txt"):
        assert f"{tmp_path / name}:{tmp_path / name}" in run
    assert run[-6:] == [image, "run", "--config", "mlsmoke.yml", "--comment", "--no-commit-status"]
    assert re.search(r"^mlsmoke: checking took \d+\.\d s$", result.stderr, re.M)


def test_the_owner_is_the_actions_own_and_the_registry_an_input(tmp_path: Path) -> None:
    checkout = tmp_path / "runner" / "_actions" / "MLSmoke-Org" / "mlsmoke" / "v1"
    checkout.parent.mkdir(parents=True)
    checkout.symlink_to(REPO)
    _, calls = run_action(tmp_path, fail="image", action_path=checkout, image_registry="mirror.local:5000/")
    assert calls[1] == ["pull", "--quiet", f"mirror.local:5000/mlsmoke-org/mlsmoke:{VERSION}"]


def test_an_image_of_its_version_already_here_is_not_pulled_again(tmp_path: Path) -> None:
    result, calls = run_action(tmp_path)
    assert [call[0] for call in calls] == ["image", "run"]
    assert "already on this machine" in result.stderr


def test_when_the_pull_fails_it_builds_on_the_base_image_and_says_so(tmp_path: Path) -> None:
    result, (_, _, _, build, run) = run_action(tmp_path, fail="image,pull",
                                               base_image="mirror.local/python:3.11-slim")
    assert result.returncode == 0, result.stderr
    tag = build[build.index("--tag") + 1]
    assert re.fullmatch(rf"mlsmoke-action:{re.escape(VERSION)}-[0-9a-f]{{12}}", tag)
    assert build == ["build", "--network", "host", "--tag", tag,
                     "--build-arg", "BASE_IMAGE=mirror.local/python:3.11-slim", str(REPO)]
    [line] = [line for line in result.stderr.splitlines() if "building" in line]
    assert line == (f"mlsmoke: could not pull ghcr.io/acme/mlsmoke:{VERSION} (Error response from daemon: "
                    "no such host); building the checker image from the Dockerfile instead "
                    "(base mirror.local/python:3.11-slim)")
    assert f"mlsmoke: built {tag} in " in result.stderr
    assert run[run.index(tag):][:2] == [tag, "run"]


def test_a_failed_build_fails_the_step_without_running(tmp_path: Path) -> None:
    result, calls = run_action(tmp_path, fail="image,pull,build")
    assert result.returncode != 0
    assert [call[0] for call in calls] == ["image", "pull", "image", "build"]


def test_an_image_built_before_from_the_same_sources_is_used_again(tmp_path: Path) -> None:
    result, calls = run_action(tmp_path, fail="pull,image:ghcr.io")
    assert [call[0] for call in calls] == ["image", "pull", "image", "run"]
    tag = calls[2][-1]
    assert calls[0][-1].startswith("ghcr.io/") and tag.startswith("mlsmoke-action:")
    assert "built here before from the same Dockerfile and sources" in result.stderr
    assert tag in calls[-1]


def test_the_sources_hash_follows_the_sources_and_the_base(tmp_path: Path) -> None:
    def tag(context: Path, base: str = "") -> str:
        scratch = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        scratch.mkdir()
        _, calls = run_action(scratch, fail="image,pull", action_path=context, base_image=base)
        return next(call for call in calls if call[0] == "build")[4]

    context = tmp_path / "context"
    context.mkdir()
    for name in ("Dockerfile", "pyproject.toml", "README.md", "container-image", "checker", "action"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, context / name)
    first = tag(context)
    assert tag(context) == first
    assert tag(context, base="other/base:1") != first
    (context / "container-image" / "constraints.txt").write_text("numpy==2.0.0\n", encoding="utf-8")
    assert tag(context) != first


def test_the_token_is_masked_and_passed_by_name_only(tmp_path: Path) -> None:
    result, calls = run_action(tmp_path)
    assert result.stdout.splitlines()[0] == "::add-mask::ghs_secretToken123"
    run = calls[-1]
    assert "ghs_secretToken123" not in json.dumps(calls)
    for name in ("GITHUB_TOKEN", "GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_OUTPUT"):
        assert run[run.index(name) - 1] == "--env"


def test_a_prebuilt_image_skips_the_build_and_inputs_become_options(tmp_path: Path) -> None:
    _, calls = run_action(tmp_path, image="mlsmoke:dev", checks="data,pipeline", fail_on="warning",
                          staging_url="http://127.0.0.1:8080", comment="false", commit_status="true",
                          deadline="10m")
    [run] = calls  # no inspect, pull or build
    assert run[run.index("mlsmoke:dev"):] == [
        "mlsmoke:dev", "run", "--config", "mlsmoke.yml", "--fail-on", "warning", "--deadline", "10m",
        "--only", "data,pipeline", "--staging-url", "http://127.0.0.1:8080", "--no-comment",
        "--commit-status"]


def test_results_publishes_instead_of_running(tmp_path: Path) -> None:
    _, calls = run_action(tmp_path, image="mlsmoke:dev", results="mlsmoke-results/results.json")
    assert calls[0][-4:] == ["publish", "mlsmoke-results/results.json", "--comment", "--no-commit-status"]


def test_the_configs_variables_are_passed_and_serve_mounts_the_socket(tmp_path: Path) -> None:
    if not Path("/var/run/docker.sock").exists():
        pytest.skip("no Docker socket on this machine to mount")
    config = ("version: 1\nendpoint:\n  url: ${STAGING_URL}\n"
              "  headers: {Authorization: 'Bearer ${TOKEN_X}'}\n  serve: {build: ./serving, port: 8080}\n")
    _, [run] = run_action(tmp_path, config=config, image="mlsmoke:dev")
    assert run[run.index("STAGING_URL") - 1] == "--env" and run[run.index("TOKEN_X") - 1] == "--env"
    assert "/var/run/docker.sock:/var/run/docker.sock" in run
    assert "--group-add" in run


def test_the_containers_own_path_and_home_are_never_replaced(tmp_path: Path) -> None:
    config = "version: 1\nreport: {title: '${HOME} ${PATH} ${PYTHONPATH} ${RUN_LABEL}'}\n"
    _, [run] = run_action(tmp_path, config=config, image="mlsmoke:dev")
    assert run[run.index("RUN_LABEL") - 1] == "--env"
    assert not {"HOME", "PATH", "PYTHONPATH"} & set(run)


def test_without_serve_the_socket_stays_out(tmp_path: Path) -> None:
    config = "version: 1\nendpoint:\n  url: http://x\n  # serve: {image: model:1, port: 8080}\n"
    _, [run] = run_action(tmp_path, config=config, image="mlsmoke:dev")
    assert not any("docker.sock" in part for part in run)


def test_the_checkers_exit_code_is_the_steps(tmp_path: Path) -> None:
    result, _ = run_action(tmp_path, image="mlsmoke:dev", exit_code=1)
    assert result.returncode == 1


@pytest.mark.parametrize(("value", "flags"), [("true", ["--commit-status"]),
                                               ("false", ["--no-commit-status"]), ("", [])])
def test_commit_status_true_false_or_the_checkers_default(tmp_path: Path, value: str,
                                                          flags: list[str]) -> None:
    _result, (_build, run) = run_action(tmp_path, commit_status=value)
    assert [a for a in run if "commit-status" in a] == flags
