"""The action end to end: a workflow that `uses:` it runs under act (host executor) with the
real checker image and Docker engine, publishing to the fake GitHub API.

A PR with a seeded data fault fails the job with exactly one comment and `status=fail`; the
fixed PR passes and updates that same comment; the token never shows in the runner's log.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e.act_cache import seed_action_cache
from e2e.action_files import commit_all, copy_action
from integration.actions_env import FAULTY_ROWS, GOOD_ROWS, wine_project
from integration.fake_github import FakeGithub

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

TOKEN = "ghs_e2eSecretToken0123456789abcdefXYZ"
PR = 7
HEAD_SHA = "c" * 40
ACT_TIMEOUT_S = 150
# A pull_request job up to its checkout of E2E_SOURCE: the start of every PR workflow here.
PR_JOB_HEAD = """\
name: smoke
on: pull_request
permissions:
  contents: read
  pull-requests: write
jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - name: Check out (a copy of the test repository; this machine has no network)
        env:
          SOURCE: ${{ env.E2E_SOURCE }}
        run: cp -a "$SOURCE/." "$GITHUB_WORKSPACE/"
"""
WORKFLOW = PR_JOB_HEAD + """\
      - name: mlsmoke
        id: mlsmoke
        uses: ./
        with:
          image: ${{ env.E2E_IMAGE }}
          image-registry: ${{ env.E2E_IMAGE_REGISTRY }}
          base-image: ${{ env.E2E_BASE_IMAGE }}
          working-directory: project
      - name: Show the outputs
        if: always()
        env:
          STATUS: ${{ steps.mlsmoke.outputs.status }}
          FAILED: ${{ steps.mlsmoke.outputs.failed }}
          COMMENT_URL: ${{ steps.mlsmoke.outputs.comment-url }}
        run: echo "outputs status=$STATUS failed=$FAILED comment-url=$COMMENT_URL"
"""


@dataclass(frozen=True)
class ActRun:
    returncode: int
    log: str

    @property
    def outputs(self) -> dict[str, str]:
        line = next(line for line in self.log.splitlines() if "| outputs status=" in line)
        return dict(part.split("=", 1) for part in line.split("| outputs ", 1)[1].split())


class ScratchRepository:
    def __init__(self, root: Path, fake: FakeGithub, image: str):
        self.root, self.fake, self.image = root, fake, image
        self.source = root / "source"
        self.source.mkdir(parents=True)
        copy_action(self.source)
        workflows = self.source / ".github" / "workflows"
        workflows.mkdir(parents=True)
        (workflows / "smoke.yml").write_text(WORKFLOW, encoding="utf-8")
        event = {"pull_request": {"number": PR, "head": {"sha": HEAD_SHA, "ref": "fix"},
                                  "base": {"ref": "main"}}, "number": PR}
        (root / "event.json").write_text(json.dumps(event), encoding="utf-8")
        seed_action_cache(root / "act-cache")

    def push(self, rows: str) -> None:
        wine_project(self.source / "project", rows)
        commit_all(self.source, "fix", "push")

    def act(self, timeout_s: int = ACT_TIMEOUT_S, **env: str) -> ActRun:
        """Run the workflow; `env` adds variables (E2E_IMAGE="" makes the action choose its image)."""
        command = [
            "act", "pull_request", "-W", ".github/workflows/smoke.yml",
            "-P", "ubuntu-latest=-self-hosted", "-e", str(self.root / "event.json"),
            "--action-offline-mode", "--action-cache-path", str(self.root / "act-cache"),
            "--env", f"GITHUB_API_URL={self.fake.url}", "--env", f"GITHUB_REPOSITORY={self.fake.repository}",
            "--env", f"E2E_SOURCE={self.source}", "--env", f"E2E_IMAGE={self.image}",
            *(part for name, value in env.items() for part in ("--env", f"{name}={value}")),
            "-s", "GITHUB_TOKEN",  # the value comes from act's environment, not its command line
        ]
        env = {**os.environ, "GITHUB_TOKEN": TOKEN}
        result = subprocess.run(command, cwd=self.source, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout_s)
        return ActRun(result.returncode, result.stdout + result.stderr)


@pytest.fixture
def repository(tmp_path: Path, image: str) -> Iterator[ScratchRepository]:
    fake = FakeGithub(TOKEN)
    with fake.running():
        yield ScratchRepository(tmp_path, fake, image)
    assert fake.problems == []


def test_a_failing_pr_then_its_fix_keep_one_updated_comment(repository: ScratchRepository) -> None:
    fake = repository.fake
    repository.push(FAULTY_ROWS)
    failing = repository.act()
    assert failing.returncode != 0, failing.log
    assert "Job failed" in failing.log
    assert failing.outputs["status"] == "fail", failing.log
    [comment] = fake.ours(PR)
    assert failing.outputs["comment-url"] == comment["html_url"]
    assert "data.ranges" in comment["body"] and "Wine smoke: failed" in comment["body"]
    assert TOKEN not in failing.log
    # the annotation points at the offending row, relative to the repository root
    assert "::error file=project/data/sample.csv,line=3,title=mlsmoke data.ranges::" in failing.log
    # the output folder is uploaded although the checks failed, and the comment points to it
    assert "upload name=mlsmoke-results path=project/mlsmoke-out" in failing.log
    assert "uploaded project/mlsmoke-out/results.json" in failing.log
    assert "uploaded project/mlsmoke-out/failing-rows/" in failing.log
    assert "see the mlsmoke-results artifact of [this run](" in comment["body"]

    repository.push(GOOD_ROWS)
    fixed = repository.act()
    assert fixed.returncode == 0, fixed.log
    assert "Job succeeded" in fixed.log  # the upload stand-in failed: the outcome is the checks'
    assert "upload name=mlsmoke-results path=project/mlsmoke-out" in fixed.log
    assert fixed.outputs == {"status": "pass", "failed": "0", "comment-url": comment["html_url"]}
    assert [c["id"] for c in fake.ours(PR)] == [comment["id"]]
    assert "Wine smoke: passed" in fake.ours(PR)[0]["body"]
    assert len(fake.calls("POST", "issues/create-comment")) == 1
    assert len(fake.calls("PATCH", "issues/update-comment")) == 1
    assert TOKEN not in fixed.log
