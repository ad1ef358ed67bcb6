"""`runner: python` end to end: a workflow that `uses:` the action with the Docker-free mode runs
under act's host executor on the wine-quality example (data and pipeline families). The job's
Python comes first on PATH the way actions/setup-python puts it there (`$GITHUB_PATH`), and the
pipeline runs in it. The example passes and comments; a seeded data fault fails the job."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from e2e.act_cache import seed_action_cache
from e2e.action_files import commit_all, copy_action
from e2e.test_action import PR_JOB_HEAD
from helpers import REPO
from integration.actions_env import python_runner_cache
from integration.fake_github import FakeGithub
from user_env import user_venv

pytestmark = pytest.mark.e2e

TOKEN = "ghs_e2ePythonRunner0123456789abcdefXYZ"
PR = 9
ACT_TIMEOUT_S = 900  # the first run installs the checker with pip
WORKFLOW = PR_JOB_HEAD + """\
      - name: Set up Python (as actions/setup-python does, through GITHUB_PATH)
        env:
          PYTHON_BIN: ${{ env.E2E_PYTHON_BIN }}
        run: echo "$PYTHON_BIN" >> "$GITHUB_PATH"
      - name: mlsmoke
        id: mlsmoke
        uses: ./
        with:
          runner: python
          checks: data,pipeline
          working-directory: project
      - name: Show the outputs
        if: always()
        env:
          STATUS: ${{ steps.mlsmoke.outputs.status }}
        run: echo "outputs status=$STATUS"
"""


def act_run(tmp_path: Path, fake: FakeGithub, fault: bool) -> subprocess.CompletedProcess[str]:
    if shutil.which("act") is None:
        (pytest.fail if os.environ.get("MLSMOKE_REQUIRE_DOCKER") == "1" else pytest.skip)(
            "act is not installed")
    source = tmp_path / "source"
    copy_action(source)
    shutil.copytree(REPO / "examples" / "wine-quality", source / "project",
                    ignore=shutil.ignore_patterns(".venv", "mlsmoke-out"))
    if fault:  # the first wine's alcohol, 14.23, beyond the contract's 15.5
        data = source / "project" / "data" / "wine.csv"
        data.write_text(data.read_text().replace("1,14.23,", "1,41.23,", 1))
    (source / ".github" / "workflows").mkdir(parents=True)
    (source / ".github" / "workflows" / "smoke.yml").write_text(WORKFLOW, encoding="utf-8")
    commit_all(source, "fix", "push")
    event = {"pull_request": {"number": PR, "head": {"sha": "d" * 40, "ref": "fix"},
                              "base": {"ref": "main"}}, "number": PR}
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    command = [
        "act", "pull_request", "-W", ".github/workflows/smoke.yml", "-P", "ubuntu-latest=-self-hosted",
        "-e", str(tmp_path / "event.json"), "--action-offline-mode",
        "--action-cache-path", str(seed_action_cache(tmp_path / "act-cache")),
        "--env", f"GITHUB_API_URL={fake.url}", "--env", f"GITHUB_REPOSITORY={fake.repository}",
        "--env", f"E2E_SOURCE={source}", "--env", f"E2E_PYTHON_BIN={user_venv() / 'bin'}",
        "--env", f"MLSMOKE_CACHE_DIR={python_runner_cache()}", "-s", "GITHUB_TOKEN",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"GITHUB_TOKEN": TOKEN}
    return subprocess.run(command, cwd=source, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=ACT_TIMEOUT_S)


@pytest.mark.timeout(ACT_TIMEOUT_S + 60)
@pytest.mark.parametrize("fault", [False, True], ids=["example-passes", "seeded-fault-fails"])
def test_runner_python_under_act_on_the_example(tmp_path: Path, fault: bool) -> None:
    fake = FakeGithub(TOKEN)
    with fake.running():
        done = act_run(tmp_path, fake, fault)
    log = done.stdout + done.stderr
    assert fake.problems == []
    assert TOKEN not in log
    assert "runner: python" in log and "checks took" in log
    [comment] = fake.ours(PR)
    if fault:
        assert done.returncode != 0, log
        assert "outputs status=fail" in log
        assert "data.ranges" in comment["body"]
    else:
        assert done.returncode == 0, log
        assert "outputs status=pass" in log
        assert "Pipeline (9 passed)" in comment["body"]  # trained and probed in the job's Python
        assert "ML smoke checks: passed" in comment["body"]
