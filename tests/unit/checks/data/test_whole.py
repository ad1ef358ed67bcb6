"""data.unique's whole failing rows of a CSV: parsed from their own lines with no second read of
the file when each record is one line, read again when a quoted value spans lines; either way
the same rows, values, counts and failing rows as reading the whole file again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.policy import open_data

COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=1.0)),
    ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a", "b"])),
]


def _csv(tmp_path: Path, note: str) -> Path:
    ids = list(range(300))
    for row in (1, 150, 299):  # the header's neighbour, the middle, the last row
        ids[row] = ids[row - 1]
    lines = ["id,x,kind,note"] + [f'{i},0.5,{"z" if r == 17 else "a"},"{note if r == 151 else r}"'
                                  for r, i in enumerate(ids)]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _scan(path: Path, cap: int, plain: bool, rereads: list[int]) -> FileScan:
    def run(stream: Any, reread: Any) -> FileScan:
        def counted() -> Iterator[pa.RecordBatch]:
            rereads.append(1)
            return iter(reread())

        again: Any = counted if plain else _Counted(reread, rereads)  # plain: no `rows`, read again
        return scan(stream, COLUMNS, ScanAsks(failing_rows_max=cap), reread=again)

    return open_data(path).read({c.name: c.column.type for c in COLUMNS}, run)


class _Counted:
    """The policy's reread, counting full second reads."""

    def __init__(self, reread: Any, rereads: list[int]) -> None:
        self._reread, self._rereads = reread, rereads

    def __call__(self) -> Iterator[pa.RecordBatch]:
        self._rereads.append(1)
        return iter(self._reread())

    def rows(self, *args: Any) -> Any:
        return self._reread.rows(*args)

    def pieces(self, *args: Any) -> Any:  # JSON Lines are not cut: None
        return getattr(self._reread, "pieces", lambda *_: None)(*args)

    def piece(self, *args: Any) -> Any:
        return self._reread.piece(*args)


def _answer(found: FileScan, cap: int) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found, cap)}
    answer = {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                     tallies[rule].failing) for rule in RULES}
    return answer | {"rows": found.rows, "whole": found.unique_whole}


@pytest.mark.parametrize("cap", [1000, 2])
def test_one_line_records_are_parsed_alone_without_a_second_read(tmp_path: Path, cap: int) -> None:
    path = _csv(tmp_path, "plain")
    rereads: list[int] = []
    found = _scan(path, cap, plain=False, rereads=rereads)
    assert rereads == []
    full: list[int] = []
    assert _answer(found, cap) == _answer(_scan(path, cap, plain=True, rereads=full), cap)
    assert full == [1]
    assert sorted(found.unique_whole) == [0, 1, 149, 150, 298, 299][:cap]
    assert found.unique_whole[0] == {"id": 0, "x": 0.5, "kind": "a"}


def test_a_value_spanning_lines_reads_the_file_again_and_agrees(tmp_path: Path) -> None:
    path = _csv(tmp_path, "two\nlines")
    rereads: list[int] = []
    found = _scan(path, 1000, plain=False, rereads=rereads)
    assert rereads == [1]
    assert _answer(found, 1000) == _answer(_scan(path, 1000, plain=True, rereads=[]), 1000)
    assert found.unique_whole[299] == {"id": 298, "x": 0.5, "kind": "a"}


@pytest.mark.parametrize(("note", "indexed"), [("plain", True), ("clean", False)])
def test_a_csv_with_a_violation_has_its_lines_indexed_during_the_scan(
        tmp_path: Path, note: str, indexed: bool) -> None:
    from checker.tables import csv_spans

    path = _csv(tmp_path, note)
    if note == "clean":
        path.write_text("id,x,kind,note\n" + "".join(f"{r},0.5,a,{r}\n" for r in range(300)))
    _scan(path, 0, plain=False, rereads=[])
    assert (csv_spans._key(path) in csv_spans._INDEXES) is indexed


@pytest.mark.parametrize(("spanning", "reads"), [(False, []), (True, [1])])
def test_json_lines_rows_are_parsed_alone_unless_an_object_spans_lines(
        tmp_path: Path, spanning: bool, reads: list[int]) -> None:
    import json

    lines = [json.dumps({"id": r - (r in (1, 150, 299)), "x": 0.5, "kind": "z" if r == 17 else "a"})
             for r in range(300)]
    if spanning:
        lines[200] = '{"id": 200,\n "x": 0.5, "kind": "a"}'
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n")
    rereads: list[int] = []
    found = _scan(path, 1000, plain=False, rereads=rereads)
    assert rereads == reads
    assert _answer(found, 1000) == _answer(_scan(path, 1000, plain=True, rereads=[]), 1000)
    assert sorted(found.unique_whole) == [0, 1, 149, 150, 298, 299]
