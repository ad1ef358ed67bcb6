"""data.unique's whole failing rows taken by the row groups' workers (settle.py): the same rows,
values and counts as reading the file again, with no second read when every unique column's
row groups are disjoint; the twin with overlapping row groups reads again and agrees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
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
    ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a", "b"])),
]
GROUP = 100


def _file(tmp_path: Path, ids: list[int]) -> Path:
    rows = len(ids)
    x = [0.5] * rows
    x[5] = 3.0
    kind = ["a", "b"] * (rows // 2)
    kind[17] = "z"
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ids, "x": x, "kind": kind, "note": [f"n{r}" for r in range(rows)]}),
                   path, row_group_size=GROUP)
    return path


def _disjoint_ids() -> list[int]:
    ids = list(range(400))
    for row in (11, 150, 151, 399):  # repeats inside row groups 0, 1 and 3
        ids[row] = ids[row - 1]
    return ids


def _scan(path: Path, cap: int, rereads: list[int], monkeypatch: pytest.MonkeyPatch) -> FileScan:
    monkeypatch.setattr(parallel, "MAX_WORKERS", 2)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    names = [c.name for c in COLUMNS]

    def reread() -> Iterator[pa.RecordBatch]:
        rereads.append(1)
        return open_table(path, TableOptions(columns=names)).batches()

    return scan(open_table(path, TableOptions(columns=names)), COLUMNS, ScanAsks(failing_rows_max=cap),
                reread=reread)


def _answer(found: FileScan, cap: int) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found, cap)}
    return {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples)
            for rule in RULES} | {"rows": found.rows, "whole": found.unique_whole}


def _one_thread(path: Path, cap: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(parallel, "workers", lambda: 1)
        names = [c.name for c in COLUMNS]
        found = scan(open_table(path, TableOptions(columns=names)), COLUMNS, ScanAsks(failing_rows_max=cap),
                     reread=lambda: open_table(path, TableOptions(columns=names)).batches())
    return _answer(found, cap)


@pytest.mark.parametrize("cap", [1000, 3])
def test_disjoint_row_groups_take_the_whole_rows_without_a_second_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    path = _file(tmp_path, _disjoint_ids())
    rereads: list[int] = []
    found = _scan(path, cap, rereads, monkeypatch)
    assert rereads == []
    assert found.tallies["ranges"].violations == 1 and found.tallies["allowed"].violations == 1
    assert unique_tally(found, cap).violations == 7
    assert sorted(found.unique_whole) == [10, 11, 149, 150, 151, 398, 399][:cap]
    assert found.unique_whole[149] == {"id": 149, "x": 0.5, "kind": "b"}
    assert _answer(found, cap) == _one_thread(path, cap, monkeypatch)


def test_overlapping_row_groups_read_again_and_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _disjoint_ids()
    ids[250] = 3  # a value of row group 0 again in row group 2: the groups overlap
    path = _file(tmp_path, ids)
    rereads: list[int] = []
    found = _scan(path, 1000, rereads, monkeypatch)
    assert rereads == [1]
    assert 3 in found.unique_whole and 250 in found.unique_whole
    assert _answer(found, 1000) == _one_thread(path, 1000, monkeypatch)
