"""The action uploads the output folder as an artifact: its inputs, the upload step (after the
check step, whatever that step's outcome, never changing it), and the artifact's name
reaching the checker, which links the report's failing rows to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from helpers import REPO

from checker.github.env import GithubSettings
from unit.action.test_run_sh import run_action


def _action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_the_artifact_inputs_and_their_defaults() -> None:
    inputs = _action()["inputs"]
    assert inputs["upload-artifact"]["default"] == "true"
    assert inputs["artifact-name"]["default"] == "mlsmoke-results"


def test_the_upload_step_runs_after_the_checks_whatever_they_found() -> None:
    run, upload = _action()["runs"]["steps"]
    assert run["id"] == "run"
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["if"] == "always() && inputs.upload-artifact == 'true' && inputs.results == ''"
    assert upload["continue-on-error"] is True  # a failed upload never changes the outcome
    assert upload["with"] == {"name": "${{ inputs.artifact-name }}",
                              "path": "${{ inputs.working-directory }}/mlsmoke-out",
                              "if-no-files-found": "ignore"}


def test_the_checker_learns_the_artifact_name_only_when_it_is_uploaded() -> None:
    run = _action()["runs"]["steps"][0]
    assert run["env"]["MLSMOKE_ARTIFACT_NAME"] == (
        "${{ inputs.upload-artifact == 'true' && inputs.results == '' && inputs.artifact-name || '' }}")


def test_run_sh_passes_the_artifact_name_by_name(tmp_path: Path) -> None:
    _, calls = run_action(tmp_path, image="mlsmoke:dev", artifact_name="smoke-results")
    run = calls[-1]
    assert run[run.index("MLSMOKE_ARTIFACT_NAME") - 1] == "--env"
    assert "smoke-results" not in run  # the value travels in the environment, not the command line


def test_the_artifact_name_lands_in_the_results_environment() -> None:
    env = {"MLSMOKE_ARTIFACT_NAME": "mlsmoke-results", "GITHUB_REPOSITORY": "acme/wine", "GITHUB_RUN_ID": "5"}
    info = GithubSettings.from_mapping(env).environment_info("mlsmoke.yml")
    assert info["artifact"] == "mlsmoke-results"
    assert info["run_url"] == "https://github.com/acme/wine/actions/runs/5"


def test_without_an_upload_the_environment_names_no_artifact() -> None:
    assert "artifact" not in GithubSettings.from_mapping({}).environment_info("mlsmoke.yml")
    assert "artifact" not in GithubSettings.from_mapping({"MLSMOKE_ARTIFACT_NAME": ""}).environment_info("x")
