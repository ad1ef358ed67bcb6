"""Run one of the user's commands: in its own process group, with a timeout that kills the
whole group (children included), its wall time, peak memory and the last lines of output.

Output goes to files, not pipes, so a chatty process never blocks and a killed one leaves
nothing to drain. Peak memory is the kernel's `wait4` accounting, taken by a small launcher
(launcher.py, see there why): the largest resident set of any process of the command that
was waited for (the command and the children it reaped).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from checker.record import record
from checker.results.clip import deferred_text

POLL_S = 0.05
TERM_GRACE_S = 2.0
TAIL_LINES = 30
TAIL_CHARS = 4000
TAIL_MARGIN = 2048  # longer than any secret the redactor is expected to catch
EXIT_NOT_FOUND = 127  # POSIX shells: command not found
LAUNCHER = Path(__file__).with_name("launcher.py")


@record
class ProcessOutcome:
    """How a command ended. `exit_code` is None when it could not start or was killed
    on timeout; a negative value is the signal that ended it."""

    argv: tuple[str, ...]
    exit_code: int | None
    wall_s: float
    peak_rss_mb: float | None
    stdout_tail: str
    stderr_tail: str
    timed_out: bool = False
    start_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and self.start_error is None

    def evidence(self) -> dict[str, str]:
        shown = {"stdout (last lines)": self.stdout_tail, "stderr (last lines)": self.stderr_tail}
        return {key: value for key, value in shown.items() if value}


@record
class ProcessSetup:
    """Where a command runs, with what environment and for how long; its output goes to
    `log_dir/name.*`."""

    cwd: Path
    env: Mapping[str, str]
    timeout_s: float
    log_dir: Path
    name: str


def run_process(argv: Sequence[str], setup: ProcessSetup) -> ProcessOutcome:
    """Run `argv` in a new session (so it leads its own process group) and wait at most
    `setup.timeout_s`; the group is always killed afterwards, so no stray child outlives the step."""
    cwd, env, timeout_s, log_dir, name = setup.cwd, setup.env, setup.timeout_s, setup.log_dir, setup.name
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    report_path = log_dir / f"{name}.exit.json"
    report_path.unlink(missing_ok=True)
    launch = [sys.executable, "-I", "-S", str(LAUNCHER), str(report_path), *argv]
    started = time.perf_counter()
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(launch, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            launcher_status, timed_out = _wait(proc, timeout_s)
        finally:  # also when mlsmoke itself is interrupted: no stray user process survives
            kill_group(proc.pid)
    wall_s = round(time.perf_counter() - started, 3)
    report = {} if timed_out else _read_report(report_path)
    if "start_error" in report:
        return ProcessOutcome(tuple(argv), None, wall_s, None, "", "", start_error=report["start_error"])
    status = report.get("wait_status")
    peak_kb = report.get("maxrss_kb")
    return ProcessOutcome(
        argv=tuple(argv),
        exit_code=None if timed_out else os.waitstatus_to_exitcode(status if status is not None
                                                                   else launcher_status),
        wall_s=wall_s,
        peak_rss_mb=round(peak_kb / 1024, 1) if peak_kb else None,
        stdout_tail=tail(stdout_path),
        stderr_tail=tail(stderr_path),
        timed_out=timed_out,
    )


def _wait(proc: subprocess.Popen[bytes], timeout_s: float) -> tuple[int, bool]:
    """(the launcher's wait status, timed out)."""
    deadline = time.monotonic() + max(timeout_s, 0.0)
    while True:
        pid, status = os.waitpid(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it is reaped
            return status, False
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_S)
    kill_group(proc.pid)
    _, status = os.waitpid(proc.pid, 0)  # SIGKILL was sent: this returns at once
    proc.returncode = os.waitstatus_to_exitcode(status)
    return status, True


def _read_report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return report if isinstance(report, dict) else {}


def kill_group(pgid: int) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after a short grace."""
    if not _signal_group(pgid, signal.SIGTERM):
        return
    deadline = time.monotonic() + TERM_GRACE_S
    while time.monotonic() < deadline:
        if not _group_alive(pgid):
            return
        time.sleep(POLL_S)
    _signal_group(pgid, signal.SIGKILL)


def _signal_group(pgid: int, sig: int) -> bool:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed user; nothing more we may do
        return False
    return True


def _group_alive(pgid: int) -> bool:
    """True while a live (non-zombie) process is in the group; the leader may not be ours to
    reap, so a zombie member does not count."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return _signal_group(pgid, 0)
    return any(entry.isdigit() and _proc_group_state(entry) == (pgid, True) for entry in entries)


def _proc_group_state(pid: str) -> tuple[int, bool] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[2]), fields[0] not in ("Z", "X")


def tail(path: Path, lines: int = TAIL_LINES, max_chars: int = TAIL_CHARS) -> str:
    """The last lines of a log file, decoded leniently. The cut is deferred (clip.py): the
    redactor sees the whole window read, so a secret is never cut in half before it is
    redacted. A window that starts inside the file loses its first TAIL_MARGIN characters,
    where a secret straddling the start would have left its unredactable end."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            start = max(0, handle.tell() - max_chars * 2 - TAIL_MARGIN * 4)
            handle.seek(start)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return deferred_text(text, partial(_last_lines, lines=lines, max_chars=max_chars,
                                       skip=TAIL_MARGIN if start else 0))


def _last_lines(text: str, *, lines: int, max_chars: int, skip: int) -> str:
    kept = text[skip:].rstrip("\n").splitlines()[-lines:]
    return "\n".join(kept)[-max_chars:]
