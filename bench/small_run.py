"""The fixed cost of a run: `mlsmoke run --only data` on a 1,000-row file, end to end.

    python3 bench/small_run.py [--rows 1000] [--repeats 9] [--image TAG] [--no-write]

Writes a 1,000-row Parquet and CSV file with the bench's contract (28 rules; 1 % of the rows
break one) under ~/.cache/mlsmoke-bench/small/ (or $MLSMOKE_BENCH_DATA/small), then times, in
turn and each in its own process (wall time and peak RSS from outside, bench/timing.py):
bare `python -c pass`, `python -c "import pyarrow._parquet"` (pyarrow and its Parquet reader,
the import no Parquet run can avoid; mlsmoke does not import `pyarrow.parquet`, which also
loads `pyarrow.fs` and the cloud filesystems: tables/parquet_file.py),
the same with numpy hidden (what numpy, which pyarrow imports whenever it is installed, costs),
the imports of every dependency a data-only run needs (pyarrow's Parquet reader and compute core,
PyYAML, click: the floor under any mlsmoke run) and `mlsmoke run --only data
--no-publish` on each file, checking mlsmoke's counts against the planted truth. The imports
that load numpy ask for one OpenBLAS thread first, as mlsmoke's own process does
(checker/run/native.py): a thread per core started as numpy loads is no part of any run.

It does so with this interpreter and the repository's checker and, given `--image`, inside that
checker image too, with the image's interpreter and installed checker: what the action runs.
The rounds alternate between the two. The machine is shared: the minimum of many runs is the
figure to compare. Then, where valgrind is installed, it counts the instructions each command
executes here (callgrind, once each: the count does not change with the machine's load), and
what mlsmoke executes beyond the floor. Writes the `## Small run` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import instructions
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from generate import chunk_table, config_path, write_config
from run import DATA, _compile_checker, write_results
from timing import REPO, Timing, check_counts, mlsmoke_counts, time_in_turn, uptime

SECTION = "## Small run"
FOLDER = DATA.parent / "small"
NO_NUMPY = "import sys; sys.modules['numpy'] = None; import pyarrow._parquet"
DEPENDENCIES = "import pyarrow._parquet, pyarrow._compute, yaml, click"
FLOOR = f'python -c "{DEPENDENCIES}"'  # the floor under any run: what mlsmoke adds is measured from it
ONE_BLAS_THREAD = "import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); "  # as run/native.py
MLSMOKE = "mlsmoke run --only data"
FAULT_RATE = 0.01  # ten faulty rows in a thousand: the report has failures and failing rows
IMAGE_PYTHON = "/opt/mlsmoke/bin/python"  # the checker's environment in the image (Dockerfile)
IMAGE_MLSMOKE = "/opt/mlsmoke/bin/mlsmoke"


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
        write_config(path)
    return files


def commands(files: list[Path], python: str, mlsmoke: list[str], where: str) -> dict[str, list[str]]:
    """What is timed, with one interpreter: bare start-up, pyarrow's Parquet reader with and
    without numpy, every dependency of a data-only run (the floor) and mlsmoke on each file."""
    parquet = f"{ONE_BLAS_THREAD}import pyarrow._parquet"
    runs = {"python -c pass": [python, "-c", "pass"],
            'python -c "import pyarrow._parquet"': [python, "-c", parquet],
            f'python -c "{NO_NUMPY}"': [python, "-c", NO_NUMPY],
            FLOOR: [python, "-c", ONE_BLAS_THREAD + DEPENDENCIES]}
    for path in files:
        runs[_mlsmoke(path)] = [*mlsmoke, "run", "--only", "data", "--no-publish",
                                "--config", str(config_path(path)),
                                "--out", str(_out_dir(path, where))]
    return runs


def _mlsmoke(path: Path) -> str:
    return f"{MLSMOKE} ({path.suffix[1:]})"


def _out_dir(path: Path, where: str) -> Path:
    return FOLDER / f"out-{where}-{path.suffix[1:]}"


def here(files: list[Path]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The commands with this interpreter and the repository's checker, and their environment."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    return commands(files, sys.executable, [sys.executable, "-m", "checker"], "here"), env


def on_this_machine(files: list[Path]) -> dict[str, Timing]:
    """One round with this interpreter and the repository's checker."""
    return time_in_turn(*here(files))


def counted(files: list[Path]) -> dict[str, int]:
    """The instructions each command executes here, once each; mlsmoke's counts checked again."""
    runs, env = here(files)
    found = {name: instructions.count(name, command, env, REPO) for name, command in runs.items()}
    check_truth(files, "here", "under valgrind")
    return found


def check_truth(files: list[Path], where: str, label: str) -> None:
    """mlsmoke's counts on each file, as its last run `where` wrote them, against the truth."""
    for data in files:
        expected = json.loads(data.with_name(data.name + ".expected.json").read_text())
        check_counts(f"{_mlsmoke(data)} ({label})", mlsmoke_counts(_out_dir(data, where)), expected)


