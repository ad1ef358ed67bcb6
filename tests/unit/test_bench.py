"""The benchmark's own proof of exactness (bench/): the truth bench/generate.py plants, the count
check every contender's answer goes through, and the timing of one command from outside its
process (bench/timing.py, which also runs inside the checker image) and the instructions it
executes (bench/instructions.py, where valgrind is installed). A benchmark that could not
notice a miscount would prove nothing, so each check here has a twin where the data or the
command is wrong and the bench must say so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from helpers import REPO, cli_in_process, load_script

generate = load_script(REPO / "bench" / "generate.py")
timing = load_script(REPO / "bench" / "timing.py")
contenders = load_script(REPO / "bench" / "contenders.py")
load_script(REPO / "bench" / "run.py")  # small_run.py imports it by name, as when run from bench/
instructions = load_script(REPO / "bench" / "instructions.py")
small_run = load_script(REPO / "bench" / "small_run.py")

ROWS = 4_000


def _planted(folder: Path, table: pa.Table) -> Path:
    data = folder / "data.parquet"
    pq.write_table(table, data)
    generate.write_config(data)
    return data


def _one_more_out_of_range(table: pa.Table) -> pa.Table:
    """The planted table with one more value out of range, on a row that broke no rule: the
    truth computed before no longer holds."""
    clean = pc.and_(pc.is_valid(table["f0"]), pc.less_equal(table["f0"], 100.0))
    clean = pc.and_(clean, pc.is_in(table["category"], pa.array(generate.CATEGORIES)))
    row = pc.index(clean, True).as_py()
    values = table["f0"].to_pylist()
    values[row] = 250.0
    return table.set_column(table.schema.get_field_index("f0"), "f0", pa.array(values, pa.float64()))


def _mlsmoke_counts(folder: Path) -> dict[str, int]:
    config = generate.config_path(folder / "data.parquet")
    done = cli_in_process("run", "--only", "data", "--no-publish", "--config", str(config),
                          "--out", str(folder / "out"), cwd=folder)
    assert done.returncode == 1, done.stdout + done.stderr  # the planted faults fail the run
    counts: dict[str, int] = timing.mlsmoke_counts(folder / "out")
    return counts


@pytest.fixture(scope="module")
def planted() -> tuple[pa.Table, dict[str, int]]:
    table, counts = generate.chunk_table(0, ROWS, seed=7, fault_rate=0.01)
    return table, counts


def test_the_planted_truth_breaks_every_rule(planted: tuple[pa.Table, dict[str, int]]) -> None:
    _, counts = planted
    assert set(counts) == {"ranges", "nulls", "allowed", "unique"}
    assert all(count > 0 for count in counts.values()), counts
    assert sum(counts.values()) <= ROWS * 0.01 * 2  # a duplicated id counts both rows


def test_mlsmoke_counts_exactly_the_planted_rows(tmp_path: Path,
                                                 planted: tuple[pa.Table, dict[str, int]]) -> None:
    table, counts = planted
    _planted(tmp_path, table)
    timing.check_counts("mlsmoke", _mlsmoke_counts(tmp_path), counts)


def test_a_count_that_differs_from_the_truth_stops_the_bench(
        tmp_path: Path, planted: tuple[pa.Table, dict[str, int]]) -> None:
    table, counts = planted
    _planted(tmp_path, _one_more_out_of_range(table))
    found, wrong = _mlsmoke_counts(tmp_path), counts["ranges"] + 1
    assert found["ranges"] == wrong
    with pytest.raises(SystemExit, match=rf"mlsmoke found .*'ranges': {wrong}.*the data has"):
        timing.check_counts("mlsmoke", found, counts)


@pytest.mark.parametrize("name", ["polars", "duckdb"])
def test_each_peer_counts_exactly_the_planted_rows(name: str, tmp_path: Path,
                                                   planted: tuple[pa.Table, dict[str, int]]) -> None:
    if os.environ.get("MLSMOKE_REQUIRE_BENCH") != "1":  # .ci/run installs them and sets it: no skip there
        pytest.importorskip(name, reason=f"{name} is a bench contender (pip install -e '.[bench]')")
    table, counts = planted
    contender = getattr(contenders, name)
    timing.check_counts(name, contender(_planted(tmp_path, table)), counts)
    wrong = contender(_planted(tmp_path, _one_more_out_of_range(table)))
    with pytest.raises(SystemExit, match=f"{name} found"):
        timing.check_counts(name, wrong, counts)


def test_one_command_is_timed_from_outside_its_process() -> None:
    measured = timing.measure("python", [sys.executable, "-c", "print('hello')"], {})
    assert measured.contender == "python" and measured.output == "hello\n"
    assert 0 < measured.wall_s < 60
    assert 1 < measured.peak_rss_mib < 1024  # the child's own peak, not this process's


def test_without_gnu_time_the_launcher_times_the_command_alone(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    """The checker image has no /usr/bin/time: mlsmoke's launcher takes the peak memory and the
    wall time, from its fork to the command's end, so its own Python start-up is not counted."""
    monkeypatch.setattr(timing, "TIME", tmp_path / "no-time")
    command = [sys.executable, "-I", "-S", "-c", "import time; time.sleep(0.2); print('hello')"]
    started = time.perf_counter()
    measured = timing.measure("sleeper", command, {})
    around = time.perf_counter() - started
    assert measured.output == "hello\n" and 1 < measured.peak_rss_mib < 1024
    assert measured.wall_s >= 0.2  # the command's whole life
    assert around - measured.wall_s > 0.003  # not the launcher's start (an interpreter's, >= 5 ms)
    with pytest.raises(SystemExit, match="broken failed"):
        timing.measure("broken", [sys.executable, "-c", "raise SystemExit(3)"], {})


