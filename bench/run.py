"""Data-check benchmark: mlsmoke against the pyarrow read floor and pandera, side by side.

    python3 bench/run.py [--rows 1000000 10000000] [--csv-rows 1000000] [--repeats 3]

Generates seeded tables under bench/data/ (reused on later runs), runs each contender in its
own process (wall time, and peak RSS from os.wait4), checks that mlsmoke found exactly the
violations planted in the data, and writes the figures to the `## Data checks` section of
bench/RESULTS.md. The machine is shared and noisy: compare ratios and medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from generate import CONTRACT, generate

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LAUNCHER = REPO / "checker" / "checks" / "pipeline" / "launcher.py"
DATA = BENCH / "data"
RESULTS = BENCH / "RESULTS.md"
SECTION = "## Data checks"
FLOOR = "pyarrow read (floor)"
PANDERA = "pandera (lazy)"


@dataclass(frozen=True)
class Timing:
    contender: str
    wall_s: float
    peak_rss_mib: float
    output: str
    inside_s: float | None = None  # mlsmoke: the run itself, without process start-up and imports


def measure(contender: str, command: list[str], env: dict[str, str]) -> Timing:
    """Run once; wall time and the command's own peak resident memory. The command starts from
    mlsmoke's small launcher: Linux keeps a process's peak-RSS record across fork and exec, so a
    command started straight from this (large) process would report at least this one's size."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile("w+") as out:
        report = Path(scratch) / "launch.json"
        launch = [sys.executable, "-I", "-S", str(LAUNCHER), str(report), *command]
        process = subprocess.run(launch, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        wall = time.perf_counter() - started
        launched = json.loads(report.read_text())
        returncode = os.waitstatus_to_exitcode(launched["wait_status"])
        out.seek(0)
        output = out.read()
    if process.returncode != 0 or returncode not in (0, 1):  # mlsmoke exits 1 on the planted faults
        raise SystemExit(f"{contender} failed ({returncode}):\n{output[-3000:]}")
    return Timing(contender, wall, launched["maxrss_kb"] / 1024, output)


def commands(data: Path, out_dir: Path) -> dict[str, list[str]]:
    config = data.with_name(data.name + ".mlsmoke.yml")
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"bench": CONTRACT},
                                      "data": [{"contract": "bench", "files": data.name}]}))
    return {
        FLOOR: [sys.executable, str(BENCH / "contenders.py"), "floor", str(data)],
        "mlsmoke run --only data": [sys.executable, "-m", "checker", "run", "--only", "data",
                                    "--no-publish", "--config", str(config), "--out", str(out_dir)],
        PANDERA: [sys.executable, str(BENCH / "contenders.py"), "pandera", str(data)],
    }


def mlsmoke_counts(out_dir: Path) -> dict[str, int]:
    report = json.loads((out_dir / "results.json").read_text())
    return {c["id"].removeprefix("data."): c["metrics"]["violations"]
            for c in report["checks"] if "violations" in c.get("metrics", {})}


def bench_file(data: Path, repeats: int, skip_pandera: bool) -> dict[str, list[Timing]]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    out_dir = DATA / f"out-{data.stem}"
    expected = json.loads(data.with_name(data.name + ".expected.json").read_text())
    timings: dict[str, list[Timing]] = {}
    for _ in range(repeats):
        for name, command in commands(data, out_dir).items():
            if skip_pandera and name == PANDERA:
                continue
            timing = measure(name, command, env)
            if name.startswith("mlsmoke"):
                report = json.loads((out_dir / "results.json").read_text())
                timing = replace(timing, inside_s=report["duration_s"])
            timings.setdefault(name, []).append(timing)
            print(f"  {data.name:24} {name:26} {timing.wall_s:7.2f} s {timing.peak_rss_mib:8.0f} MiB",
                  flush=True)
        found = {rule: count for rule, count in mlsmoke_counts(out_dir).items() if rule in expected}
        if found != expected:
            raise SystemExit(f"mlsmoke found {found}, the data has {expected}")
    shutil.rmtree(out_dir, ignore_errors=True)
    return timings


def table(results: dict[Path, dict[str, list[Timing]]]) -> str:
    """Medians, and ratios taken within each repeat (the contenders of one repeat run back to
    back, so a busy moment on the shared machine weighs on all of them alike)."""
    lines = ["| data | contender | wall (median) | × floor | pandera ÷ this | peak RSS | inside the run |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for data, timings in results.items():
        floor = timings[FLOOR]
        pandera = timings.get(PANDERA)
        for name, runs in timings.items():
            slower = _paired(runs, floor)
            speedup = f"{_paired(pandera, runs):.1f}×" if pandera else "–"
            inside = [t.inside_s for t in runs if t.inside_s is not None]
            inside_text = f"{statistics.median(inside):.2f} s" if inside else ""
            wall = statistics.median(t.wall_s for t in runs)
            lines.append(f"| {_describe(data)} | {name} | {wall:.2f} s | {slower:.2f} | {speedup} | "
                         f"{max(t.peak_rss_mib for t in runs):.0f} MiB | {inside_text} |")
    return "\n".join(lines)


def _paired(numerators: list[Timing], denominators: list[Timing]) -> float:
    return statistics.median(n.wall_s / d.wall_s for n, d in zip(numerators, denominators, strict=True))


def _every_run(results: dict[Path, dict[str, list[Timing]]]) -> str:
    rows = [f"{data.name:24} {name:26} {t.wall_s:7.2f} s {t.peak_rss_mib:8.0f} MiB"
            for data, timings in results.items() for name, runs in timings.items() for t in runs]
    return "<details><summary>Every run</summary>\n\n```\n" + "\n".join(rows) + "\n```\n</details>"


def _describe(data: Path) -> str:
    rows = int(data.stem.split("-")[1])
    return f"{rows / 1e6:g}M rows, {data.suffix[1:]}"


def write_results(text: str) -> None:
    """Replace (or add) this benchmark's own section of RESULTS.md, leaving others alone."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    start = current.find(SECTION)
    if start < 0:
        updated = current.rstrip() + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(SECTION))
        updated = current[:start] + text + (current[end:] if end >= 0 else "")
    RESULTS.write_text(updated.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pandera", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    files = [generate(DATA, rows) for rows in args.rows]
    if args.csv_rows:
        files.append(generate(DATA, args.csv_rows, csv=True))
    results = {data: bench_file(data, args.repeats, args.no_pandera) for data in files}
    text = f"{SECTION}\n\n{_preamble(args.repeats)}\n\n{table(results)}\n\n{_every_run(results)}\n"
    print(text)
    if not args.no_write:
        write_results(text)


def _preamble(repeats: int) -> str:
    import platform

    import pandera
    import pyarrow

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"`make bench` ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores shared with other jobs, "
            f"load average {load} at the end, "
            f"Python {platform.python_version()}, pyarrow {pyarrow.__version__}, "
            f"pandera {pandera.__version__}; median of {repeats} runs, each contender in its own process). "
            "Data: an id column (unique), 12 float columns (range and not-null rules), a string "
            "category (allowed values) and an int target (range): 28 rules; about 0.01 % of the rows "
            "break one. Every run checks that mlsmoke counted exactly the violating rows planted.")


if __name__ == "__main__":
    main()
