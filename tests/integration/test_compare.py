"""Deltas against the base branch, end to end: the base run's `--out` uploaded as the
`mlsmoke-results` artifact of a push to main, found and downloaded by the pull request's run
from the fake GitHub (listing, expiry, pagination, the 302 to a storage URL fetched without
the token), against a real HTTP model server whose answers are slower on the PR."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from fake_model_server import Behavior, serving
from helpers import cli_in_process, write_config
from integration.actions_env import HEAD_SHA, PR, TOKEN, github_env, pr_event
from integration.fake_artifacts import FORK_ID, FakeGithubArtifacts, results_zip, zipped
from real_servers import CONTRACT, FEATURES

from checker.github import artifacts
from checker.github.api import GithubClient, RetryPolicy

OWNER_REPO = ("acme", "wine")
FAST = RetryPolicy(attempts=2, backoff_s=0.01, max_wait_s=0.1, timeout_s=5)


@pytest.fixture
def github() -> Iterator[FakeGithubArtifacts]:
    server = FakeGithubArtifacts(TOKEN, per_page_max=2)
    with server.running():
        yield server
    assert server.problems == [], "requests that GitHub's API description rejects"
    assert server.storage.problems == []


def project(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    endpoint = {"name": "model", "url": url, "protocol": "mlflow", "contract": "wine", "rows": 2,
                "requests": 10, "concurrency": 1, "request_timeout": "3s",
                "health": {"path": "/health", "timeout": "3s"}}
    body = {"version": 1, "contracts": CONTRACT, "endpoint": endpoint,
            "compare": {"latency": {"p95_increase_max": "25%"}}}
    return write_config(folder, yaml.safe_dump(body, sort_keys=False))


def run(folder: Path, env: dict[str, str]) -> tuple[int, dict, str]:
    done = cli_in_process("run", "--no-publish", cwd=folder, env=env)
    out = folder / "mlsmoke-out"
    return (done.returncode, json.loads((out / "results.json").read_text(encoding="utf-8")),
            (out / "report.md").read_text(encoding="utf-8"))


def check(results: dict, check_id: str) -> dict:
    [found] = [c for c in results["checks"] if c["id"] == check_id]
    return found


def base_artifact(tmp_path: Path, github: FakeGithubArtifacts, delay_s: float) -> None:
    """A push to main: its run (no pull request, so nothing to compare) uploads --out."""
    with serving(Behavior(columns=FEATURES, delay_s=delay_s)) as url:
        folder = project(tmp_path / "base", url).parent
        env = github_env(tmp_path / "base", github, {"ref": "refs/heads/main"}, event_name="push")
        code, results, _ = run(folder, env)
    assert code == 0
    assert check(results, "compare.latency")["status"] == "skip"
    assert "not a pull request" in results["compare"]["skipped"]
    archive = zipped({"results.json": (folder / "mlsmoke-out" / "results.json").read_bytes(),
                      "report.md": (folder / "mlsmoke-out" / "report.md").read_bytes()})
    github.add_artifact(archive, branch="main", head_sha="e" * 40)


def pr_run(tmp_path: Path, github: FakeGithubArtifacts, delay_s: float) -> tuple[int, dict, str]:
    with serving(Behavior(columns=FEATURES, delay_s=delay_s)) as url:
        folder = project(tmp_path / "pr", url).parent
        return run(folder, github_env(tmp_path / "pr", github, pr_event()))


def test_a_pr_that_slows_the_endpoint_by_half_fails_compare_latency(tmp_path: Path,
                                                                    github: FakeGithubArtifacts) -> None:
    base_artifact(tmp_path, github, delay_s=0.1)
    code, results, report = pr_run(tmp_path, github, delay_s=0.15)
    assert code == 1
    latency = check(results, "compare.latency")
    assert latency["status"] == "fail" and latency["subject"] == "model", latency
    assert latency["evidence"]["p95_ms"]["delta_pct"] > 25
    assert results["compare"]["base"]["commit"] == "e" * 40
    assert results["compare"]["base"]["run_url"].endswith("/acme/wine/actions/runs/9500")
    pair = results["compare"]["deltas"]["latency"]["model"]["p95_ms"]
    assert pair["head"] > pair["base"] * 1.25
    assert [e["id"] for e in results["compare"]["new"]] == ["compare.latency"]
    assert "### Compared with base (`eeeeeee" in report and "▲" in report
    assert "**New failures:** `compare.latency` (model)" in report
    # the 302's storage URL got the download, without the token
    assert len(github.storage.requests) == 1 and "authorization" not in github.storage.requests[0]


def test_the_fork_safe_publish_shows_the_comparison_the_first_workflow_made(
        tmp_path: Path, github: FakeGithubArtifacts) -> None:
    """`mlsmoke publish results.json` (the second, privileged workflow) downloads nothing: the
    comparison is the one in the results of the unprivileged run."""
    base_artifact(tmp_path, github, delay_s=0.05)
    code, _, _ = pr_run(tmp_path, github, delay_s=0.1)
    assert code == 1
    listed = len(github.calls("GET", "actions/list-artifacts-for-repo"))
    github.pulls[PR] = HEAD_SHA
    event = {"workflow_run": {"id": 99, "event": "pull_request", "head_sha": HEAD_SHA,
                              "html_url": "https://github.com/acme/wine/actions/runs/98",
                              "pull_requests": []}}
    results_path = tmp_path / "pr" / "mlsmoke-out" / "results.json"
    done = cli_in_process("publish", str(results_path), cwd=tmp_path,
                          env=github_env(tmp_path, github, event, event_name="workflow_run"))
    assert done.returncode == 0, done.stdout + done.stderr
    [comment] = github.ours(PR)
    assert "### Compared with base (`eeeeeee`" in comment["body"]
    assert "**New failures:** `compare.latency` (model)" in comment["body"]
    assert len(github.calls("GET", "actions/list-artifacts-for-repo")) == listed


def test_a_pr_as_fast_as_its_base_passes_compare_latency(tmp_path: Path, github: FakeGithubArtifacts) -> None:
    base_artifact(tmp_path, github, delay_s=0.1)
    code, results, report = pr_run(tmp_path, github, delay_s=0.1)
    assert code == 0, check(results, "compare.latency")
    assert check(results, "compare.latency")["status"] == "pass"
    assert results["compare"]["new"] == [] and "No new failures." in report


def test_a_base_without_an_artifact_is_a_clear_skip(tmp_path: Path, github: FakeGithubArtifacts) -> None:
    code, results, report = pr_run(tmp_path, github, delay_s=0.0)
    assert code == 0
    latency = check(results, "compare.latency")
    assert latency["status"] == "skip"
    assert "no unexpired artifact 'mlsmoke-results' from a run on 'main'" in latency["summary"]
    assert "⏭️ Not compared: no unexpired artifact" in report
    assert results["compare"]["skipped"] and results["compare"]["new"] == []


@pytest.mark.parametrize(("status", "said"), [(403, "actions: read"), (404, "HTTP 404")])
def test_a_token_that_may_not_list_artifacts_is_a_skip(tmp_path: Path, github: FakeGithubArtifacts,
                                                       status: int, said: str) -> None:
    github.add_artifact(results_zip("{}"))
    github.fail_next("GET", r"/actions/artifacts$", status)
    code, results, _ = pr_run(tmp_path, github, delay_s=0.0)
    assert code == 0
    assert said in results["compare"]["skipped"]
    assert check(results, "compare.latency")["status"] == "skip"


@pytest.mark.parametrize("archive", [b"not a zip", zipped({"other.json": "{}"}), results_zip("{not json"),
                                     results_zip({"schema_version": 1, "status": "maybe", "checks": []})],
                         ids=["not-a-zip", "no-results", "bad-json", "not-results"])
def test_a_damaged_artifact_is_a_skip_not_a_traceback(tmp_path: Path, github: FakeGithubArtifacts,
                                                      archive: bytes) -> None:
    github.add_artifact(archive)
    code, results, _ = pr_run(tmp_path, github, delay_s=0.0)
    assert code == 0
    assert results["compare"]["skipped"]
    assert check(results, "compare.latency")["status"] == "skip"


def client(github: FakeGithubArtifacts, token: str = TOKEN) -> GithubClient:
    return GithubClient(github.url, token, retry=FAST, sleep=lambda _s: None)


def test_the_newest_unexpired_artifact_of_the_base_branch_is_chosen(github: FakeGithubArtifacts) -> None:
    wanted = github.add_artifact(results_zip({"wanted": True}), day=3)
    github.add_artifact(results_zip({}), day=2)  # older
    github.add_artifact(results_zip({}), day=9, expired=True)
    github.add_artifact(results_zip({}), day=8, branch="feature")
    github.add_artifact(results_zip({}), day=7, head_repository_id=FORK_ID)  # a fork's own "main"
    github.add_artifact(results_zip({}), day=6, name="mlsmoke-report")
    found = artifacts.newest(client(github), OWNER_REPO, "mlsmoke-results", "main")
    assert found["id"] == wanted["id"]
    assert len(github.calls("GET", "actions/list-artifacts-for-repo")) == 3  # 5 listed, 2 a page
    got = artifacts.download(client(github), OWNER_REPO, found, 1e18, "https://github.com")
    assert json.loads(got.data) == {"wanted": True}
    assert got.run_url == f"https://github.com/acme/wine/actions/runs/{wanted['workflow_run']['id']}"


def test_only_expired_fork_or_other_branch_artifacts_are_none(github: FakeGithubArtifacts) -> None:
    github.add_artifact(results_zip({}), expired=True)
    github.add_artifact(results_zip({}), branch="feature")
    github.add_artifact(results_zip({}), head_repository_id=FORK_ID)
    with pytest.raises(artifacts.NoArtifactError, match="none uploaded yet, or they expired"):
        artifacts.newest(client(github), OWNER_REPO, "mlsmoke-results", "main")


def test_an_expired_download_is_gone(github: FakeGithubArtifacts) -> None:
    expired = github.add_artifact(results_zip({}), expired=True)
    with pytest.raises(artifacts.NoArtifactError, match=r"HTTP 410.*expired"):
        artifacts.download(client(github), OWNER_REPO, expired, 1e18, "https://github.com")


def test_the_storage_url_refuses_the_token(github: FakeGithubArtifacts) -> None:
    """The twin of the download test: sending the Authorization header there fails."""
    found = github.add_artifact(results_zip({}))
    location = client(github).request("GET", f"/repos/acme/wine/actions/artifacts/{found['id']}/zip",
                                      redirects=False).headers["Location"]
    assert requests.get(location, timeout=5).status_code == 200
    assert requests.get(location, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).status_code == 400
    github.storage.problems.clear()
