"""`runner: python`, the action's Docker-free mode: action/run.sh with MLSMOKE_RUNNER=python
really installs the checker with pip into a cached virtual environment and runs it on the
project with the job's Python, with the same outputs as the image."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from helpers import REPO
from integration.actions_env import FAULTY_ROWS, GOOD_ROWS, python_runner_cache, wine_project

INSTALL_TIMEOUT_S = 900
CONSTRAINTS = REPO / "container-image" / "constraints.txt"
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "click", "jinja2")  # a sample of the pins


def run_action(tmp_path: Path, rows: str, **inputs: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    project = wine_project(tmp_path / "workspace" / "project", rows)
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    output.touch()
    summary.touch()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MLSMOKE_"))},
           "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path / "workspace"),
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
           "MLSMOKE_ACTION_PATH": str(REPO), "MLSMOKE_RUNNER": "python",
           "MLSMOKE_CACHE_DIR": str(python_runner_cache()), "MLSMOKE_CONFIG": "mlsmoke.yml",
           "MLSMOKE_COMMENT": "false", "MLSMOKE_COMMIT_STATUS": "false",
           **{f"MLSMOKE_{k.upper()}": v for k, v in inputs.items()}}
    done = subprocess.run(["bash", str(REPO / "action" / "run.sh")], cwd=project, env=env,
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
    return done, output


def outputs(output: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()
                if "=" in line)


@pytest.mark.timeout(INSTALL_TIMEOUT_S * 2)
def test_a_good_project_passes_and_the_install_is_reused(tmp_path: Path) -> None:
    first, output = run_action(tmp_path / "one", GOOD_ROWS)
    assert first.returncode == 0, first.stdout + first.stderr
    assert outputs(output)["status"] == "pass"
    assert "checker ready in" in first.stdout and "checks took" in first.stdout
    again, _ = run_action(tmp_path / "two", GOOD_ROWS)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using the cached checker environment" in again.stdout
    assert "Install mlsmoke" not in again.stdout


@pytest.mark.timeout(INSTALL_TIMEOUT_S)
def test_a_seeded_fault_fails_the_job_with_the_same_outputs_as_the_image(tmp_path: Path) -> None:
    done, output = run_action(tmp_path, FAULTY_ROWS)
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs(output)["status"] == "fail"
    assert "data.ranges" in done.stdout
    report = (tmp_path / "workspace" / "project" / "mlsmoke-out" / "report.md").read_text()
    assert "15.2" in report
    assert "data.ranges" in (tmp_path / "summary.md").read_text()  # the job summary, as in the image


def test_an_unknown_runner_is_a_usage_error(tmp_path: Path) -> None:
    done, _ = run_action(tmp_path, GOOD_ROWS, runner="podman")
    assert done.returncode == 2
    assert "runner must be docker or python, not 'podman'" in done.stdout


def test_without_a_python_on_path_the_error_says_what_to_add(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # bash and the tools the script needs, but no python
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "mkdir", "mktemp", "rm", "sleep", "touch"):
        found = subprocess.run(["bash", "-c", f"command -v {tool}"], capture_output=True, text=True)
        if found.returncode == 0:
            (bin_dir / tool).symlink_to(found.stdout.strip())
    project = wine_project(tmp_path / "project", GOOD_ROWS)
    env = {"PATH": str(bin_dir), "MLSMOKE_ACTION_PATH": str(REPO), "MLSMOKE_RUNNER": "python",
           "HOME": str(tmp_path)}
    done = subprocess.run([str(bin_dir / "bash"), str(REPO / "action" / "run.sh")], cwd=project,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "needs a Python 3.11+ on PATH (add actions/setup-python)" in done.stdout


def _planted(cache: Path, name: str, days_unused: float, *, locked: bool = False) -> Path:
    """A cached checker environment that no job used for `days_unused` days."""
    import time

    venv = cache / name
    venv.mkdir(parents=True)
    for marker in (".complete", ".used"):
        (venv / marker).touch()
        then = time.time() - days_unused * 86400
        os.utime(venv / marker, (then, then))
    if locked:
        (cache / f"{name}.lock").mkdir()
    return venv


@pytest.mark.timeout(INSTALL_TIMEOUT_S)
def test_environments_unused_for_a_week_are_removed_and_the_others_kept(tmp_path: Path) -> None:
    import shutil

    cache = python_runner_cache()
    planted = {"old": _planted(cache, "venv-0.0.1-py3.11-000000000old", days_unused=10),
               "recent": _planted(cache, "venv-0.0.2-py3.11-00000recent", days_unused=2),
               "installing": _planted(cache, "venv-0.0.3-py3.11-installing", days_unused=10, locked=True)}
    try:
        done, _ = run_action(tmp_path, GOOD_ROWS)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not planted["old"].exists()
        assert f"removed {planted['old']}, unused for more than 7 days" in done.stdout
        assert planted["recent"].exists() and planted["installing"].exists()  # the twins: kept
        again, _ = run_action(tmp_path / "again", GOOD_ROWS)  # its own environment is kept and used
        assert "using the cached checker environment" in again.stdout
    finally:
        for venv in planted.values():
            shutil.rmtree(venv, ignore_errors=True)
            shutil.rmtree(f"{venv}.lock", ignore_errors=True)


def _pins() -> dict[str, str]:
    lines = (line.split("#", 1)[0].strip() for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines())
    return {name.lower(): version for name, version in (line.split("==") for line in lines if "==" in line)}


def _installed(log: str) -> dict[str, str]:
    """The versions of LIBRARIES in the checker environment the action's log names."""
    venv = re.search(r"(?:Install mlsmoke \S+ into|using the cached checker environment) (\S+)", log)
    assert venv, log
    python = next(Path(venv.group(1)).glob("*/python"))  # bin/ (Scripts/ on Windows)
    code = ("import importlib.metadata as m, json; "
            f"print(json.dumps({{n: m.version(n) for n in {LIBRARIES!r}}}))")
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def _python_310() -> str | None:
    import shutil

    pyenv = Path.home().glob(".pyenv/versions/3.10*/bin/python3.10")
    for candidate in filter(None, [shutil.which("python3.10"), *map(str, pyenv)]):
        version = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
                                 capture_output=True, text=True, timeout=30)
        if version.stdout.strip() == "True":
            return candidate
    return None


