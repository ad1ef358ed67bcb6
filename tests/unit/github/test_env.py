"""GithubSettings: the PR, head commit and run of pull_request, push and workflow_run events."""

from __future__ import annotations

import json
from pathlib import Path

from checker.github.env import GithubSettings


def settings(tmp_path: Path, event: dict, **env: str) -> GithubSettings:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return GithubSettings.from_mapping({"GITHUB_EVENT_PATH": str(path), "GITHUB_REPOSITORY": "acme/wine",
                                        "GITHUB_RUN_ID": "5", "GITHUB_SHA": "b" * 40, **env})


def test_a_pull_request_gives_number_and_head(tmp_path: Path) -> None:
    github = settings(tmp_path, {"pull_request": {"number": 7, "head": {"sha": "a" * 40}}})
    assert (github.pr_number, github.head_sha) == (7, "a" * 40)
    assert github.owner_repo == ("acme", "wine")
    assert github.environment_info("mlsmoke.yml")["pull_request"] == 7


def test_a_push_has_no_pr_and_uses_github_sha(tmp_path: Path) -> None:
    github = settings(tmp_path, {"ref": "refs/heads/main"})
    assert (github.pr_number, github.head_sha) == (None, "b" * 40)
    assert github.run_url == "https://github.com/acme/wine/actions/runs/5"


def test_a_workflow_run_reports_on_the_run_it_follows(tmp_path: Path) -> None:
    run = {"head_sha": "c" * 40, "html_url": "https://github.com/acme/wine/actions/runs/4",
           "pull_requests": [{"number": 9}]}
    github = settings(tmp_path, {"workflow_run": run})
    assert (github.pr_number, github.head_sha) == (9, "c" * 40)
    assert github.run_url == "https://github.com/acme/wine/actions/runs/4"


def test_a_forks_workflow_run_names_no_pr(tmp_path: Path) -> None:
    github = settings(tmp_path, {"workflow_run": {"head_sha": "c" * 40, "pull_requests": []}})
    assert github.pr_number is None


def test_action_inputs_win_over_plain_variables(tmp_path: Path) -> None:
    github = settings(tmp_path, {}, GITHUB_TOKEN="plain", INPUT_GITHUB_TOKEN="input",
                      MLSMOKE_COMMENT_AUTHOR="release-bot", GITHUB_WORKSPACE="/w")
    assert github.token == "input"
    assert github.comment_author == "release-bot"
    assert github.workspace == Path("/w")


def test_the_event_name_is_read_for_post_deploy_mode(tmp_path: Path) -> None:
    github = settings(tmp_path, {"deployment_status": {"state": "success"}},
                      GITHUB_EVENT_NAME="deployment_status")
    assert github.event_name == "deployment_status"
    assert settings(tmp_path, {}).event_name is None
