"""Whole-row duplicates (`unique_rows`) are exact: the rows found are those whose Python values
another row has (null equal to null, -0.0 to 0.0, a NaN to nothing), across batches and row
groups, for every column type; the same when the hashes spill to disk under a tiny budget,
when every row's hash collides, and when every partition does; in Parquet, CSV and JSON Lines
files read in several batches on the workers. Each has its twin: the same rows made distinct
find nothing."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.checks.data import repeated_rows, row_hash, unique
from checker.checks.data import scan as scan_module
from checker.checks.data.report import unique_tally
from checker.checks.data.row_hash import frozen
from checker.checks.data.rules import ColumnRules
from checker.checks.data.scan import ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import TableOptions, open_table

TYPES = {"i": ColumnType.INT, "f": ColumnType.FLOAT, "s": ColumnType.STRING, "c": ColumnType.CATEGORY,
         "b": ColumnType.BOOL, "t": ColumnType.DATETIME}
COLUMNS = [ColumnRules(name, Column(type=kind, nullable=True)) for name, kind in TYPES.items()]


def _table(rows: int, seed: int, distinct: bool = False) -> pa.Table:
    """Few values per column, so whole rows repeat, near and far; `distinct`: an id column
    (first) makes every row unique, the twin of the same values."""
    rng = random.Random(seed)
    at = dt.datetime(2024, 1, 1)
    columns = {
        "i": pa.array([rng.choice([0, 1, -1, None]) for _ in range(rows)], pa.int64()),
        "f": pa.array([rng.choice([0.0, -0.0, float("nan"), None, 2.5]) for _ in range(rows)], pa.float64()),
        "s": pa.array([rng.choice(["", None, "a", "ab", "ba"]) for _ in range(rows)], pa.string()),
        "c": pa.array([rng.choice(["red", None, ""]) for _ in range(rows)]).dictionary_encode(),
        "b": pa.array([rng.choice([True, False, None]) for _ in range(rows)], pa.bool_()),
        "t": pa.array([rng.choice([at, None, at + dt.timedelta(days=1)]) for _ in range(rows)],
                      pa.timestamp("ns")),
    }
    if distinct:
        columns["i"] = pa.array(range(rows), pa.int64())
    return pa.table(columns)


def _expected(table: pa.Table) -> list[int]:
    rows = [tuple(frozen(v) for v in row.values()) for row in table.to_pylist()]
    seen = Counter(rows)
    return [i for i, row in enumerate(rows) if seen[row] > 1]


def _write(tmp_path: Path, table: pa.Table) -> Path:
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path, row_group_size=50)
    return path


def _found(path: Path, failing_rows_max: int = 0) -> list[int]:
    found = scan(open_table(path, TableOptions(batch_rows=16)), COLUMNS, ScanAsks(True, failing_rows_max),
                 reread=lambda: open_table(path, TableOptions(batch_rows=23)).batches())
    assert found.duplicate_rows is not None
    return list(found.duplicate_rows.tolist())


def _constant(batch: pa.RecordBatch) -> np.ndarray:
    return np.zeros(batch.num_rows, np.uint64)


@pytest.mark.parametrize("way", ["in memory", "spilled", "every row colliding", "every partition colliding"])
def test_whole_row_duplicates_are_exact_every_way(way: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if way != "in memory":
        monkeypatch.setattr(unique, "MEMORY_BUDGET", 200)  # spills at the second batch
    if way == "every row colliding":
        monkeypatch.setattr(row_hash, "row_hashes", _constant)
    if way == "every partition colliding":
        colliding = partial(repeated_rows.RowCounter, hasher=_constant_keys)
        monkeypatch.setattr(scan_module, "RowCounter", colliding)
    table = _table(300, seed=5)
    path = _write(tmp_path, table)
    expected = _expected(table)
    assert 20 < len(expected) < 300 and expected[-1] > 250  # duplicates across row groups, not all rows
    assert _found(path) == expected
    assert _found(_write(tmp_path, _table(300, seed=5, distinct=True))) == []  # the twin: no duplicate
    assert [p.name for p in tmp_path.iterdir()] == ["rows.parquet"]  # the partitions are removed


def _constant_keys(values: object) -> np.ndarray:
    return np.zeros(len(values), np.uint64)  # type: ignore[arg-type]


def test_the_report_counts_whole_rows_and_keeps_them_as_failing_rows(tmp_path: Path) -> None:
    table = pa.table({"a": [1, 2, 1, 1, 3], "b": ["x", "y", "x", "z", None]})
    path = _write(tmp_path, table)
    columns = [ColumnRules("a", Column(type=ColumnType.INT)), ColumnRules("b", Column(type=ColumnType.STRING,
                                                                                      nullable=True))]
    found = scan(open_table(path), columns, ScanAsks(True, 10), reread=lambda: open_table(path).batches())
    tally = unique_tally(found, 10)
    assert (tally.violations, tally.by_column) == (2, {"(whole row)": 2})
    assert sorted(found.unique_whole) == [0, 2]
    assert found.unique_whole[2] == {"a": 1, "b": "x"}


def _batches(table: pa.Table, size: int) -> Iterator[pa.RecordBatch]:
    yield from table.to_batches(max_chunksize=size)


@pytest.mark.parametrize("budget", [None, 1])
def test_every_column_type_counts_exactly(budget: int | None) -> None:
    day = dt.date(2024, 2, 29)
    table = pa.table({
        "u": pa.array([2**64 - 1, 2**64 - 1, 0, 0, 5, 5], pa.uint64()),
        "large": pa.array(["", "", None, None, "x", "x"], pa.large_string()),
        "raw": pa.array([b"\x00", b"\x00", None, None, b"", b""], pa.binary()),
        "day": pa.array([day, day, None, None, day, day], pa.date32()),
        "cents": pa.array([1, 1, None, None, 2, 2], pa.decimal128(6, 2)),
        "span": pa.array([1, 1, None, None, 3, 3], pa.duration("s")),
        "nested": pa.array([[1], [1], None, None, [], [0]], pa.list_(pa.int64())),
        "f32": pa.array([0.0, -0.0, None, None, 1.0, 1.0], pa.float32()),
    })
    counter = repeated_rows.RowCounter(budget=budget)
    for batch in _batches(table, 4):
        counter.add(batch)
    assert counter.spilled == (budget == 1)
    assert counter.duplicates(lambda: _batches(table, 3)).tolist() == [0, 1, 2, 3]
    twin = table.set_column(0, "u", pa.array(range(6), pa.uint64()))
    counter = repeated_rows.RowCounter(budget=budget)
    for batch in _batches(twin, 4):
        counter.add(batch)
    assert counter.duplicates(lambda: _batches(twin, 3)).tolist() == []


def test_colliding_hashes_are_told_apart_by_the_values() -> None:
    table = pa.table({"a": [1, 2, 3, 2], "b": [0.0, 0.5, float("nan"), 0.5], "n": [None, 1, 1, 1]})
    counter = repeated_rows.RowCounter(row_hash=_constant)
    counter.add(table.to_batches()[0])
    assert counter.duplicates(lambda: table.to_batches()).tolist() == [1, 3]
    nan_rows = pa.table({"a": [1, 1], "b": [float("nan"), float("nan")]})  # a NaN equals nothing
    counter = repeated_rows.RowCounter(row_hash=_constant)
    counter.add(nan_rows.to_batches()[0])
    assert counter.duplicates(lambda: nan_rows.to_batches()).tolist() == []


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_text_files_count_whole_rows_exactly(suffix: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.tables import reader
    from checker.tables.policy import open_data

    monkeypatch.setattr(reader, "BATCH_ROWS", 8)  # several batches, checked on the workers
    rows = [(k % 5, "x" if k % 3 else None) for k in range(60)]  # each row 4 times, batches apart
    rows[59] = (7, "y")
    twin = [(k, text) for k, (_, text) in enumerate(rows)]  # the twin: every row distinct
    columns = [ColumnRules("n", Column(type=ColumnType.INT)),
               ColumnRules("s", Column(type=ColumnType.STRING, nullable=True))]
    for written, expected in ((rows, list(range(59))), (twin, [])):
        path = tmp_path / f"rows.{suffix}"
        path.write_text(_text(written, suffix))
        wanted = {"n": ColumnType.INT, "s": ColumnType.STRING}
        found = open_data(path).read(wanted, lambda stream, reread: scan(stream, columns, ScanAsks(True),
                                                                          reread=reread))
        assert found.duplicate_rows.tolist() == expected


def _text(rows: list[tuple[int, str | None]], suffix: str) -> str:
    import json

    if suffix == "jsonl":
        return "".join(json.dumps({"n": n, "s": s}) + "\n" for n, s in rows)
    return "n,s\n" + "".join(f"{n},{s if s is not None else ''}\n" for n, s in rows)
