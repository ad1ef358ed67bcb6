"""`mlsmoke init`: a starter config that validates, with a contract inferred from the data found,
and a workflow that uses the action; existing files are kept unless forced."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from checker.config.load import load_config
from checker.errors import UsageError
from checker.init.starter import write_post_deploy, write_starter
from checker.results.model import Status
from tests.helpers import REPO, run_check

HAVE_DATA_CHECKS = importlib.util.find_spec("checker.checks.data.family") is not None
SAMPLE = "wine_id,pH,color\n1,3.2,red\n2,3.5,white\n3,2.9,red\n4,3.4,white\n"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_starter_with_data_infers_a_contract_that_validates(tmp_path: Path) -> None:
    folder = project(tmp_path, {"data/wine-quality.csv": SAMPLE, "data/zzz.csv": "other\n1\n"})
    written = write_starter(folder, force=False, data_glob=None)
    assert written == [folder / "mlsmoke.yml", folder / ".github/workflows/mlsmoke.yml"]
    config = load_config(folder / "mlsmoke.yml", {}).config
    assert list(config.contracts) == ["wine_quality"]
    contract = config.contract("wine_quality")
    assert contract.columns["wine_id"].unique
    assert contract.columns["color"].allowed == ["red", "white"]
    assert [(d.contract, d.files) for d in config.data] == [("wine_quality", ["data/wine-quality.csv"])]
    text = (folder / "mlsmoke.yml").read_text()
    assert "inferred from data/wine-quality.csv" in text
    assert "# pipeline:" in text and "# endpoint:" in text  # the other sections, commented


def test_starter_without_data_is_a_commented_template(tmp_path: Path) -> None:
    write_starter(tmp_path, force=False, data_glob=None)
    loaded = load_config(tmp_path / "mlsmoke.yml", {})
    assert loaded.config.contracts == {} and loaded.config.data == []
    text = (tmp_path / "mlsmoke.yml").read_text()
    assert "# contracts:" in text and "mlsmoke infer" in text
    lines = text.splitlines()
    start = lines.index("# contracts:")
    example = [line.removeprefix("# ") for line in lines[start:lines.index("#", start)]]
    assert yaml.safe_load("\n".join(example))["contracts"]["train"]["columns"]  # uncommented, it parses


def test_data_glob_infers_from_every_matching_file(tmp_path: Path) -> None:
    folder = project(tmp_path, {"samples/a.csv": "x\n1\n2\n", "samples/b.csv": "x\n40\n50\n"})
    write_starter(folder, force=False, data_glob="samples/*.csv")
    config = load_config(folder / "mlsmoke.yml", {}).config
    assert config.contract("a").columns["x"].max == 55
    assert config.data[0].files == ["samples/*.csv"]


@pytest.mark.parametrize(("glob", "message"), [
    ("nothing/*.csv", "no CSV, Parquet or JSON Lines file matches"),
    ("../*.csv", "must be inside"),
])
def test_bad_data_globs_are_usage_errors(tmp_path: Path, glob: str, message: str) -> None:
    folder = project(tmp_path / "repo", {"x.txt": "x"})
    (tmp_path / "outside.csv").write_text("x\n1\n")
    with pytest.raises(UsageError, match=message):
        write_starter(folder, force=False, data_glob=glob)
    assert not (folder / "mlsmoke.yml").exists()


def test_existing_files_are_kept_unless_forced(tmp_path: Path) -> None:
    folder = project(tmp_path, {".github/workflows/mlsmoke.yml": "mine\n"})
    with pytest.raises(UsageError, match=r"\.github/workflows/mlsmoke\.yml already exists: use --force"):
        write_starter(folder, force=False, data_glob=None)
    assert (folder / ".github/workflows/mlsmoke.yml").read_text() == "mine\n"
    assert not (folder / "mlsmoke.yml").exists()
    write_starter(folder, force=True, data_glob=None)
    assert "mlsmoke/mlsmoke@v1" in (folder / ".github/workflows/mlsmoke.yml").read_text()


def test_workflow_uses_the_action_with_comment_permission(tmp_path: Path) -> None:
    write_starter(tmp_path, force=False, data_glob=None)
    workflow_path = tmp_path / ".github/workflows/mlsmoke.yml"
    workflow = yaml.safe_load(workflow_path.read_text())
    assert workflow["permissions"]["pull-requests"] == "write"
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["smoke"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    action = next(step for step in steps if step["uses"].startswith("mlsmoke/"))
    assert action["uses"] == "mlsmoke/mlsmoke@v1"
    assert action["with"]["config"] == "mlsmoke.yml"


def test_templates_ship_as_package_data() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    assert re.search(r'\[tool\.setuptools\.package-data\]\s*checker = \[[^]]*"init/templates/\*"', pyproject)
    assert sorted(p.name for p in (REPO / "checker/init/templates").iterdir()) == [
        "mlsmoke.yml.j2", "post-deploy.yml", "workflow.yml"]


@pytest.mark.skipif(not HAVE_DATA_CHECKS, reason="checker.checks.data.family is not on this branch yet")
def test_the_starter_data_checks_pass_on_the_data_they_came_from(tmp_path: Path) -> None:
    folder = project(tmp_path, {"data/wine.csv": SAMPLE})
    write_starter(folder, force=False, data_glob=None)
    results = [r for r in run_check(folder / "mlsmoke.yml", "data") if r.id != "data.compatibility"]
    assert results and all(r.status is Status.PASS for r in results), [r.to_dict() for r in results]


def test_post_deploy_writes_only_its_workflow_with_minimal_permissions(tmp_path: Path) -> None:
    written = write_post_deploy(tmp_path, force=False)
    assert written == [tmp_path / ".github/workflows/mlsmoke-post-deploy.yml"]
    assert not (tmp_path / "mlsmoke.yml").exists()  # the project's own config is used
    workflow = yaml.safe_load((tmp_path / ".github/workflows/mlsmoke-post-deploy.yml").read_text())
    assert workflow[True] == {"deployment_status": None}  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {"contents": "read", "deployments": "write", "statuses": "write",
                                       "pull-requests": "write"}
    job = workflow["jobs"]["smoke"]
    assert job["if"] == "github.event.deployment_status.state == 'success'"
    action = next(step for step in job["steps"] if step.get("uses", "").startswith("mlsmoke/"))
    assert action["with"] == {"config": "mlsmoke.yml", "checks": "endpoint", "commit-status": True,
                              "artifact-name": "mlsmoke-post-deploy-report"}


def test_post_deploy_keeps_an_existing_workflow_unless_forced(tmp_path: Path) -> None:
    folder = project(tmp_path, {".github/workflows/mlsmoke-post-deploy.yml": "mine\n", "mlsmoke.yml": "x\n"})
    with pytest.raises(UsageError, match=r"mlsmoke-post-deploy\.yml already exists: use --force"):
        write_post_deploy(folder, force=False)
    write_post_deploy(folder, force=True)
    assert "deployment_status" in (folder / ".github/workflows/mlsmoke-post-deploy.yml").read_text()
    assert (folder / "mlsmoke.yml").read_text() == "x\n"


def test_the_readme_shows_the_post_deploy_workflow_that_init_writes(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## After deploy"):]
    shown = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert shown, "README.md's After deploy section shows no workflow"
    [written] = write_post_deploy(tmp_path, force=False)
    assert yaml.safe_load(shown.group(1)) == yaml.safe_load(written.read_text(encoding="utf-8"))
