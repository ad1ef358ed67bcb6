"""The program's quick exit (checker/run/quick_exit.py): `python -m checker run` and the
`mlsmoke` console script end without the interpreter's teardown, and lose nothing: the same
outputs, stdout and stderr, exit code and temporary-folder cleanup as the usual exit, atexit
handlers run. Everything else that runs the command (the tests' CliRunner, a script going on
after `runpy`, a profiler, a caller of `main`) gets the usual exit, as does a process with a
thread still running or a stream that cannot be flushed."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from checker.run import quick_exit
from tests.helpers import REPO
from tests.snapshots import normalize

# Imported at start-up from PYTHONPATH: text left in stdout's buffer, an object only the
# interpreter's teardown finalizes, an atexit handler, a temporary folder cleaned at exit
# (weakref.finalize) and, when asked, a thread that is not a daemon and ends only once the
# interpreter's exit has begun.
SITECUSTOMIZE = """
import atexit, builtins, os, sys, tempfile, threading, time
sys.stdout.write("[in stdout's buffer]")  # a pipe's stdout is block-buffered: written at exit
class _TornDown:
    def __del__(self):
        os.write(2, b"[torn down]\\n")
builtins._quick_exit_probe = (_TornDown(), tempfile.TemporaryDirectory(prefix="probe-"))
with open(os.environ["PROBE_FOLDER"] + "/folder", "w") as handle:
    handle.write(builtins._quick_exit_probe[1].name)
atexit.register(lambda: open(os.environ["PROBE_FOLDER"] + "/atexit", "w").close())
if os.environ.get("PROBE_THREAD"):
    def _late():  # runs until the interpreter's exit begins (it stops the main thread first)
        deadline = time.monotonic() + 60
        while threading.main_thread().is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        open(os.environ["PROBE_FOLDER"] + "/thread", "w").close()
    threading.Thread(target=_late).start()