@pytest.mark.timeout(INSTALL_TIMEOUT_S)
def test_the_checker_gets_the_checker_images_versions(tmp_path: Path) -> None:
    done, _ = run_action(tmp_path, GOOD_ROWS)
    assert done.returncode == 0, done.stdout + done.stderr
    pins = _pins()
    assert _installed(done.stdout) == {name: pins[name] for name in LIBRARIES}
    if "Install mlsmoke" in done.stdout:  # not a cached environment
        assert "the checker's libraries are the checker image's versions" in done.stdout


@pytest.mark.timeout(INSTALL_TIMEOUT_S)
def test_where_the_images_versions_do_not_install_the_newest_allowed_are_taken(tmp_path: Path) -> None:
    """The action's own files with one pin no release has: the constrained install fails, the
    unconstrained one runs the checks."""
    import shutil

    action = tmp_path / "action-copy"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in ("action", "checker", "container-image"):
        shutil.copytree(REPO / part, action / part, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, action / name)
    constraints = action / "container-image" / "constraints.txt"
    constraints.write_text(constraints.read_text(encoding="utf-8").replace("click==", "click==0.0.1\n# was "),
                           encoding="utf-8")
    done, output = run_action(tmp_path, GOOD_ROWS, action_path=str(action), cache_dir=str(tmp_path / "cache"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs(output)["status"] == "pass"
    assert "the checker image's versions do not install on Python" in done.stdout
    assert "installing the newest that the checker allows" in done.stdout
    assert _installed(done.stdout)["click"].startswith("8.")  # what pyproject.toml allows, not the pin


def test_a_python_older_than_3_11_is_refused_with_what_to_set(tmp_path: Path) -> None:
    python = _python_310()
    if python is None:
        pytest.skip("no Python 3.10 here to be refused")
    done, _ = run_action(tmp_path, GOOD_ROWS, python=python, cache_dir=str(tmp_path / "cache"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert (f"::error title=mlsmoke::runner: python needs Python 3.11 or newer; {python} is Python 3.10"
            in done.stdout)
    assert not (tmp_path / "cache").exists()  # nothing installed