def test_a_command_that_fails_stops_the_bench() -> None:
    with pytest.raises(SystemExit, match=r"broken failed \(3\):\nno good"):
        timing.measure("broken", [sys.executable, "-c", "import sys; print('no good'); sys.exit(3)"], {})


def test_the_timing_loop_needs_nothing_beyond_the_standard_library() -> None:
    """bench/small_run.py runs bench/timing.py inside the checker image with its system Python:
    here with site-packages switched off (-S), as there."""
    commands = {"pass": [sys.executable, "-c", "pass"],
                "exits 1": [sys.executable, "-c", "raise SystemExit(1)"]}
    loop = [sys.executable, "-I", "-S", str(REPO / "bench" / "timing.py"), json.dumps(commands)]
    done = subprocess.run(loop, capture_output=True, text=True, timeout=120, check=True)
    printed: dict[str, Any] = json.loads(done.stdout)
    assert set(printed) == set(commands)
    assert all(t["wall_s"] > 0 and t["peak_rss_mib"] > 1 for t in printed.values()), printed


def _timings(walls: dict[str, list[float]]) -> dict[str, list[Any]]:
    return {name: [timing.Timing(name, wall, 80.0, "") for wall in runs] for name, runs in walls.items()}


def test_the_small_run_table_gives_what_mlsmoke_adds_to_the_floor_in_each_place() -> None:
    parquet = f"{small_run.MLSMOKE} (parquet)"
    floor = small_run.FLOOR
    here = _timings({"python -c pass": [0.021, 0.020], floor: [0.170, 0.161], parquet: [0.204, 0.210]})
    image = _timings({"python -c pass": [0.027, 0.028], floor: [0.168, 0.175], parquet: [0.200, 0.230]})
    rows = small_run.table({"here": here, "image": image}).splitlines()
    assert rows[0].count("over the floor") == 2
    assert rows[2].split(" | ")[3] == ""  # bare Python: nothing of mlsmoke's to measure
    assert rows[4] == (f"| `{parquet}` | 0.204 s | 0.207 s | +43 ms | 80 MiB "
                       "| 0.200 s | 0.215 s | +32 ms | 80 MiB |")


def test_the_small_run_table_shows_a_run_below_the_floor_as_such() -> None:
    parquet = f"{small_run.MLSMOKE} (parquet)"
    here = _timings({small_run.FLOOR: [0.170], parquet: [0.165]})
    assert "| 0.165 s | 0.165 s | -5 ms |" in small_run.table({"here": here})


needs_valgrind = pytest.mark.skipif(instructions.valgrind() is None, reason="valgrind is not installed")


@needs_valgrind
def test_a_command_s_instructions_are_counted_and_grow_with_its_work() -> None:
    bare = instructions.count("pass", [sys.executable, "-I", "-S", "-c", "pass"], {}, REPO)
    looped = instructions.count("loop", [sys.executable, "-I", "-S", "-c", "for _ in range(10**6): pass"],
                                {}, REPO)
    assert 1_000_000 < bare < looped  # a million more iterations: millions more instructions
    assert looped - bare > 5_000_000
    with pytest.raises(SystemExit, match=r"broken failed under valgrind \(3\)"):
        instructions.count("broken", [sys.executable, "-I", "-S", "-c", "raise SystemExit(3)"], {}, REPO)


def test_the_instruction_table_gives_what_mlsmoke_executes_beyond_the_floor() -> None:
    parquet = f"{small_run.MLSMOKE} (parquet)"
    rows = small_run.instruction_table({"python -c pass": 39_000_000, small_run.FLOOR: 650_000_000,
                                        parquet: 862_000_000}).splitlines()
    assert rows[2] == "| `python -c pass` | 39 M | 0.06 |  |"
    assert rows[3].endswith("| 650 M | 1.00 |  |")
    assert rows[4] == f"| `{parquet}` | 862 M | 1.33 | +212 M |"


def test_the_floor_asks_for_one_blas_thread_as_mlsmoke_does() -> None:
    """A thread per core, started as numpy loads, is no part of an mlsmoke run
    (checker/run/native.py); the imports that load numpy ask for one first, the rest do not."""
    runs = small_run.commands([], sys.executable, ["mlsmoke"], "here")
    assert runs[small_run.FLOOR][2].startswith(small_run.ONE_BLAS_THREAD)
    assert runs['python -c "import pyarrow._parquet"'][2].startswith(small_run.ONE_BLAS_THREAD)
    assert runs["python -c pass"][2] == "pass"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    show = small_run.ONE_BLAS_THREAD + "print(os.environ['OPENBLAS_NUM_THREADS'])"
    shown = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, env=env,
                           timeout=60, check=True)
    assert shown.stdout == "1\n"
