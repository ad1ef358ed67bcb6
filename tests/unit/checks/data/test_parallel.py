"""Parts of a file checked on several threads merge into exactly what one thread in order finds:
counts, by_column, the first examples in row order, failing rows and uniqueness across row
groups (a value repeated in two row groups included). Also: what Parquet statistics prove (and
what they must not: NaN), and allowed values checked on the dictionary."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from checker.checks.data import parallel
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import TableOptions, open_table

COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=1.0)),
    ColumnRules("y", Column(type=ColumnType.FLOAT, min=0.0, max=1.0)),
    ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a", "b"])),
]
ROWS = 1000


def _table() -> pa.Table:
    ids = list(range(ROWS))
    ids[950] = 3  # repeats a value of the first row group in the last one
    ids[501] = ids[500]  # a repeat inside one row group
    x = [0.5] * ROWS
    y = [0.5] * ROWS
    for row in (7, 260, 261, 999):
        x[row] = 2.0
    y[260] = -1.0  # the same row breaks two columns: one row, two by_column entries
    y[612] = float("nan")  # NaN is missing for data.nulls
    kind = ["a", "b"] * (ROWS // 2)
    kind[333], kind[888] = "z", "z"
    return pa.table({"id": ids, "x": pa.array(x, mask=[r == 400 for r in range(ROWS)]), "y": y,
                     "kind": kind})


def _summary(found: FileScan) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found, 3)}
    summary = {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                      [(f.row, f.column) for f in tallies[rule].failing]) for rule in RULES}
    return summary | {"rows": found.rows}


def _scan(path: Path, workers: int, monkeypatch: pytest.MonkeyPatch, batch_rows: int = 64) -> FileScan:
    monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
    stream = open_table(path, TableOptions(batch_rows=batch_rows))
    return scan(stream, COLUMNS, ScanAsks(failing_rows_max=3))


@pytest.mark.parametrize("group", [100, 999, 1000])
def test_parallel_row_groups_merge_into_the_one_thread_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              group: int) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=group)
    one = _summary(_scan(path, 1, monkeypatch))
    assert _summary(_scan(path, 3, monkeypatch)) == one
    ranges_count, by_column, examples, failing = one["ranges"]
    assert ranges_count == 4  # rows 7, 260, 261, 999: row 260 breaks x and y and counts once
    assert by_column == {"x": 4, "y": 1}
    assert [(e.row, e.column) for e in examples] == [(7, "x"), (260, "x"), (260, "y"), (261, "x"), (999, "x")]
    assert failing == [(7, "x"), (260, "x"), (260, "y"), (261, "x")]
    assert one["nulls"][:2] == (2, {"x": 1, "y": 1})  # the null in x, the NaN in y
    assert one["allowed"][:2] == (2, {"kind": 2})
    unique_count, unique_by_column, unique_examples, _ = one["unique"]
    assert (unique_count, unique_by_column) == (4, {"id": 4})  # rows 3 and 950, 500 and 501
    assert [e.row for e in unique_examples] == [3, 500, 501, 950]


def test_csv_batches_checked_in_parallel_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parquet, csv = tmp_path / "t.parquet", tmp_path / "t.csv"
    table = _table()
    pq.write_table(table, parquet, row_group_size=100)
    pacsv.write_csv(table, csv)
    expected = _summary(_scan(parquet, 1, monkeypatch))
    from checker.tables.policy import open_data

    monkeypatch.setattr(parallel, "MAX_WORKERS", 3)
    monkeypatch.setattr("checker.tables.reader.BATCH_ROWS", 64)
    data = open_data(csv)
    found = data.read({c.name: c.column.type for c in COLUMNS},
                      lambda stream, _: scan(stream, COLUMNS, ScanAsks(failing_rows_max=3)))
    assert _summary(found) == expected


def test_ordered_keeps_the_order_and_raises_where_the_error_is() -> None:
    def work(item: int) -> int:
        time.sleep(0.001 * (item % 3))
        if item == 7:
            raise ValueError("seven")
        return item * 10

    assert list(parallel.ordered(range(7), work, 3)) == [i * 10 for i in range(7)]
    got = []
    with pytest.raises(ValueError, match="seven"):
        for result in parallel.ordered(range(20), work, 3):
            got.append(result)
    assert got == [i * 10 for i in range(7)]
    assert not [t for t in threading.enumerate() if t.name.startswith("mlsmoke-check")]


def _check_threads(_item: object) -> set[str]:
    return {threading.current_thread().name}


def test_a_single_part_is_checked_on_the_calling_thread() -> None:
    caller = threading.current_thread().name
    assert list(parallel.ordered([1], _check_threads, 3)) == [{caller}]
    assert list(parallel.ordered([], _check_threads, 3)) == []
    names = set().union(*parallel.ordered(range(4), _check_threads, 3))
    assert caller not in names and all(n.startswith("mlsmoke-check") for n in names)


def test_a_small_parquet_file_is_checked_on_one_thread(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the row floor the pool costs more than it saves; the answer is the same."""
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=100)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", ROWS + 1)
    monkeypatch.setattr(parallel, "workers", lambda: 3)  # whatever the cores here
    started: list[int] = []
    monkeypatch.setattr(parallel, "ordered", _recording(parallel.ordered, started))
    monkeypatch.setattr("checker.checks.data.columnwise.ordered", parallel.ordered)
    small = _summary(_scan(path, 3, monkeypatch))
    assert started == [1]
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", ROWS)  # at the floor: every worker
    assert _summary(_scan(path, 3, monkeypatch)) == small
    assert started == [1, 3]
    assert parallel.workers_for(ROWS - 1) == 1


