"""The fixed cost of a run: `mlsmoke run --only data` on a 1,000-row file, end to end.

    python3 bench/small_run.py [--rows 1000] [--repeats 9] [--no-write]

Writes a 1,000-row Parquet and CSV file with the bench's contract (28 rules; 1 % of the rows
break one) under ~/.cache/mlsmoke-bench/small/ (or $MLSMOKE_BENCH_DATA/small), then times, in
turn and each in its own process under `/usr/bin/time` (wall time and peak RSS from outside):
bare `python -c pass`, `python -c "import pyarrow._parquet"` (pyarrow and its Parquet reader,
the import no Parquet run can avoid; mlsmoke does not import `pyarrow.parquet`, which also
loads `pyarrow.fs` and the cloud filesystems: tables/parquet_file.py),
the same with numpy hidden (what numpy, which pyarrow imports whenever it is installed, costs),
the imports of every dependency a data-only run needs (pyarrow's Parquet reader and compute core,
Jinja, PyYAML, click: the floor under any mlsmoke run) and `python -m checker run --only data
--no-publish` on each file, checking mlsmoke's counts
against the planted truth. The machine is shared: the minimum of many runs is the figure to
compare. Writes the `## Small run` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml
from generate import CONTRACT, chunk_table
from run import (
    DATA,
    REPO,
    Timing,
    _check_counts,
    _compile_checker,
    _uptime,
    measure,
    mlsmoke_counts,
    write_results,
)

SECTION = "## Small run"
FOLDER = DATA.parent / "small"
BARE = "python -c pass"
PYARROW = 'python -c "import pyarrow._parquet"'
NO_NUMPY = "import sys; sys.modules['numpy'] = None; import pyarrow._parquet"
DEPENDENCIES = "import pyarrow._parquet, pyarrow._compute, jinja2, yaml, click"
FAULT_RATE = 0.01  # ten faulty rows in a thousand: the report has failures and failing rows


def write_data(rows: int) -> list[Path]:
    """The Parquet and CSV file, their expected counts and their configs (rewritten each run:
    they are small)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    table, counts = chunk_table(0, rows, seed=7, fault_rate=FAULT_RATE)
    files = [FOLDER / f"small-{rows}.parquet", FOLDER / f"small-{rows}.csv"]
    pq.write_table(table, files[0])
    pacsv.write_csv(table, files[1])
    for path in files:
        path.with_name(path.name + ".expected.json").write_text(json.dumps(counts, indent=2) + "\n")
        config = {"version": 1, "contracts": {"bench": CONTRACT},
                  "data": [{"contract": "bench", "files": path.name}]}
        path.with_name(path.name + ".mlsmoke.yml").write_text(yaml.safe_dump(config))
    return files


def commands(files: list[Path]) -> dict[str, list[str]]:
    runs = {BARE: [sys.executable, "-c", "pass"],
            PYARROW: [sys.executable, "-c", "import pyarrow._parquet"],
            f'python -c "{NO_NUMPY}"': [sys.executable, "-c", NO_NUMPY],
            f'python -c "{DEPENDENCIES}"': [sys.executable, "-c", DEPENDENCIES]}
    for path in files:
        runs[_mlsmoke(path)] = [sys.executable, "-m", "checker", "run", "--only", "data", "--no-publish",
                                "--config", str(path.with_name(path.name + ".mlsmoke.yml")),
                                "--out", str(_out_dir(path))]
    return runs


def _mlsmoke(path: Path) -> str:
    return f"mlsmoke run --only data ({path.suffix[1:]})"


def _out_dir(path: Path) -> Path:
    return FOLDER / f"out-{path.suffix[1:]}"


def bench(files: list[Path], repeats: int) -> dict[str, list[Timing]]:
    """Every command once per repeat, in turn, so a busy moment weighs on all of them alike."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    timings: dict[str, list[Timing]] = {}
    for _ in range(repeats):
        for name, command in commands(files).items():
            timing = measure(name, command, env)
            timings.setdefault(name, []).append(timing)
            print(f"  {name:40} {timing.wall_s:6.3f} s {timing.peak_rss_mib:6.0f} MiB", flush=True)
        for data in files:
            expected = json.loads(data.with_name(data.name + ".expected.json").read_text())
            _check_counts(_mlsmoke(data), mlsmoke_counts(_out_dir(data)), expected)
    return timings


def table(timings: dict[str, list[Timing]]) -> str:
    lines = ["| command | wall (min) | wall (median) | peak RSS |", "|---|---:|---:|---:|"]
    for name, runs in timings.items():
        walls = [t.wall_s for t in runs]
        lines.append(f"| `{name}` | {min(walls):.3f} s | {statistics.median(walls):.3f} s | "
                     f"{max(t.peak_rss_mib for t in runs):.0f} MiB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    files = write_data(args.rows)
    _compile_checker()
    load_before = _uptime()
    timings = bench(files, args.repeats)
    preamble = (f"`bench/small_run.py` ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores): "
                f"{args.rows:,} rows with the bench's contract (28 rules, 1 % of the rows break one), "
                f"Parquet and CSV; each command {args.repeats} times in turn, in its own process "
                "under `/usr/bin/time` (wall and peak RSS from outside); the checker byte-compiled "
                "first. The minimum is the figure to compare on a shared machine.\n\n"
                f"Machine load (`uptime`): before `{load_before}`; after `{_uptime()}`.")
    text = f"{SECTION}\n\n{preamble}\n\n{table(timings)}\n"
    print(text)
    if not args.no_write:
        write_results(text, SECTION)


if __name__ == "__main__":
    main()