def instruction_table(found: dict[str, int]) -> str:
    """One row per command: millions of instructions, × the floor's and, for mlsmoke, how many
    it executes beyond the floor."""
    floor = found[FLOOR]
    lines = ["| command | instructions | × floor | over the floor |", "|---|---:|---:|---:|"]
    for name, executed in found.items():
        over = f"{(executed - floor) / 1e6:+,.0f} M" if name.startswith(MLSMOKE) else ""
        lines.append(f"| `{name}` | {executed / 1e6:,.0f} M | {executed / floor:.2f} | {over} |")
    return "\n".join(lines)


def in_image(files: list[Path], image: str) -> dict[str, Timing]:
    """One round inside the checker image, as shipped: its interpreter, its installed checker
    (byte-compiled), its environment variables. The timing loop
    runs in the container (bench/timing.py, standard library only), so the container's start
    is not counted; the repository is mounted read-only for that script alone."""
    runs = commands(files, IMAGE_PYTHON, [IMAGE_MLSMOKE], "image")
    docker = ["docker", "run", "--rm", "--network", "none", "--user", f"{os.getuid()}:{os.getgid()}",
              "--volume", f"{REPO}:/repo:ro", "--volume", f"{FOLDER}:{FOLDER}",
              "--entrypoint", "python3", image, "/repo/bench/timing.py", json.dumps(runs)]
    done = subprocess.run(docker, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"timing inside {image} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: Timing(name, t["wall_s"], t["peak_rss_mib"], "") for name, t in measured.items()}


def image_python(image: str) -> str:
    done = subprocess.run(["docker", "run", "--rm", "--network", "none", "--entrypoint", IMAGE_PYTHON,
                           image, "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def bench(files: list[Path], repeats: int, image: str | None) -> dict[str, dict[str, list[Timing]]]:
    """Rounds in turn, here and (given an image) in the image, so a busy moment on the shared
    machine weighs on all of them alike; every round's counts checked against the truth."""
    places = {"here": on_this_machine} | ({"image": lambda f: in_image(f, image)} if image else {})
    timings: dict[str, dict[str, list[Timing]]] = {where: {} for where in places}
    for _ in range(repeats):
        for where, run_round in places.items():
            for name, timing in run_round(files).items():
                timings[where].setdefault(name, []).append(timing)
                print(f"  {where:6} {name:40} {timing.wall_s:6.3f} s {timing.peak_rss_mib:6.0f} MiB",
                      flush=True)
            check_truth(files, where, where)
    return timings


def table(timings: dict[str, dict[str, list[Timing]]]) -> str:
    """One row per command; for each place it ran: minimum, median, peak RSS and, for mlsmoke,
    what it adds to the floor (the minimums' difference: a figure that holds when the machine's
    speed changes, where the wall time does not)."""
    labels = {"here": "this machine", "image": "checker image"}
    places = [where for where in labels if where in timings]
    floors = {where: min(t.wall_s for t in timings[where][FLOOR]) for where in places}
    head = ["command"] + [f"{labels[where]} {figure}" for where in places
                          for figure in ("(min)", "(median)", "over the floor", "peak RSS")]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for name in timings["here"]:
        cells = [f"`{name}`"]
        for where in places:
            runs = timings[where][name]
            walls = [t.wall_s for t in runs]
            over = f"{(min(walls) - floors[where]) * 1000:+.0f} ms" if name.startswith(MLSMOKE) else ""
            cells += [f"{min(walls):.3f} s", f"{statistics.median(walls):.3f} s", over,
                      f"{max(t.peak_rss_mib for t in runs):.0f} MiB"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--image", help="also time the run inside this checker image (make bench builds it)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--no-instructions", action="store_true", help="do not count instructions")
    args = parser.parse_args()
    files = write_data(args.rows)
    _compile_checker()
    where = f"this machine: Python {platform.python_version()} (`{sys.executable}`), the repository's checker"
    if args.image:
        where += (f"; the checker image `{args.image}`: Python {image_python(args.image)} "
                  f"(`{IMAGE_PYTHON}`), the installed checker, the timing loop inside the container "
                  "(no `/usr/bin/time` there: mlsmoke's launcher times each command from its fork to "
                  "the command's end, its own start-up not counted)")
    load_before = uptime()
    timings = bench(files, args.repeats, args.image)
    preamble = (f"`bench/small_run.py` ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores): "
                f"{args.rows:,} rows with the bench's contract (28 rules, 1 % of the rows break one), "
                f"Parquet and CSV; each command {args.repeats} times in turn, in its own process, "
                "wall and peak RSS measured from outside it; the checker byte-compiled, as in the "
                f"image. Where: {where}. The minimum is the figure to compare on a shared machine; "
                "over the floor is mlsmoke's minimum less the floor's (importing every dependency "
                "of a data-only run), in the same place: what mlsmoke itself adds.\n\n"
                f"Machine load (`uptime`): before `{load_before}`; after `{uptime()}`.")
    text = f"{SECTION}\n\n{preamble}\n\n{table(timings)}\n"
    if not args.no_instructions and instructions.valgrind():
        text += ("\nInstructions executed here, counted once each by valgrind's callgrind (all of "
                 "a process's threads; the same count however busy the machine is):\n\n"
                 f"{instruction_table(counted(files))}\n")
    elif not args.no_instructions:
        text += "\nInstructions were not counted: valgrind is not installed here.\n"
    print(text)
    if not args.no_write:
        write_results(text, SECTION)


if __name__ == "__main__":
    main()
