"""checker.checks.pipeline.scratch and .commands: the scratch copy and the commands run in it."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from checker.checks.pipeline.commands import data_format, placeholders, resolve_python, user_environ
from checker.checks.pipeline.scratch import scratch_copy
from checker.config.schema import Pipeline
from checker.shape import ValidationError


def _project(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "train.py").write_text("print(1)")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr")
    (root / "src" / "__pycache__").mkdir()
    (root / "mlsmoke-out").mkdir()
    (root / "mlsmoke-out" / "report.md").write_text("old")
    return root


def test_scratch_copy_holds_the_project_without_vcs_venvs_caches_or_output(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    with scratch_copy(project, exclude=(project / "mlsmoke-out",)) as scratch:
        assert (scratch.work / "src" / "train.py").read_text() == "print(1)"
        for skipped in (".git", ".venv", "src/__pycache__", "mlsmoke-out"):
            assert not (scratch.work / skipped).exists(), skipped
        assert scratch.out.is_dir()
        root = scratch.root
        (scratch.work / "src" / "train.py").write_text("changed")
    assert not root.exists()
    assert (project / "src" / "train.py").read_text() == "print(1)"


def test_scratch_space_is_removed_when_the_body_raises(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    with pytest.raises(RuntimeError), scratch_copy(project) as scratch:
        root = scratch.root
        raise RuntimeError("boom")
    assert not root.exists()


def _pipeline(**extra: object) -> Pipeline:
    return Pipeline.model_validate({"contract": "c", "command": "python train.py", **extra})


def test_data_format_and_location(tmp_path: Path) -> None:
    with scratch_copy(_project(tmp_path / "p")) as scratch:
        assert data_format(_pipeline()) == "parquet"
        assert placeholders(_pipeline(), scratch, "py").data == scratch.root / "data" / "synthetic.parquet"
        csv = _pipeline(data_path="data/train.csv")
        assert data_format(csv) == "csv"
        assert placeholders(csv, scratch, "py").data == scratch.work / "data" / "train.csv"
        assert data_format(_pipeline(data_path="in.parquet", data_format="jsonl")) == "jsonl"


@pytest.mark.parametrize("bad", ["/etc/data.csv", "../outside.csv", "data/"])
def test_data_path_must_stay_inside_the_project(bad: str) -> None:
    with pytest.raises(ValidationError, match="data_path"):
        _pipeline(data_path=bad)


def test_commands_quote_substituted_paths(tmp_path: Path) -> None:
    with scratch_copy(_project(tmp_path / "with space")) as scratch:
        values = placeholders(_pipeline(), scratch, "/opt/my python/bin/python")
        shell, flag, command = values.command("{python} train.py --data {data} --out {out}")
        assert (shell, flag) == ("/bin/sh", "-c")
        assert shlex.split(command) == ["/opt/my python/bin/python", "train.py", "--data", str(values.data),
                                        "--out", str(scratch.out)]
        assert values.path("{out}/model.joblib", scratch.work) == scratch.out / "model.joblib"
        assert values.path("models/m.pkl", scratch.work) == scratch.work / "models" / "m.pkl"


def test_resolve_python_from_path_or_project(tmp_path: Path) -> None:
    (tmp_path / "env" / "bin").mkdir(parents=True)
    python = tmp_path / "env" / "bin" / "python"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    assert resolve_python("env/bin/python", tmp_path, {}) == str(python)
    assert resolve_python("python", tmp_path, {"PATH": str(python.parent)}) == str(python)
    assert resolve_python("no-such-python", tmp_path, {"PATH": str(python.parent)}) is None


def test_user_environ_puts_a_venv_interpreter_first_on_path(tmp_path: Path) -> None:
    pipeline = _pipeline(python=".venv/bin/python", env={"EXTRA": "1"})
    with scratch_copy(_project(tmp_path / "p")) as scratch:
        values = placeholders(pipeline, scratch, "/p/.venv/bin/python")
        env = user_environ(pipeline, {"PATH": "/usr/bin"}, "/p/.venv/bin/python", values, 7)
    assert env["PATH"] == "/p/.venv/bin:/usr/bin"
    assert env["EXTRA"] == "1" and env["MLSMOKE_SEED"] == "7" and env["MLSMOKE_OUT"] == str(values.out)


def test_user_environ_leaves_out_the_jobs_github_credentials(tmp_path: Path) -> None:
    pipeline = _pipeline()
    job = {"PATH": "/usr/bin", "GITHUB_TOKEN": "ghs_job_token", "INPUT_GITHUB-TOKEN": "ghs_job_token",
           "ACTIONS_RUNTIME_TOKEN": "runtime", "GITHUB_REPOSITORY": "o/r"}
    with scratch_copy(_project(tmp_path / "p")) as scratch:
        values = placeholders(pipeline, scratch, "/usr/bin/python3")
        env = user_environ(pipeline, job, "/usr/bin/python3", values, 7)
    assert "ghs_job_token" not in env.values() and "runtime" not in env.values()
    assert env["GITHUB_REPOSITORY"] == "o/r"


def test_a_pipeline_can_still_pass_a_token_explicitly(tmp_path: Path) -> None:
    pipeline = _pipeline(env={"GITHUB_TOKEN": "chosen"})
    with scratch_copy(_project(tmp_path / "p")) as scratch:
        values = placeholders(pipeline, scratch, "/usr/bin/python3")
        env = user_environ(pipeline, {"GITHUB_TOKEN": "ghs_job_token"}, "/usr/bin/python3", values, 7)
    assert env["GITHUB_TOKEN"] == "chosen"
