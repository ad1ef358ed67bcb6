"""Data-check benchmark: mlsmoke against the pyarrow read floor, polars, DuckDB and pandera.

    python3 bench/run.py [--rows 1000000 10000000 100000000] [--csv-rows 1000000] [--repeats 3]

Generates seeded tables once under ~/.cache/mlsmoke-bench/ (or $MLSMOKE_BENCH_DATA; reused on
later runs, outside the repository: 100M rows take about 3 GB), runs each contender in its own
process under `/usr/bin/time` (wall time and the process's own peak RSS, measured from
outside), checks that mlsmoke, polars and DuckDB each counted exactly the violations planted
in the data, and writes the figures to the `## Data checks` section of bench/RESULTS.md. The
machine is shared and noisy: compare the ratios, taken within each repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from generate import generate, write_config
from timing import REPO, Timing, check_counts, measure, mlsmoke_counts, uptime

BENCH = Path(__file__).resolve().parent
DATA = Path(os.environ.get("MLSMOKE_BENCH_DATA") or Path.home() / ".cache" / "mlsmoke-bench" / "v2")
RESULTS = BENCH / "RESULTS.md"
SECTION = "## Data checks"
FLOOR = "pyarrow read (floor)"
MLSMOKE = "mlsmoke run --only data"
POLARS = "polars (streaming)"
DUCKDB = "duckdb"
PANDERA = "pandera (lazy)"


def commands(data: Path, out_dir: Path) -> dict[str, list[str]]:
    config = write_config(data)
    contender = [sys.executable, str(BENCH / "contenders.py")]
    return {
        FLOOR: [*contender, "floor", str(data)],
        MLSMOKE: [sys.executable, "-m", "checker", "run", "--only", "data",
                  "--no-publish", "--config", str(config), "--out", str(out_dir)],
        POLARS: [*contender, "polars", str(data)],
        DUCKDB: [*contender, "duckdb", str(data)],
        PANDERA: [*contender, "pandera", str(data)],
    }


def bench_file(data: Path, repeats: int, skip: set[str]) -> dict[str, list[Timing]]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    out_dir = DATA / f"out-{data.stem}"
    expected = json.loads(data.with_name(data.name + ".expected.json").read_text())
    timings: dict[str, list[Timing]] = {}
    for _ in range(repeats):
        for name, command in commands(data, out_dir).items():
            if name in skip:
                continue
            timing = measure(name, command, env)
            if name == MLSMOKE:
                report = json.loads((out_dir / "results.json").read_text())
                timing = replace(timing, inside_s=report["duration_s"])
                check_counts(name, mlsmoke_counts(out_dir), expected)
            elif name in (POLARS, DUCKDB):
                check_counts(name, json.loads(timing.output.strip().splitlines()[-1]), expected)
            timings.setdefault(name, []).append(timing)
            print(f"  {data.name:24} {name:26} {timing.wall_s:7.2f} s {timing.peak_rss_mib:8.0f} MiB",
                  flush=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    return timings


def table(results: dict[Path, dict[str, list[Timing]]]) -> str:
    """Medians, and ratios taken within each repeat (the contenders of one repeat run back to
    back, so a busy moment on the shared machine weighs on all of them alike)."""
    lines = ["| data | contender | wall (median) | × floor | ÷ mlsmoke | peak RSS | inside the run |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for data, timings in results.items():
        floor, ours = timings[FLOOR], timings.get(MLSMOKE)
        for name, runs in timings.items():
            versus = f"{_paired(runs, ours):.2f}" if ours and name != MLSMOKE else "–"
            inside = [t.inside_s for t in runs if t.inside_s is not None]
            inside_text = f"{statistics.median(inside):.2f} s" if inside else ""
            wall = statistics.median(t.wall_s for t in runs)
            lines.append(f"| {_describe(data)} | {name} | {wall:.2f} s | {_paired(runs, floor):.2f} | "
                         f"{versus} | {max(t.peak_rss_mib for t in runs):.0f} MiB | {inside_text} |")
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


def write_results(text: str, section: str = SECTION) -> None:
    """Replace (or add) this benchmark's own section of RESULTS.md, leaving others alone."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    start = current.find(section)
    if start < 0:
        updated = current.rstrip() + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(section))
        updated = current[:start] + text + (current[end:] if end >= 0 else "")
    RESULTS.write_text(updated.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pandera", action="store_true")
    parser.add_argument("--pandera-max-rows", type=int, default=10_000_000,
                        help="pandera holds the whole table in memory: skip it above this")
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    files = [generate(DATA, rows) for rows in args.rows]
    _compile_checker()
    load_before = uptime()
    if args.csv_rows:
        files.append(generate(DATA, args.csv_rows, csv=True))
    results = {data: bench_file(data, args.repeats, _skipped(args, data)) for data in files}
    text = (f"{SECTION}\n\n{_preamble(args.repeats, load_before)}\n\n{table(results)}\n\n"
            f"{_every_run(results)}\n")
    print(text)
    if not args.no_write:
        write_results(text)


def _compile_checker() -> None:
    """Byte-compile the checker once, as the image does (Dockerfile: compileall): with
    PYTHONDONTWRITEBYTECODE set, as in this environment, every timed run would otherwise
    compile it from source again. Forced: compileall trusts a byte-code file whose source
    changed within the same second, and with a stale one every run compiles that module."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-f", str(REPO / "checker")], check=True)


def _skipped(args: argparse.Namespace, data: Path) -> set[str]:
    skip = set(args.skip)
    if args.no_pandera or int(data.stem.split("-")[1]) > args.pandera_max_rows:
        skip.add(PANDERA)
    return skip


def _preamble(repeats: int, load_before: str) -> str:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:  # a contender left out (--skip, --no-pandera)
            return f"{name} not installed"

    tools = ", ".join(installed(name) for name in ("pyarrow", "polars", "duckdb", "pandera"))
    return (f"`make bench` ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {tools}; median of {repeats} runs, each contender "
            "in its own process under `/usr/bin/time`, wall time and peak RSS measured from outside "
            "the process). Data: an id column (unique), 12 float columns (range and not-null rules), "
            "a string category (allowed values) and an int target (range), one row group per "
            "million rows; about 0.01 % of the rows break a rule. Every run checks that mlsmoke, "
            "polars and DuckDB each counted exactly the violating rows planted (ranges, nulls, "
            "allowed, unique). The checker is byte-compiled first, as in the image.\n\n"
            f"Machine load (`uptime`): before `{load_before}`; after `{uptime()}`.")


if __name__ == "__main__":
    main()
