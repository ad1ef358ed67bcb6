"""data.unique's whole failing rows on a Parquet file checked column by column (`picked.py`):
the columns a row group's statistics proved (never decoded for the rules) are decoded by the
worker that settled the unique column, never on the merging thread; the rows come out whole
and in row order, the same as on one thread; a clean file decodes no proven column at all; and
once the scan holds `failing_rows_max` whole rows, later row groups decode nothing for them."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.checks.data import parallel
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables import row_group
from checker.tables.reader import TableOptions, open_table

COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, nullable=True, min=0.0, max=1.0)),  # proven past group 0
    ColumnRules("key", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("y", Column(type=ColumnType.INT, min=0)),  # proven in every row group
    ColumnRules("kind", Column(type=ColumnType.STRING)),  # no rule but types: never decoded
]
NAMES = [c.name for c in COLUMNS]
GROUP = 100


def _file(tmp_path: Path, groups: int, repeats: dict[str, list[int]]) -> pa.Table:
    """`groups` row groups; each column of `repeats` repeats the row before at those rows."""
    rows = groups * GROUP
    ids, keys = list(range(rows)), [10 * r for r in range(rows)]
    for row in repeats.get("id", []):
        ids[row] = ids[row - 1]
    for row in repeats.get("key", []):
        keys[row] = keys[row - 1]
    x = [0.25] * rows
    x[5] = 3.0
    table = pa.table({"id": ids, "x": x, "key": keys, "y": [r % 7 for r in range(rows)],
                      "kind": [f"k{r % 3}" for r in range(rows)]})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=GROUP)
    return table


def _scan(tmp_path: Path, cap: int, monkeypatch: pytest.MonkeyPatch, threads: int = 2
          ) -> tuple[FileScan, list[tuple[bool, str]]]:
    """The scan, and every column chunk decoded: (on the merging thread, column)."""
    decoded: list[tuple[bool, str]] = []

    def watch(method: Any) -> Any:
        def watched(self: row_group.GroupColumns, name: str, *rows: int) -> Any:
            decoded.append((threading.current_thread() is threading.main_thread(), name))
            return method(self, name, *rows)
        return watched

    path = tmp_path / "t.parquet"
    with monkeypatch.context() as patched:
        patched.setattr(parallel, "MAX_WORKERS", threads)
        patched.setattr(parallel, "workers", lambda: threads)
        patched.setattr(row_group.GroupColumns, "column", watch(row_group.GroupColumns.column))
        patched.setattr(row_group.GroupColumns, "_head", watch(row_group.GroupColumns._head))
        found = scan(open_table(path, TableOptions(columns=NAMES)), COLUMNS, ScanAsks(failing_rows_max=cap),
                     reread=lambda: pytest.fail("read again"))
    return found, decoded


def _answer(found: FileScan, cap: int) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found, cap)}
    return {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                   tallies[rule].failing) for rule in RULES} | {"whole": found.unique_whole}


def test_rows_in_proven_columns_come_out_whole_and_in_order_across_row_groups(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repeats = {"id": [11, 150, 151, 399], "key": [151, 152, 260, 398]}
    table = _file(tmp_path, 4, repeats)
    found, decoded = _scan(tmp_path, 1000, monkeypatch)
    rows = [10, 11, 149, 150, 151, 152, 259, 260, 397, 398, 399]
    assert list(found.unique_whole) == rows  # in row order
    assert found.unique_whole == dict(zip(rows, table.select(NAMES).take(rows).to_pylist(), strict=True))
    assert list(found.unique_whole[260]) == NAMES  # every contract column, in the contract's order
    assert not [name for on_main, name in decoded if on_main]  # nothing decoded on the merging thread
    assert ("y" in {name for _, name in decoded}) and ("kind" in {name for _, name in decoded})
    one_thread, _ = _scan(tmp_path, 1000, monkeypatch, threads=1)
    assert _answer(found, 1000) == _answer(one_thread, 1000)


def test_a_file_without_repeats_decodes_no_proven_column(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _file(tmp_path, 4, {})
    found, decoded = _scan(tmp_path, 1000, monkeypatch)
    assert unique_tally(found, 1000).violations == 0 and found.unique_whole == {}
    assert found.tallies["ranges"].violations == 1
    names = [name for _, name in decoded]
    assert "y" not in names and "kind" not in names
    assert names.count("x") == 1  # row group 0 only: the statistics prove the others


@pytest.mark.parametrize("cap", [2, 5])
def test_once_the_cap_is_held_later_row_groups_decode_nothing_for_whole_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    groups = 12
    repeats = {"id": [g * GROUP + r for g in range(groups) for r in (3, 40, 41, 77)]}
    table = _file(tmp_path, groups, repeats)
    found, decoded = _scan(tmp_path, cap, monkeypatch)
    rows = sorted({row for row in repeats["id"]} | {row - 1 for row in repeats["id"]})[:cap]
    assert list(found.unique_whole) == rows
    assert found.unique_whole == dict(zip(rows, table.select(NAMES).take(rows).to_pylist(), strict=True))
    assert unique_tally(found, cap).violations == 7 * groups
    # row group 0 holds the cap; the workers run at most two row groups ahead of the merge
    assert 1 <= [name for _, name in decoded].count("y") <= 3
    one_thread, _ = _scan(tmp_path, cap, monkeypatch, threads=1)
    assert _answer(found, cap) == _answer(one_thread, cap)
