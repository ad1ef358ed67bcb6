"""The native libraries' settings made before they load (checker/run/native.py): one OpenBLAS
thread, and mimalloc committing its arenas as they are used (no huge-page request on a whole
1 GiB arena); and the user's environment, not those settings, for what the checks run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, cli, write_config

from checker.run.native import SETTINGS

VARIABLE = "OPENBLAS_NUM_THREADS"
MIMALLOC = "MIMALLOC_ARENA_EAGER_COMMIT"
THREADS = "import os; print(len(os.listdir('/proc/self/task')))"  # the threads this process has now
SETTLED = "from checker.run.native import native_settings, started_environ\nnative_settings()\n"
# pyarrow allocates from its default pool, then the mappings asked for as huge pages are
# counted (madvise MADV_HUGEPAGE shows as `hg` among a mapping's VmFlags)
HUGE_PAGE_MAPPINGS = """
import re, pyarrow as pa
numbers = pa.array(range(100_000))
smaps = open("/proc/self/smaps").read()
print(pa.default_memory_pool().backend_name, len(re.findall(r"^VmFlags:.*\\bhg\\b", smaps, re.M)))
"""
needs_huge_pages = pytest.mark.skipif(not Path("/sys/kernel/mm/transparent_hugepage").is_dir(),
                                      reason="this kernel has no transparent huge pages")


def _python(code: str, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**environ, "PYTHONPATH": str(REPO), **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_asked_before_numpy_loads_openblas_starts_no_thread_and_the_checks_get_the_started_environ() -> None:
    printed = _python(f"{SETTLED}import os, numpy\n"
                      f"print(os.environ[{VARIABLE!r}], {VARIABLE!r} in started_environ())\n" + THREADS)
    assert printed == ["1", "False", "1"]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: OpenBLAS starts no thread of its own")
def test_without_it_openblas_starts_threads_as_numpy_loads() -> None:
    assert int(_python("import numpy\n" + THREADS)[0]) > 1


@needs_huge_pages
def test_set_before_pyarrow_loads_mimalloc_asks_for_no_huge_pages() -> None:
    printed = _python(f"{SETTLED}import os\n"
                      f"print(os.environ[{MIMALLOC!r}], {MIMALLOC!r} in started_environ())\n"
                      + HUGE_PAGE_MAPPINGS)
    assert printed == ["0", "False", "mimalloc", "0"]


@needs_huge_pages
def test_without_it_mimalloc_asks_for_huge_pages_on_its_arena() -> None:
    backend, mappings = _python(HUGE_PAGE_MAPPINGS)
    if backend != "mimalloc":
        pytest.skip(f"pyarrow's default memory pool here is {backend}")
    if mappings == "0":  # pyarrow 20's mimalloc asks for none (26's does): the setting changes nothing
        pytest.skip(f"pyarrow {_python('import pyarrow; print(pyarrow.__version__)')[0]}'s mimalloc "
                    "asks for no huge pages by default")
    assert int(mappings) >= 1


@pytest.mark.parametrize("variable", sorted(SETTINGS))
def test_a_value_the_user_set_is_kept_and_passed_on(variable: str) -> None:
    printed = _python(f"{SETTLED}import os\nprint(os.environ[{variable!r}], started_environ()[{variable!r}])",
                      **{variable: "3"})
    assert printed == ["3", "3"]


@pytest.mark.parametrize("variable", sorted(SETTINGS))
def test_once_its_library_is_loaded_nothing_is_set(variable: str) -> None:
    loader = SETTINGS[variable][1]
    printed = _python(f"import {loader}, os\n{SETTLED}print({variable!r} in os.environ, "
                      f"{variable!r} in started_environ())")
    assert printed == ["False", "False"]


PIPELINE = f"""
    version: 1
    contracts:
      t: {{columns: {{a: {{type: float, min: 0, max: 1}}}}}}
    pipeline:
      contract: t
      rows: 5
      command: echo "blas=${{{VARIABLE}-unset}} mimalloc=${{{MIMALLOC}-unset}}"; exit 1
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
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert f"blas={seen}" in report
    assert "mimalloc=unset" in report


DATA = """
    version: 1
    contracts:
      t: {columns: {a: {type: int, min: 0}}}
    data:
      - {files: t.csv, contract: t}
    """


@needs_huge_pages
def test_a_data_run_reads_with_mimalloc_asking_for_no_huge_pages(tmp_path) -> None:
    """The CLI makes the settings before the data checks load pyarrow (its group callback)."""
    config = write_config(tmp_path, DATA)
    (tmp_path / "t.csv").write_text("a\n" + "".join(f"{i}\n" for i in range(1000)), encoding="utf-8")
    script = f"""
import sys
sys.path.insert(0, {str(REPO / "tests")!r})
from helpers import cli_in_process
done = cli_in_process("run", "--only", "data", "--config", {str(config)!r},
                      "--out", {str(tmp_path / "out")!r}, env={{"GITHUB_ACTIONS": "false"}})
assert done.returncode == 0, done.stdout + done.stderr
assert "pyarrow" in sys.modules
""" + HUGE_PAGE_MAPPINGS
    assert _python(script) == ["mimalloc", "0"]
