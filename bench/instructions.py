"""Instructions a command executes, counted by valgrind's callgrind: the same count (to about
0.01 %, with Python's hash seed fixed) for the same interpreter, files and environment, however
busy the shared machine is; its wall time is not.
Standard library only, like timing.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def valgrind() -> str | None:
    """The valgrind program, or None where it is not installed."""
    return shutil.which("valgrind")


def count(name: str, command: list[str], env: dict[str, str], cwd: Path) -> int:
    """The instructions `command` executes in its own process, all of its threads included (its
    children are not followed). Runs about fifty times slower than the command alone."""
    program = valgrind()
    if program is None:
        raise SystemExit("valgrind is not installed: instructions cannot be counted")
    env = {**env, "PYTHONHASHSEED": "0"}  # str hashes, and so the work of sets and dicts, fixed
    done = subprocess.run([program, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=900)
    if done.returncode not in (0, 1):  # mlsmoke exits 1 on the planted faults
        raise SystemExit(f"{name} failed under valgrind ({done.returncode}):\n{done.stderr[-3000:]}")
    found = COLLECTED.findall(done.stderr)
    if len(found) != 1:
        raise SystemExit(f"{name}: callgrind reported no instruction count:\n{done.stderr[-3000:]}")
    return int(found[0])
