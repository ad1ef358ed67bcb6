"""checker.checks.pipeline.process: real subprocesses, process-group kill, wall time, peak memory."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from checker.checks.pipeline.process import ProcessSetup, run_process, tail
from checker.checks.pipeline.step_results import Budget, command_result
from checker.results.model import Status


def _run(tmp_path: Path, code: str, timeout_s: float = 30) -> object:
    setup = ProcessSetup(tmp_path, {"PATH": "/usr/bin:/bin"}, timeout_s, tmp_path / "logs", "step")
    return run_process([sys.executable, "-c", code], setup)


def test_exit_status_and_output_tails(tmp_path: Path) -> None:
    outcome = _run(tmp_path, "import sys\nfor i in range(100): print('line', i)\nsys.exit('fatal: x')")
    assert outcome.exit_code == 1 and not outcome.ok and not outcome.timed_out
    assert outcome.stdout_tail.splitlines()[-1] == "line 99"
    assert len(outcome.stdout_tail.splitlines()) == 30
    assert outcome.stderr_tail == "fatal: x"


def test_success(tmp_path: Path) -> None:
    outcome = _run(tmp_path, "print('ok')")
    assert outcome.ok and outcome.exit_code == 0 and outcome.wall_s > 0
    assert outcome.evidence() == {"stdout (last lines)": "ok"}


def test_peak_memory_of_the_child_is_measured(tmp_path: Path) -> None:
    small = _run(tmp_path, "pass")
    big = _run(tmp_path, "block = b'x' * (200 * 1024 * 1024)")  # written, so resident
    assert big.peak_rss_mb is not None and small.peak_rss_mb is not None
    assert big.peak_rss_mb > small.peak_rss_mb + 150, (small, big)


def test_peak_memory_is_not_inflated_by_mlsmokes_own_size(tmp_path: Path) -> None:
    # Linux keeps a process's peak RSS across exec: a command forked straight from a big
    # parent would report the parent's size. The launcher prevents that.
    ballast = b"x" * (300 * 1024 * 1024)
    small = _run(tmp_path, "pass")
    assert len(ballast) and small.peak_rss_mb is not None
    assert small.peak_rss_mb < 100, small


def test_peak_memory_includes_a_grandchild(tmp_path: Path) -> None:
    code = ("import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
            "\"b = b'x' * (150 * 1024 * 1024)\"])")
    assert _run(tmp_path, code).peak_rss_mb > 140


def test_a_program_that_does_not_exist_is_a_start_error(tmp_path: Path) -> None:
    outcome = run_process(["/no/such/program"], ProcessSetup(tmp_path, {}, 5, tmp_path / "logs", "x"))
    assert outcome.start_error and "No such file" in outcome.start_error
    assert not outcome.ok


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_timeout_kills_children_that_ignore_sigterm(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    code = (f"import os, signal, subprocess, sys, time\n"
            f"signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
            f"signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)'])\n"
            f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
            f"time.sleep(300)")
    started = time.monotonic()
    outcome = _run(tmp_path, code, timeout_s=1.5)
    assert outcome.timed_out and outcome.exit_code is None and not outcome.ok
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 5
    numbers = [int(p) for p in pids.read_text().split()]
    while any(_alive(p) for p in numbers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in numbers)


def test_a_background_child_left_behind_is_killed_when_the_command_ends(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    code = (f"import subprocess, sys\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))")
    assert _run(tmp_path, code).ok
    deadline = time.monotonic() + 5
    while _alive(int(pid_file.read_text())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(int(pid_file.read_text()))


def test_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert tail(tmp_path / "nothing") == ""
    (tmp_path / "log").write_bytes(b"\xff\xfe broken utf-8\nlast\n")
    assert tail(tmp_path / "log").endswith("last")


def test_a_command_killed_by_a_signal_is_reported_by_name(tmp_path: Path) -> None:
    outcome = _run(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert outcome.exit_code == -9
    result = command_result("pipeline.run", outcome, "python train.py", Budget(30), None)
    assert result.status is Status.FAIL
    assert result.summary.startswith("killed by SIGKILL (out of memory?)")