"""
TORN_DOWN = "[torn down]"
BUFFERED = "[in stdout's buffer]"
USUAL = "import sys; from checker.cli import main; sys.argv[0] = 'mlsmoke'; main()"  # no quick exit
CONTRACT = {"columns": {"id": {"type": "int", "unique": True}, "x": {"type": "float", "min": 0, "max": 1},
                        "kind": {"type": "category", "allowed": ["a", "b"]}}}


def _project(folder: Path, kind: str) -> Path:
    table = pa.table({"id": [1, 2, 2, 4], "x": [0.5, 7.0, None, 0.1], "kind": ["a", "b", "z", "a"]})
    data = folder / f"small.{kind}"
    if kind == "parquet":
        pq.write_table(table, data)
    else:
        data.write_text("id,x,kind\n1,0.5,a\n2,7.0,b\n2,,z\n4,0.1,a\n")
    config = folder / "mlsmoke.yml"
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": CONTRACT},
                                      "data": [{"contract": "small", "files": data.name}]}))
    return config


def _launch(folder: Path, program: list[str], *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """`program ARGS` in `folder`, with the probe imported at start-up and a TMPDIR of its own."""
    (folder / "site").mkdir(exist_ok=True)
    (folder / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (folder / "probe").mkdir(exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    # buffered streams (PYTHONUNBUFFERED unset), so that what the exit flushes shows
    outside = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_") and k != "PYTHONUNBUFFERED"}
    env = {**outside, "PYTHONPATH": os.pathsep.join([str(folder / "site"), str(REPO)]),
           "TMPDIR": str(folder / "tmp"), "PROBE_FOLDER": str(folder / "probe"), **environ}
    return subprocess.run([*program, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def _run(folder: Path, program: list[str], **environ: str) -> subprocess.CompletedProcess[str]:
    return _launch(folder, program, "run", "--no-publish", "--out", str(folder / "out"), **environ)


def _streamed(text: str, folder: Path) -> str:
    """The terminal summary without its run time."""
    return re.sub(r" in \d+(?:\.\d+)? ?(?:ms|s)\b", " in <duration>", normalize(text, [folder]))


def _outputs(folder: Path) -> dict[str, str]:
    out = folder / "out"
    return {str(path.relative_to(out)): normalize(path.read_text(encoding="utf-8"), [folder])
            for path in sorted(out.rglob("*")) if path.is_file()}


def _without_durations(results: str) -> str:
    data = json.loads(results)
    for record in (data, *data["checks"]):
        record.pop("duration_s")
    data.pop("started_at")
    return json.dumps(data, sort_keys=True)


def _probe(folder: Path) -> dict[str, bool]:
    probe = folder / "probe"
    left = list((folder / "tmp").iterdir())
    return {"atexit": (probe / "atexit").exists(), "thread": (probe / "thread").exists(),
            "folder removed": not Path((probe / "folder").read_text()).exists(),
            "temp folder empty": not left}


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_python_m_checker_run_ends_quickly_with_the_outputs_and_streams_of_the_usual_exit(tmp_path, kind):
    quick_folder, usual_folder = tmp_path / "quick", tmp_path / "usual"
    for folder in (quick_folder, usual_folder):
        folder.mkdir()
        _project(folder, kind)
    quick = _run(quick_folder, [sys.executable, "-m", "checker"])
    usual = _run(usual_folder, [sys.executable, "-c", USUAL])
    assert (quick.returncode, usual.returncode) == (1, 1), quick.stderr + usual.stderr
    assert TORN_DOWN not in quick.stderr and TORN_DOWN in usual.stderr  # the twin sees the teardown
    assert quick.stdout == usual.stdout == BUFFERED
    assert _streamed(quick.stderr, quick_folder) + TORN_DOWN + "\n" == _streamed(usual.stderr, usual_folder)
    assert "✗ data.unique" in quick.stderr
    quick_out, usual_out = _outputs(quick_folder), _outputs(usual_folder)
    assert set(quick_out) == {"results.json", "report.md", "junit.xml",
                              f"failing-rows/small__small.{kind}.csv"}
    assert (_without_durations(quick_out.pop("results.json"))
            == _without_durations(usual_out.pop("results.json")))
    timestamp = re.compile(r' timestamp="[^"]*"')
    assert {name: timestamp.sub("", text) for name, text in quick_out.items()} == {
        name: timestamp.sub("", text) for name, text in usual_out.items()}
    for folder in (quick_folder, usual_folder):
        assert _probe(folder) == {"atexit": True, "thread": False, "folder removed": True,
                                  "temp folder empty": True}


def test_a_passing_run_exits_0_quickly(tmp_path):
    (tmp_path / "mlsmoke.yml").write_text("version: 1\n")
    done = _run(tmp_path, [sys.executable, "-m", "checker"])
    assert done.returncode == 0, done.stderr
    assert TORN_DOWN not in done.stderr and (tmp_path / "out" / "report.md").exists()


def test_the_console_script_ends_quickly_too(tmp_path):
    _project(tmp_path, "parquet")
    script = tmp_path / quick_exit.CONSOLE_SCRIPT  # what pip writes for [project.scripts]
    script.write_text("import re, sys\nfrom checker.cli import main\nif __name__ == '__main__':\n"
                      "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                      "    sys.exit(main())\n")
    done = _run(tmp_path, [sys.executable, str(script)])
    assert done.returncode == 1 and TORN_DOWN not in done.stderr, done.stderr
    assert _probe(tmp_path)["atexit"]


GOES_ON = "\nexcept SystemExit as done:\n    print('went on after', done.code)\n"


@pytest.mark.parametrize("program", [
    "import runpy, sys\nsys.argv[0] = 'mlsmoke'\n"
    "try:\n    runpy.run_module('checker', run_name='__main__', alter_sys=True)" + GOES_ON,
    "import sys\nfrom checker.cli import main\ntry:\n    main()" + GOES_ON,
], ids=["runpy", "main"])
def test_a_program_that_goes_on_after_the_command_gets_the_usual_exit(tmp_path, program):
    _project(tmp_path, "parquet")
    done = _run(tmp_path, [sys.executable, "-c", program])
    assert done.stdout == BUFFERED + "went on after 1\n", done.stderr
    assert TORN_DOWN in done.stderr


def test_under_a_profiler_the_profile_is_written(tmp_path):
    _project(tmp_path, "parquet")
    profile = tmp_path / "profile"
    done = _run(tmp_path, [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "checker"])
    assert TORN_DOWN in done.stderr and profile.stat().st_size > 0


def test_a_thread_still_running_is_waited_for_by_the_usual_exit(tmp_path):
    _project(tmp_path, "parquet")
    done = _run(tmp_path, [sys.executable, "-m", "checker"], PROBE_THREAD="1")
    assert done.returncode == 1, done.stderr
    assert TORN_DOWN in done.stderr and _probe(tmp_path)["thread"]


def test_other_commands_exit_as_usual(tmp_path):
    config = _project(tmp_path, "parquet")
    done = _launch(tmp_path, [sys.executable, "-m", "checker"], "validate", "--config", str(config))
    assert done.returncode == 0 and TORN_DOWN in done.stderr, done.stderr


def test_in_this_process_it_is_not_the_program():
    assert not quick_exit.is_the_program()


class _Stream(io.StringIO):
    def __init__(self, broken: bool = False) -> None:
        super().__init__()
        self.broken, self.flushed = broken, False

    def flush(self) -> None:
        if self.broken:
            raise BrokenPipeError(32, "Broken pipe")
        self.flushed = True


class _ExitedError(Exception):
    """os._exit, in these tests."""


@pytest.fixture
def ended(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What the quick exit did, in order (os._exit raises instead of ending pytest)."""
    done: list[object] = []

    def exit_now(code: int) -> None:
        done.append(("exit", code))
        raise _ExitedError

    monkeypatch.setattr(quick_exit.os, "_exit", exit_now)
    monkeypatch.setattr(quick_exit.atexit, "_run_exitfuncs", lambda: done.append("atexit"))
    return done


def test_quick_exit_runs_the_atexit_handlers_flushes_both_streams_then_exits(monkeypatch, ended):
    out, err = _Stream(), _Stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(_ExitedError):
        quick_exit.quick_exit(1)
    assert ended == ["atexit", ("exit", 1)] and out.flushed and err.flushed


def test_a_stream_that_cannot_be_flushed_takes_the_usual_exit(monkeypatch, ended):
    monkeypatch.setattr(sys, "stdout", _Stream(broken=True))
    with pytest.raises(SystemExit) as raised:
        quick_exit.quick_exit(1)
    assert raised.value.code == 1 and ("exit", 1) not in ended


def test_a_running_thread_takes_the_usual_exit(ended):
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with pytest.raises(SystemExit) as raised:
            quick_exit.quick_exit(2)
    finally:
        release.set()
        thread.join()
    assert raised.value.code == 2 and ended == []


def test_a_daemon_thread_does_not_hold_the_quick_exit(ended):
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    try:
        with pytest.raises(_ExitedError):
            quick_exit.quick_exit(0)
    finally:
        release.set()
        thread.join()
    assert ended == ["atexit", ("exit", 0)]
