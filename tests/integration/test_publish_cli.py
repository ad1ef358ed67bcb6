"""`mlsmoke run` and `mlsmoke publish` as real subprocesses in a GitHub Actions environment,
publishing to the fake GitHub: the exit code is always the checks', the token never leaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import cli
from integration.actions_env import (
    FAULTY_ROWS,
    GOOD_ROWS,
    HEAD_SHA,
    PR,
    TOKEN,
    github_env,
    outputs,
    outside_code_blocks,
    wine_project,
)
from integration.fake_github import FakeGithub
from samples import representative_report


@pytest.mark.parametrize(("rows", "exit_code"), [(GOOD_ROWS, 0), (FAULTY_ROWS, 1)])
def test_a_fork_token_changes_nothing_but_a_warning(tmp_path: Path, fake: FakeGithub, rows: str,
                                                    exit_code: int) -> None:
    fake.read_only = True
    folder = wine_project(tmp_path / "project", rows)
    result = cli("run", "--commit-status", cwd=folder, env=github_env(tmp_path, fake))
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert "::warning::mlsmoke could not publish the PR comment: POST" in result.stdout
    assert "HTTP 403" in result.stdout
    assert "Wine smoke" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert outputs(tmp_path)["status"] == ("pass" if exit_code == 0 else "fail")
    assert fake.comments == {} and fake.statuses == []


def test_the_token_never_reaches_output_summary_or_report(tmp_path: Path, fake: FakeGithub) -> None:
    folder = wine_project(tmp_path / "project", FAULTY_ROWS)
    result = cli("run", cwd=folder, env=github_env(tmp_path, fake))
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if TOKEN in line] == [f"::add-mask::{TOKEN}"]
    assert TOKEN not in result.stderr
    outputs = [p for p in (folder / "mlsmoke-out").rglob("*") if p.is_file()]  # failing-rows/ too
    for written in [tmp_path / "summary.md", tmp_path / "output.txt", *outputs]:
        assert TOKEN not in written.read_text(encoding="utf-8"), written
    assert TOKEN not in json.dumps([c["body"] for c in fake.ours(PR)])
    assert len(fake.ours(PR)) == 1


def test_no_publish_makes_no_github_writes(tmp_path: Path, fake: FakeGithub) -> None:
    folder = wine_project(tmp_path / "project", FAULTY_ROWS)
    result = cli("run", "--no-publish", cwd=folder, env=github_env(tmp_path, fake))
    assert result.returncode == 1
    assert fake.requests == []
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == ""


def test_a_hostile_data_value_reaches_the_comment_inert(tmp_path: Path, fake: FakeGithub) -> None:
    hostile = "</details><img src=x> @someone"
    folder = wine_project(tmp_path / "project", f"wine_id,ph,color\n1,3.2,{hostile}\n")
    result = cli("run", cwd=folder, env=github_env(tmp_path, fake))
    assert result.returncode == 1, result.stdout + result.stderr
    body = fake.calls("POST", "issues/create-comment")[0].body["body"]
    assert "data.allowed" in body
    markup = outside_code_blocks(body)
    assert re.search(r"(?<!\\)<img", markup) is None and "@someone" not in markup  # `\<img` is text
    assert len(re.findall(r"(?m)^<details>", markup)) == len(re.findall(r"(?m)^</details>$", markup))


def workflow_run_event(pull_requests: list[dict]) -> dict:
    """What a `workflow_run` workflow sees of the PR run it follows (a fork lists no PRs)."""
    return {"workflow_run": {"id": 99, "event": "pull_request", "head_sha": HEAD_SHA,
                             "html_url": "https://github.com/acme/wine/actions/runs/98",
                             "pull_requests": pull_requests}}


def results_file(tmp_path: Path, pull_request: object = PR) -> Path:
    report = representative_report()
    data = report.to_dict()
    data["environment"]["pull_request"] = pull_request
    path = tmp_path / "artifact" / "results.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_publish_posts_a_forks_results_on_the_pr_that_was_tested(tmp_path: Path, fake: FakeGithub) -> None:
    fake.pulls[PR] = HEAD_SHA
    results = results_file(tmp_path)
    env = github_env(tmp_path, fake, workflow_run_event([]), event_name="workflow_run")
    result = cli("publish", str(results), "--commit-status", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    [comment] = fake.ours(PR)
    assert comment["body"].startswith("<!-- mlsmoke:ML smoke checks -->")
    assert outputs(tmp_path)["comment-url"] == comment["html_url"]
    [status] = fake.statuses
    assert status["sha"] == HEAD_SHA and status["state"] == "failure"
    assert status["target_url"] == "https://github.com/acme/wine/actions/runs/98"
    assert (tmp_path / "mlsmoke-out" / "report.md").is_file()


def test_publish_refuses_a_pr_whose_head_is_another_commit(tmp_path: Path, fake: FakeGithub) -> None:
    fake.pulls[PR] = "d" * 40  # the artifact names a PR the tested commit does not belong to
    results = results_file(tmp_path)
    env = github_env(tmp_path, fake, workflow_run_event([]), event_name="workflow_run")
    result = cli("publish", str(results), cwd=tmp_path, env=env)
    assert result.returncode == 0
    assert f"::warning::mlsmoke: PR #{PR} does not have head commit {HEAD_SHA}" in result.stdout
    assert fake.comments == {}
    assert "ML smoke checks" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_publish_uses_the_events_pr_for_a_same_repository_branch(tmp_path: Path, fake: FakeGithub) -> None:
    results = results_file(tmp_path, pull_request="not a number")
    env = github_env(tmp_path, fake, workflow_run_event([{"number": PR}]), event_name="workflow_run")
    result = cli("publish", str(results), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake.calls("GET", "pulls/get") == []
    assert len(fake.ours(PR)) == 1


def test_publish_outside_github_actions_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("publish", str(results_file(tmp_path)), cwd=tmp_path, env={"GITHUB_ACTIONS": ""})
    assert result.returncode == 2
    assert "runs inside GitHub Actions" in result.stderr


def test_publish_rejects_a_file_that_is_not_results(tmp_path: Path) -> None:
    bogus = tmp_path / "results.json"
    bogus.write_text('{"schema_version": 99}', encoding="utf-8")
    result = cli("publish", str(bogus), cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 2
    assert "is not an mlsmoke results file" in result.stderr