def _recording(ordered, started):  # type: ignore[no-untyped-def]
    def recorded(items, work, threads, **lead):  # type: ignore[no-untyped-def]
        started.append(threads)
        return ordered(items, work, threads, **lead)

    return recorded


def test_in_flight_parts_are_bounded() -> None:
    started: list[int] = []

    def items():  # type: ignore[no-untyped-def]
        for i in range(50):
            started.append(i)
            yield i

    for taken, _ in enumerate(parallel.ordered(items(), lambda i: i, 2)):
        assert len(started) <= taken + 3  # at most workers + 1 ahead of the consumer


def test_a_group_s_items_run_further_ahead_and_across_groups_they_do_not() -> None:
    """Items of the group the consumer waits on (a row group's column chunks) may run ahead of
    it, up to LEAD_BYTES in flight; the twins: items of different groups, or as heavy as the
    budget, keep workers + 1 in flight."""
    def furthest_ahead(lead: Callable[[int], parallel.Lead]) -> int:
        started: list[int] = []

        def items():  # type: ignore[no-untyped-def]
            for i in range(60):
                started.append(i)
                yield i

        ahead = 0
        for taken, _ in enumerate(parallel.ordered(items(), lambda i: i, 2, lead=lead)):
            ahead = max(ahead, len(started) - taken)
        return ahead

    light = parallel.LEAD_BYTES // 8
    assert furthest_ahead(lambda _: parallel.Lead(0, light)) == 8  # the 8th waits for the 1st
    assert furthest_ahead(lambda _: parallel.Lead(0, 0)) == 3 + parallel.MAX_LEAD  # a bounded count
    assert furthest_ahead(lambda i: parallel.Lead(i, light)) == 3  # each its own group
    assert furthest_ahead(lambda i: parallel.Lead(i // 20, light)) == 8  # groups of 20
    assert furthest_ahead(lambda _: parallel.Lead(0, parallel.LEAD_BYTES)) == 3  # heavy


# --- statistics


def _ranged(tmp_path: Path, name: str, values: list, **write: object) -> Path:
    path = tmp_path / name
    pq.write_table(pa.table({"n": values}), path, row_group_size=50, **write)
    return path


def test_statistics_prove_a_range_and_the_twin_without_them_finds_the_violation(tmp_path: Path) -> None:
    rules = [ColumnRules("n", Column(type=ColumnType.INT, min=0, max=10))]
    clean = _ranged(tmp_path, "clean.parquet", [i % 11 for i in range(200)])
    found = scan(open_table(clean), rules)
    assert found.proven == {"ranges": 4, "nulls": 4}
    assert found.tallies["ranges"].violations == 0
    # the twin: one value out of range in the third row group; no statistics to prove anything
    values = [i % 11 for i in range(200)]
    values[123] = 11
    broken = _ranged(tmp_path, "broken.parquet", values, write_statistics=False)
    found = scan(open_table(broken), rules)
    assert found.proven == {}
    assert found.tallies["ranges"].violations == 1
    assert found.tallies["ranges"].examples[0].row == 123
    # with statistics, only the group holding the bad value is decoded
    found = scan(open_table(_ranged(tmp_path, "stats.parquet", values)), rules)
    assert found.proven == {"ranges": 3, "nulls": 4}
    assert found.tallies["ranges"].violations == 1


def test_a_nan_is_found_though_statistics_say_no_null(tmp_path: Path) -> None:
    values = [0.5] * 200
    values[77] = float("nan")
    path = _ranged(tmp_path, "nan.parquet", values)
    assert pq.ParquetFile(path).metadata.row_group(1).column(0).statistics.null_count == 0
    found = scan(open_table(path), [ColumnRules("n", Column(type=ColumnType.FLOAT, min=0.0, max=1.0))])
    assert found.tallies["nulls"].violations == 1
    assert found.tallies["nulls"].examples[0].row == 77
    assert "nulls" not in found.proven


# --- dictionaries


def _dictionary_file(path: Path, used: list[int], dictionary: list[str]) -> None:
    kind = pa.DictionaryArray.from_arrays(pa.array(used, pa.int32()), pa.array(dictionary))
    pq.write_table(pa.table({"kind": kind}), path, row_group_size=4)


def test_allowed_values_on_the_dictionary(tmp_path: Path) -> None:
    rules = [ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a", "b"]))]
    # "z" is in the dictionary but no row uses it: nothing to report
    unused = tmp_path / "unused.parquet"
    _dictionary_file(unused, [0, 1, 0, 1, 1, 0, 0, 1], ["a", "b", "z"])
    stream = open_table(unused, TableOptions(dictionary=["kind"]))
    assert scan(stream, rules).tallies["allowed"].violations == 0
    # the twin: row 6 uses "z"; found through the dictionary, exactly as without it
    used = tmp_path / "used.parquet"
    _dictionary_file(used, [0, 1, 0, 1, 1, 0, 2, 1], ["a", "b", "z"])
    through_dictionary = scan(open_table(used, TableOptions(dictionary=["kind"])), rules).tallies["allowed"]
    decoded = scan(open_table(used), rules).tallies["allowed"]
    assert (through_dictionary.violations, through_dictionary.examples) == (1, decoded.examples)
    assert through_dictionary.examples[0].row == 6 and through_dictionary.examples[0].value == "z"


def test_a_null_row_of_a_dictionary_column_is_not_a_disallowed_value(tmp_path: Path) -> None:
    rules = [ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a"], nullable=True))]
    path = tmp_path / "nulls.parquet"
    kind = pa.DictionaryArray.from_arrays(pa.array([0, None, 1, 0], pa.int32()), pa.array(["a", "z"]))
    pq.write_table(pa.table({"kind": kind}), path)
    found = scan(open_table(path, TableOptions(dictionary=["kind"])), rules)
    assert found.tallies["allowed"].violations == 1
    assert found.tallies["allowed"].examples[0].row == 2


@pytest.mark.parametrize("threads", [1, 3])
def test_the_worker_count_reaches_the_csv_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               threads: int) -> None:
    """Tests that pin `parallel.workers` (one thread against several) reach every scan: the CSV
    scan asks the module for its count each time, it does not keep a copy of the function."""
    path = tmp_path / "t.csv"
    pacsv.write_csv(_table(), path)
    monkeypatch.setattr(parallel, "workers", lambda: threads)
    started: list[int] = []
    monkeypatch.setattr("checker.checks.data.scan.ordered", _recording(parallel.ordered, started))
    found = _scan(path, 4, monkeypatch)
    assert started == [threads]
    assert found.rows == ROWS
