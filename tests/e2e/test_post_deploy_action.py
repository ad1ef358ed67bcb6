"""Post-deploy mode end to end: a workflow `on: deployment_status` that `uses:` the action runs
under act (host executor) with the real checker image, smoke-tests a local model server at the
deployment's environment_url, and publishes to the fake GitHub API: the deployment's failure
status, the commit status on the deployed commit and the comment on its pull request."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from e2e.act_cache import seed_action_cache
from e2e.action_files import commit_all, copy_action
from e2e.test_action import ACT_TIMEOUT_S, TOKEN, ActRun  # the image fixture: tests/e2e/conftest.py
from e2e.test_action import WORKFLOW as PR_WORKFLOW
from fake_model_server import Behavior, serving
from integration.fake_github import FakeGithub
from integration.post_deploy_env import (
    DEPLOYED_SHA,
    DEPLOYMENT_ID,
    deployment_status_event,
    endpoint_project,
)
from real_servers import FEATURES

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

PR = 21
PR_STEPS = yaml.safe_load(PR_WORKFLOW)["jobs"]["smoke"]["steps"]  # check out, then the action
WORKFLOW = yaml.safe_dump({
    "name": "post-deploy", "on": "deployment_status",
    "permissions": {"contents": "read", "deployments": "write", "statuses": "write",
                    "pull-requests": "write"},
    "jobs": {"smoke": {
        "if": "github.event.deployment_status.state == 'success'", "runs-on": "ubuntu-latest",
        "steps": [PR_STEPS[0], {**PR_STEPS[1], "with": {**PR_STEPS[1]["with"], "checks": "endpoint",
                                                         "commit-status": True}}],
    }},
}, sort_keys=False)


def scratch_repository(root: Path) -> Path:
    source = root / "source"
    source.mkdir(parents=True)
    copy_action(source)  # action.yml, action/ and what run.sh runs (checker/container/ …)
    (source / ".github" / "workflows").mkdir(parents=True)
    (source / ".github" / "workflows" / "post-deploy.yml").write_text(WORKFLOW, encoding="utf-8")
    endpoint_project(source / "project")
    commit_all(source, "main", "deploy")
    return source


def act(root: Path, source: Path, fake: FakeGithub, image_name: str, event: dict) -> ActRun:
    (root / "event.json").write_text(json.dumps(event), encoding="utf-8")
    if not (root / "act-cache" / "actions-upload-artifact@v4").exists():
        seed_action_cache(root / "act-cache")
    command = [
        "act", "deployment_status", "-W", ".github/workflows/post-deploy.yml",
        "-P", "ubuntu-latest=-self-hosted", "-e", str(root / "event.json"),
        "--action-offline-mode", "--action-cache-path", str(root / "act-cache"),
        "--env", f"GITHUB_API_URL={fake.url}", "--env", f"GITHUB_REPOSITORY={fake.repository}",
        "--env", f"E2E_SOURCE={source}", "--env", f"E2E_IMAGE={image_name}",
        "-s", "GITHUB_TOKEN",  # the value comes from act's environment, not its command line
    ]
    result = subprocess.run(command, cwd=source, env={**os.environ, "GITHUB_TOKEN": TOKEN},
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=ACT_TIMEOUT_S)
    return ActRun(result.returncode, result.stdout + result.stderr)


def pinned(tag: str) -> str:
    """The image's id: the tag is the same for every checkout on this engine."""
    found = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", tag],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_a_failing_deployment_is_marked_failed_with_the_reason(tmp_path: Path, image: str) -> None:
    fake = FakeGithub(TOKEN)
    fake.commit_pulls[DEPLOYED_SHA] = [PR]
    source = scratch_repository(tmp_path)
    image = pinned(image)
    with fake.running(), serving(Behavior(columns=FEATURES, prediction=7.5)) as url:
        run = act(tmp_path, source, fake, image, deployment_status_event(environment_url=url))
    assert fake.problems == []
    assert run.returncode != 0 and "Job failed" in run.log, run.log
    assert "post-deploy smoke of deployment 4242 to staging" in run.log
    [status] = fake.deployment_statuses[DEPLOYMENT_ID]
    assert status["state"] == "failure", run.log
    assert "endpoint.predict [wine]" in status["description"] and len(status["description"]) <= 140
    assert "/actions/runs/" in status["log_url"]
    [commit_status] = fake.statuses
    assert (commit_status["sha"], commit_status["state"]) == (DEPLOYED_SHA, "failure")
    assert commit_status["context"] == "mlsmoke post-deploy (staging)"
    [comment] = fake.ours(PR)
    assert comment["body"].startswith("<!-- mlsmoke:post-deploy smoke: staging -->")
    assert "endpoint.predict" in comment["body"]
    assert TOKEN not in run.log
