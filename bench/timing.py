"""Timing one command from outside its process: wall time and its own peak RSS, for the
benchmarks under bench/. Standard library only, so bench/small_run.py can time a run inside the
checker image, whose system Python has nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "checker" / "checks" / "pipeline" / "launcher.py"
TIME = Path("/usr/bin/time")


@dataclass(frozen=True)
class Timing:
    contender: str
    wall_s: float
    peak_rss_mib: float
    output: str
    inside_s: float | None = None  # mlsmoke: the run itself, without process start-up and imports


def measure(contender: str, command: list[str], env: dict[str, str]) -> Timing:
    """Run once; wall time and the command's own peak resident memory, as `/usr/bin/time -f %M`
    reports it (else from mlsmoke's small launcher: Linux keeps a process's peak-RSS record
    across fork and exec, so a command started straight from this large process would report
    at least this one's size). With GNU time the wall time is taken around it (its own start
    costs about a millisecond); with the launcher it is the launcher's, from its fork to the
    command's end, since its own Python start-up (about 20 ms) is no part of the command."""
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile("w+") as out:
        report = Path(scratch) / "measured"
        if TIME.exists():
            launch = [str(TIME), "-q", "-f", "%M", "-o", str(report), *command]
        else:
            launch = [sys.executable, "-I", "-S", str(LAUNCHER), str(report), *command]
        started = time.perf_counter()
        process = subprocess.run(launch, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        wall = time.perf_counter() - started
        out.seek(0)
        output = out.read()
        if TIME.exists():
            returncode, peak_kb = process.returncode, int(report.read_text().split()[-1])
        else:
            launched = json.loads(report.read_text())
            returncode, peak_kb = os.waitstatus_to_exitcode(launched["wait_status"]), launched["maxrss_kb"]
            wall = launched["wall_s"]
    if returncode not in (0, 1):  # mlsmoke exits 1 on the planted faults
        raise SystemExit(f"{contender} failed ({returncode}):\n{output[-3000:]}")
    return Timing(contender, wall, peak_kb / 1024, output)


def mlsmoke_counts(out_dir: Path) -> dict[str, int]:
    report = json.loads((out_dir / "results.json").read_text())
    return {c["id"].removeprefix("data."): c["metrics"]["violations"]
            for c in report["checks"] if "violations" in c.get("metrics", {})}


def check_counts(name: str, counts: dict[str, int], expected: dict[str, int]) -> None:
    found = {rule: count for rule, count in counts.items() if rule in expected}
    if found != expected:
        raise SystemExit(f"{name} found {found}, the data has {expected}")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def time_in_turn(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, Timing]:
    """Every command once, in turn."""
    return {name: measure(name, command, env) for name, command in commands.items()}


def main(argv: list[str]) -> None:
    """`python3 bench/timing.py '{"name": ["argv", ...], ...}'`: time each command once, in
    turn, in this environment; print the timings as one JSON object."""
    timings = time_in_turn(json.loads(argv[1]), dict(os.environ))
    print(json.dumps({name: {"wall_s": t.wall_s, "peak_rss_mib": t.peak_rss_mib}
                      for name, t in timings.items()}))


if __name__ == "__main__":
    main(sys.argv)
