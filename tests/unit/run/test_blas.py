"""One OpenBLAS thread for mlsmoke's own numpy (checker/run/blas.py), and the user's
environment, not that setting, for what the checks run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import REPO, cli, write_config

from checker.run.blas import VARIABLE

THREADS = "import os; print(len(os.listdir('/proc/self/task')))"  # the threads this process has now


def _python(code: str, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != VARIABLE}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**environ, "PYTHONPATH": str(REPO), **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_asked_before_numpy_loads_openblas_starts_no_thread_and_the_checks_get_the_started_environ() -> None:
    printed = _python("from checker.run.blas import one_blas_thread, started_environ, VARIABLE\n"
                      "one_blas_thread()\nimport os, numpy\n"
                      "print(os.environ[VARIABLE], VARIABLE in started_environ())\n" + THREADS)
    assert printed == ["1", "False", "1"]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: OpenBLAS starts no thread of its own")
def test_without_it_openblas_starts_threads_as_numpy_loads() -> None:
    assert int(_python("import numpy\n" + THREADS)[0]) > 1


def test_a_number_the_user_set_is_kept_and_passed_on() -> None:
    printed = _python("from checker.run.blas import one_blas_thread, started_environ, VARIABLE\n"
                      "one_blas_thread()\nimport os\n"
                      "print(os.environ[VARIABLE], started_environ()[VARIABLE])",
                      **{VARIABLE: "3"})
    assert printed == ["3", "3"]


def test_once_numpy_is_loaded_nothing_is_set() -> None:
    printed = _python("import numpy, os\nfrom checker.run.blas import one_blas_thread, VARIABLE\n"
                      "one_blas_thread()\nprint(VARIABLE in os.environ)")
    assert printed == ["False"]


PIPELINE = f"""
    version: 1
    contracts:
      t: {{columns: {{a: {{type: float, min: 0, max: 1}}}}}}
    pipeline:
      contract: t
      rows: 5
      command: echo "blas=${{{VARIABLE}-unset}}"; exit 1
    """


def test_run_again_in_one_process_each_command_passes_on_its_own_environment(tmp_path) -> None:
    """The tests' in-process CLI (and any caller of `main`) runs commands one after another in
    one process, the first before numpy is loaded: what it set is not mistaken for the user's
    setting in the next."""
    config = write_config(tmp_path, PIPELINE)
    script = f"""
import os, sys
sys.path.insert(0, {str(REPO / "tests")!r})
from helpers import cli_in_process
for given in ({{}}, {{{VARIABLE!r}: "3"}}, {{}}):
    done = cli_in_process("run", "--config", {str(config)!r}, "--out", {str(tmp_path / "out")!r},
                          env={{"GITHUB_ACTIONS": "false", **given}})
    assert done.returncode == 1, done.stderr
    report = open({str(tmp_path / "out" / "report.md")!r}, encoding="utf-8").read()
    print(next(word for word in report.split() if word.startswith("blas=")))
"""
    assert _python(script) == ["blas=unset", "blas=3", "blas=unset"]


@pytest.mark.parametrize(("given", "seen"), [({}, "unset"), ({VARIABLE: "3"}, "3")])
def test_a_pipeline_command_gets_the_environment_mlsmoke_started_with(
        tmp_path, monkeypatch: pytest.MonkeyPatch, given: dict[str, str], seen: str) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    config = write_config(tmp_path, PIPELINE)
    done = cli("run", "--config", str(config), "--out", str(tmp_path / "out"), cwd=tmp_path,
               env={"GITHUB_ACTIONS": "false", **given})
    assert done.returncode == 1, done.stderr
    assert f"blas={seen}" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
