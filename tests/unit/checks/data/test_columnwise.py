"""Parquet row groups checked column by column (`columnwise.py`): a corrupt column chunk in the
middle of the file is a read error, a passed deadline stops between row groups, and whole
failing rows come from the columns each row group holds (no second read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.checks.data import columnwise, parallel
from checker.checks.data.rules import ColumnRules
from checker.checks.data.scan import ScanAsks, ScanDeadline, scan
from checker.checks.deadline import Deadline
from checker.contracts.model import Column, ColumnType
from checker.errors import DeadlineExceededError
from checker.tables.errors import TableReadError
from checker.tables.reader import TableOptions, open_table

RULES = [ColumnRules("x", Column(type=ColumnType.FLOAT, max=1.0)),
         ColumnRules("y", Column(type=ColumnType.INT, min=0))]


def _file(path: Path, groups: int = 4, rows: int = 1000) -> Path:
    x = [2.0 if r % 97 == 0 else r / (groups * rows) for r in range(groups * rows)]
    y = [-1 if r % 101 == 0 else r for r in range(groups * rows)]
    pq.write_table(pa.table({"x": x, "y": y}), path, row_group_size=rows, compression="none",
                   use_dictionary=False)
    return path


def test_a_corrupt_column_chunk_mid_file_is_a_read_error(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "t.parquet")
    chunk = pq.ParquetFile(path).metadata.row_group(2).column(1)
    data = bytearray(path.read_bytes())
    start = chunk.data_page_offset
    data[start:start + 64] = b"\xff" * 64  # the page header of row group 2's `y`
    path.write_bytes(bytes(data))
    for workers in (1, 2):
        monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
        with pytest.raises(TableReadError):
            scan(open_table(path, TableOptions(columns=["x", "y"])), RULES, ScanAsks(failing_rows_max=5))


def test_a_passed_deadline_stops_between_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "t.parquet")
    monkeypatch.setattr(parallel, "MAX_WORKERS", 2)
    checked: list[str] = []
    check = columnwise._check

    def counted(task: columnwise._Task) -> tuple[int, columnwise._Column]:
        checked.append(task.rules.name)
        return check(task)

    monkeypatch.setattr(columnwise, "_check", counted)
    bound = ScanDeadline(Deadline.after(0.0, "data"), "t.parquet")
    with pytest.raises(DeadlineExceededError, match=r"t\.parquet"):
        scan(open_table(path), RULES, ScanAsks(), bound=bound)
    assert len(checked) < 8  # not every column of every row group


def test_whole_failing_rows_come_from_the_columns_held_for_their_row_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "t.parquet", groups=6)
    monkeypatch.setattr(parallel, "MAX_WORKERS", 2)
    held: list[int] = []
    part = columnwise._part

    def watched(stream: Any, plan: columnwise.GroupPlan, columns: list, layout: columnwise.Layout) -> Any:
        held.append(sum(c.raw is not None for c in columns))
        return part(stream, plan, columns, layout)

    monkeypatch.setattr(columnwise, "_part", watched)
    found = scan(open_table(path), RULES, ScanAsks(failing_rows_max=1000))
    assert held == [2] * 6
    assert found.tallies["ranges"].violations == found.tallies["ranges"].kept > 0
    assert all(set(f.whole) == {"x", "y"} for f in found.tallies["ranges"].failing)


def _cheap_then_costly(path: Path, groups: int = 3, rows: int = 2000) -> Path:
    """`cheap` is first in the contract and small stored (one repeated value, dictionary
    encoded); `costly` is second and takes eight bytes a row stored (distinct, plain)."""
    cheap = [5.0 if r % 301 == 0 else 0.5 for r in range(groups * rows)]
    costly = [-r if r % 211 == 0 else r * 7919 for r in range(groups * rows)]
    pq.write_table(pa.table({"cheap": cheap, "costly": costly}), path, row_group_size=rows,
                   use_dictionary=["cheap"], compression="none")
    return path


CHEAP_THEN_COSTLY = [ColumnRules("cheap", Column(type=ColumnType.FLOAT, max=1.0)),
                     ColumnRules("costly", Column(type=ColumnType.INT, min=0, unique=True))]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_group_s_costliest_column_is_checked_first_and_merged_in_contract_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """A long task handed out last would keep one worker busy while the others wait for the
    group's end: each group's columns go out the most work first, and come back in the
    contract's order, so the answer is the one the contract's order gives."""
    path = _cheap_then_costly(tmp_path / "t.parquet")
    monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
    handed: list[str] = []
    check = columnwise._check

    def recorded(task: columnwise._Task) -> tuple[int, columnwise._Column]:
        handed.append(task.rules.name)
        return check(task)

    monkeypatch.setattr(columnwise, "ordered", _in_turn)  # hand tasks out one by one, in turn
    monkeypatch.setattr(columnwise, "_check", recorded)
    found = scan(open_table(path), CHEAP_THEN_COSTLY, ScanAsks(failing_rows_max=1000))
    assert handed == ["costly", "cheap"] * 3
    ranges = found.tallies["ranges"]
    assert list(ranges.by_column) == ["cheap", "costly"]  # the contract's order, not the check's
    assert [(e.row, e.column) for e in ranges.examples[:3]] == [(0, "cheap"), (211, "costly"), (301, "cheap")]
    assert [(f.row, f.column) for f in ranges.failing[:3]] == [(0, "cheap"), (211, "costly"), (301, "cheap")]
    monkeypatch.setattr(columnwise, "ordered", parallel.ordered)
    again = scan(open_table(path), CHEAP_THEN_COSTLY, ScanAsks(failing_rows_max=1000)).tallies["ranges"]
    assert (again.by_column, again.examples) == (ranges.by_column, ranges.examples)
    assert again.failing == ranges.failing


def _in_turn(items: Any, work: Any, _threads: int, **_lead: Any) -> Any:
    return (work(item) for item in items)
