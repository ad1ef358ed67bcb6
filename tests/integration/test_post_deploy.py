"""Post-deploy mode: `mlsmoke run` on a `deployment_status` event, as a real subprocess, smoke-
testing a real local model server at the deployment's URL and publishing to the fake GitHub
(every request validated against GitHub's API description)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_model_server import Behavior, serving
from helpers import cli
from integration.actions_env import TOKEN, github_env, outputs
from integration.fake_github import FakeGithub
from integration.post_deploy_env import (
    DEPLOYED_SHA,
    DEPLOYMENT_ID,
    LOG_URL,
    deployment_status_event,
    endpoint_project,
)
from real_servers import FEATURES

PULLS = [11, 12]


def post_deploy(tmp_path: Path, fake: FakeGithub, event: dict, *args: str):
    folder = endpoint_project(tmp_path / "project")
    env = github_env(tmp_path, fake, event, event_name="deployment_status")
    return cli("run", *(args or ("--commit-status",)), cwd=folder, env=env, timeout=120)


def test_a_failing_smoke_marks_the_deployment_failed_with_the_reason(tmp_path: Path,
                                                                      fake: FakeGithub) -> None:
    fake.commit_pulls[DEPLOYED_SHA] = PULLS
    with serving(Behavior(columns=FEATURES, prediction=7.5)) as url:  # a prediction out of range
        result = post_deploy(tmp_path, fake, deployment_status_event(environment_url=url))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "post-deploy smoke of deployment 4242 to staging" in result.stderr
    [status] = fake.deployment_statuses[DEPLOYMENT_ID]
    assert status["state"] == "failure" and status["log_url"] == LOG_URL
    assert status["environment_url"] == url  # kept on the deployment
    assert status["description"].startswith("mlsmoke post-deploy smoke failed: 1 of ")
    assert "endpoint.predict [wine]" in status["description"] and len(status["description"]) <= 140
    [commit_status] = fake.statuses
    assert (commit_status["sha"], commit_status["state"]) == (DEPLOYED_SHA, "failure")
    assert commit_status["context"] == "mlsmoke post-deploy (staging)"
    assert commit_status["description"].startswith("post-deploy smoke: staging: ")
    for number in PULLS:
        [comment] = fake.ours(number)
        assert comment["body"].startswith("<!-- mlsmoke:post-deploy smoke: staging -->\n")
        assert "post-deploy smoke: staging: failed" in comment["body"]
        assert "endpoint.predict" in comment["body"]
    assert outputs(tmp_path)["comment-url"] == fake.ours(PULLS[0])[0]["html_url"]
    assert TOKEN not in (result.stdout + result.stderr).replace(f"::add-mask::{TOKEN}", "")


def test_a_passing_twin_posts_no_deployment_status(tmp_path: Path, fake: FakeGithub) -> None:
    fake.commit_pulls[DEPLOYED_SHA] = PULLS[:1]
    with serving(Behavior(columns=FEATURES)) as url:
        result = post_deploy(tmp_path, fake, deployment_status_event(target_url=url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "at its target_url" in result.stderr
    assert fake.deployment_statuses == {}
    [commit_status] = fake.statuses
    assert (commit_status["sha"], commit_status["state"]) == (DEPLOYED_SHA, "success")
    [comment] = fake.ours(PULLS[0])
    assert "post-deploy smoke: staging: passed" in comment["body"]


@pytest.mark.parametrize(("flag", "statuses"), [("--comment", 1), ("--no-commit-status", 0)],
                         ids=["default-sets-one", "no-commit-status-sets-none"])
def test_after_a_deploy_the_commit_status_is_on_unless_turned_off(tmp_path: Path, fake: FakeGithub,
                                                                  flag: str, statuses: int) -> None:
    fake.commit_pulls[DEPLOYED_SHA] = PULLS[:1]
    with serving(Behavior(columns=FEATURES)) as url:
        result = post_deploy(tmp_path, fake, deployment_status_event(target_url=url), flag)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(s["sha"], s["state"]) for s in fake.statuses] == [(DEPLOYED_SHA, "success")] * statuses


def test_the_post_deploy_comment_leaves_the_pr_check_comment_alone(tmp_path: Path, fake: FakeGithub) -> None:
    fake.commit_pulls[DEPLOYED_SHA] = PULLS[:1]
    pr_check = fake.add_comment(PULLS[0], "<!-- mlsmoke:ML smoke checks -->\n## ✅ ML smoke checks: passed",
                                user=fake.author)
    with serving(Behavior(columns=FEATURES)) as url:
        for _ in range(2):  # a redeploy updates its own comment
            assert post_deploy(tmp_path, fake, deployment_status_event(environment_url=url)).returncode == 0
    ours = fake.ours(PULLS[0])
    assert ours[0]["id"] == pr_check["id"] and ours[0]["body"] == pr_check["body"]
    assert len(ours) == 2 and len(fake.calls("PATCH", "issues/update-comment")) == 1


@pytest.mark.parametrize("state", ["failure", "error", "in_progress", "pending", "inactive"])
def test_a_deployment_that_is_not_live_is_not_checked(tmp_path: Path, fake: FakeGithub, state: str) -> None:
    result = post_deploy(tmp_path, fake, deployment_status_event(state, environment_url="http://127.0.0.1:9"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"the deployment to staging is {state!r}, not 'success': nothing to check" in result.stderr
    assert fake.requests == []
    assert not (tmp_path / "project" / "mlsmoke-out").exists()


def test_github_refusing_the_deployment_status_is_a_warning(tmp_path: Path, fake: FakeGithub) -> None:
    fake.fail_next("POST", r"/deployments/\d+/statuses$", 403)
    fake.fail_next("GET", r"/commits/[0-9a-f]+/pulls$", 409)
    with serving(Behavior(columns=FEATURES, prediction=7.5)) as url:
        result = post_deploy(tmp_path, fake, deployment_status_event(environment_url=url))
    assert result.returncode == 1, result.stdout + result.stderr  # the checks' verdict, unchanged
    assert "::warning::mlsmoke could not publish the deployment status: POST" in result.stdout
    assert "::warning::mlsmoke could not publish the pull requests of the deployed commit" in result.stdout
    assert [s["state"] for s in fake.statuses] == ["failure"]  # the commit status still goes out


@pytest.mark.parametrize(("url", "said"), [
    ("http://deployer:hunter2-pass@127.0.0.1:9/", "carries credentials"),
    ("http://127.0.0.1:9/\r\n::error::injected", "contains spaces, line breaks or control characters"),
    ("file:///etc/passwd", "must be an http:// or https:// URL"),
    ("javascript:alert(1)", "must be an http:// or https:// URL"),
    ("http://127.0.0.1:9/" + "a" * 5000, "is longer than 2048 characters"),
])
def test_a_hostile_deployment_url_is_refused_without_showing_it(tmp_path: Path, fake: FakeGithub,
                                                                url: str, said: str) -> None:
    result = post_deploy(tmp_path, fake, deployment_status_event(environment_url=url))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"deployment_status.environment_url {said}" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr and "::error::injected" not in result.stdout
    assert fake.requests == []


def test_a_huge_hostile_description_and_environment_stay_out_of_the_way(tmp_path: Path,
                                                                       fake: FakeGithub) -> None:
    fake.commit_pulls[DEPLOYED_SHA] = PULLS[:1]
    environment = "prod\r\n::error::x <!-- -->" + "e" * 500
    with serving(Behavior(columns=FEATURES)) as url:
        event = deployment_status_event(environment_url=url, description="@team " * 100_000,
                                        environment=environment)
        result = post_deploy(tmp_path, fake, event)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error::x" not in "\n".join(line for line in result.stdout.splitlines() if line.startswith("::"))
    [comment] = fake.ours(PULLS[0])
    first_line = comment["body"].splitlines()[0]
    assert first_line.startswith("<!-- mlsmoke:post-deploy smoke: prod ::error::x") and "\r" not in first_line
    assert first_line.count("-->") == 1 and len(first_line) < 200
    assert "@team" not in comment["body"]
    assert len(fake.statuses[0]["context"]) < 140
