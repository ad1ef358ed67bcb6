"""Whole CSV rows parsed from their own lines (csv_spans + `CsvReread.rows`): on every file
shape the rows equal what a full second read gives, or the proof fails (None) and the caller
reads again; physical lines agree with the quote-aware walk; hostile files stay bounded."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from checker.checks.data.scan import FileScan, ScanDeadline
from checker.checks.data.whole import reread_rows, whole_rows
from checker.contracts.model import ColumnType
from checker.tables import csv_lines, csv_spans
from checker.tables.csv_spans import HEADER, record_spans
from checker.tables.policy import ReadOptions, RowsReread, open_data

TYPES = {"id": ColumnType.INT, "x": ColumnType.FLOAT, "name": ColumnType.STRING}
ROWS = [f'{r},{r / 4},"n{r}"' for r in range(40)]


def _text(lines: Iterable[str], newline: str = "\n", end: bool = True) -> str:
    body = newline.join(["id,x,name", *lines])
    return body + newline if end else body


def _write(tmp_path: Path, text: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    if name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def _both(path: Path, wanted: list[int], delimiter: str = ",",
          types: dict[str, ColumnType] = TYPES) -> tuple[dict[int, Any] | None, dict[int, Any], int]:
    """(the rows parsed from their lines or None, the rows a full second read gives, rows read)."""
    import numpy as np

    data = open_data(path, ReadOptions(delimiter=delimiter))

    def run(stream: Any, reread: Any) -> tuple[dict[int, Any] | None, dict[int, Any], int]:
        records = sum(batch.num_rows for batch in stream.batches())
        assert isinstance(reread, RowsReread)
        rows = np.array(sorted(set(wanted)), np.int64)
        return reread.rows(wanted, records), whole_rows(reread(), rows), records

    return data.read({n: t for n, t in types.items() if n in data.column_names}, run)


SHAPES = {
    "quoted values": _text(ROWS),
    "CRLF": _text(ROWS, "\r\n"),
    "BOM": "\ufeff" + _text(ROWS),
    "blank lines": _text([*ROWS[:3], "", *ROWS[3:10], "", "", *ROWS[10:]]) + "\n\n",
    "blank CRLF lines": _text([*ROWS[:5], "", *ROWS[5:]], "\r\n") + "\r\n",
    "no final line break": _text(ROWS, end=False),
    "nulls and quotes inside": _text([*ROWS[:5], '5,,"a ""quoted"" one"', "6,1.5,", *ROWS[7:]]),
    "a quote inside a bare value": _text([*ROWS[:5], '5,2.5,ab"c', *ROWS[6:]]),
    "a carriage return inside quotes": _text([*ROWS[:5], '5,2.5,"a\r\nb"', *ROWS[6:]]),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("wanted", [[0], [39], [0, 1, 17, 38, 39], list(range(40))])
def test_rows_from_their_lines_equal_a_full_read(tmp_path: Path, shape: str, wanted: list[int]) -> None:
    targeted, full, records = _both(_write(tmp_path, SHAPES[shape]), wanted)
    assert records == 40 and len(full) == len(set(wanted))
    if shape == "a carriage return inside quotes":  # a line break inside quotes: no proof
        assert targeted is None
    else:
        assert targeted == full


def test_a_custom_delimiter_and_text_columns(tmp_path: Path) -> None:
    text = "\n".join(["id;x;name", *(f'{r};{r}.5;"n;{r}"' for r in range(9))])
    path = _write(tmp_path, text + "\n")
    targeted, full, _ = _both(path, [0, 4, 8], ";", {"id": ColumnType.STRING, "name": ColumnType.STRING})
    assert targeted == full and full[4] == {"id": "4", "name": "n;4"}


@pytest.mark.parametrize("text", [
    _text([*ROWS[:5], '5,2.5,"two\nlines"', *ROWS[6:]]),  # a line break inside quotes
    _text([*ROWS[:5], '5,2.5,"two\n\nlines"', *ROWS[6:]]),  # a quoted blank line
    _text([*ROWS[:5], ROWS[5] + "\r" + ROWS[6], *ROWS[7:]]),  # a lone carriage return ends a record
])
def test_records_of_several_lines_are_read_again(tmp_path: Path, text: str) -> None:
    import numpy as np

    path = _write(tmp_path, text)
    targeted, full, _ = _both(path, [4, 5, 6, 39])
    assert targeted is None

    def run(_: Any, reread: Any) -> dict[int, Any]:
        return reread_rows(reread, np.array([4, 5, 6, 39]), FileScan(rows=40), ScanDeadline())

    assert open_data(path).read(TYPES, run) == full


def test_a_compressed_file_is_read_again(tmp_path: Path) -> None:
    targeted, full, _ = _both(_write(tmp_path, _text(ROWS), "t.csv.gz"), [3])
    assert targeted is None and full[3]["id"] == 3


def test_a_count_that_differs_is_no_proof(tmp_path: Path) -> None:
    path = _write(tmp_path, _text(ROWS))
    assert record_spans(path, 40, [0]) is not None
    assert record_spans(path, 39, [0]) is None and record_spans(path, 41, [0]) is None


def test_spans_are_the_lines_of_the_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, SHAPES["blank lines"])
    spans = record_spans(path, 40, [HEADER, 0, 3, 39])
    assert spans is not None
    data = path.read_bytes()
    assert [data[s.start:s.end] for s in spans.values()] == [
        b"id,x,name\n", b'0,0.0,"n0"\n', b'3,0.75,"n3"\n', b'39,9.75,"n39"\n']
    assert [s.line for s in spans.values()] == [1, 2, 6, 44]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_physical_lines_agree_with_the_quote_aware_walk(tmp_path: Path, shape: str) -> None:
    path = _write(tmp_path, SHAPES[shape])
    rows = [0, 2, 3, 10, 11, 39, 40]
    walked = csv_lines.physical_lines(path, rows)
    if shape == "a quote inside a bare value":  # the parity walk takes `ab"c` for an open quote
        walked = {row: row + 2 for row in rows if row < 40}
    assert csv_lines.physical_lines(path, rows, 40) == walked


def test_blocks_split_anywhere_give_the_same_spans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, SHAPES["blank CRLF lines"])
    expected = record_spans(path, 40, range(-1, 40))
    size = len(path.read_bytes())
    for block in (16, 17, 23, 64, size // 2, size, size + 1):
        monkeypatch.setattr(csv_spans, "BLOCK", block)
        assert record_spans(path, 40, range(-1, 40)) == expected


def test_a_line_longer_than_a_block_is_no_proof(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, _text([*ROWS[:3], f'3,1.0,"{"y" * 500}"', *ROWS[4:]]))
    monkeypatch.setattr(csv_spans, "BLOCK", 256)
    assert record_spans(path, 40, [0]) is None


def test_a_file_without_any_line_break_stops_at_the_first_block(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_bytes(b"x" * (3 * csv_spans.BLOCK))
    started = time.monotonic()
    assert record_spans(path, 0, [0]) is None
    assert time.monotonic() - started < 5


def test_the_deadline_wraps_every_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_spans, "BLOCK", 64)
    path = _write(tmp_path, _text(ROWS))
    blocks: list[int] = []

    def each(items: Iterable[int]) -> Iterable[int]:
        for item in items:
            blocks.append(item)
            yield item

    assert record_spans(path, 40, [0], each) is not None
    assert len(blocks) >= len(path.read_bytes()) // 64


def test_a_warmed_index_is_the_one_asked_for_later(tmp_path: Path) -> None:
    path = _write(tmp_path, _text(ROWS))
    csv_spans.warm(path)
    csv_spans.warm(path)  # once per file
    warmed = csv_spans.line_index(path)
    assert warmed is not None and warmed.records == 41
    assert csv_spans.line_index(path) is warmed
    size = len(path.read_bytes())
    assert record_spans(path, 40, [39]) == {39: csv_spans.Span(size - len(b'39,9.75,"n39"\n'), size, 41)}


def test_a_file_that_changes_is_scanned_again(tmp_path: Path) -> None:
    path = _write(tmp_path, _text(ROWS))
    assert record_spans(path, 40, [0]) is not None
    _write(tmp_path, _text(ROWS[:30]))
    assert record_spans(path, 40, [0]) is None and record_spans(path, 30, [29]) is not None


def test_waiting_for_a_scan_keeps_to_the_deadline(tmp_path: Path) -> None:
    from concurrent.futures import Future

    path = _write(tmp_path, _text(ROWS))
    key = csv_spans._key(path)
    assert key is not None
    csv_spans._INDEXES[key] = Future()  # a scan that never ends
    waits: list[int] = []

    def each(items: Iterable[int]) -> Iterable[int]:
        for item in items:
            if len(waits) == 3:
                raise TimeoutError("deadline")
            waits.append(item)
            yield item

    with pytest.raises(TimeoutError, match="deadline"):
        csv_spans.line_index(path, each)
    csv_spans._INDEXES.pop(key)


def test_compressed_files_are_not_indexed(tmp_path: Path) -> None:
    path = _write(tmp_path, _text(ROWS), "t.csv.gz")
    csv_spans.warm(path)
    assert csv_spans.line_index(path) is None


JSON_ROWS = [json.dumps({"id": r, "x": r / 4, "name": f"n{r}", "extra": [r]}) for r in range(40)]
JSON_SHAPES = {
    "plain": "\n".join(JSON_ROWS) + "\n",
    "CRLF": "\r\n".join(JSON_ROWS) + "\r\n",
    "blank lines": "\n".join([*JSON_ROWS[:3], "", *JSON_ROWS[3:], ""]) + "\n",
    "no final line break": "\n".join(JSON_ROWS),
    "a value with an escaped line break": "\n".join([*JSON_ROWS[:5], json.dumps({"id": 5, "name": "a\nb"}),
                                                      *JSON_ROWS[6:]]) + "\n",
}
UNPROVEN_JSON = {
    "an object over two lines": "\n".join([*JSON_ROWS[:5], '{"id": 5,\n"x": 1.0}', *JSON_ROWS[6:]]) + "\n",
    "a line of spaces": "\n".join([*JSON_ROWS[:5], "   ", *JSON_ROWS[5:]]) + "\n",
}


def _json_both(path: Path, wanted: list[int]) -> tuple[dict[int, Any] | None, dict[int, Any], int]:
    import numpy as np

    def run(stream: Any, reread: Any) -> tuple[dict[int, Any] | None, dict[int, Any], int]:
        records = sum(batch.num_rows for batch in stream.batches())
        assert isinstance(reread, RowsReread)
        return reread.rows(wanted, records), whole_rows(reread(), np.array(sorted(set(wanted)))), records

    return open_data(path).read(TYPES, run)


@pytest.mark.parametrize("shape", sorted(JSON_SHAPES))
@pytest.mark.parametrize("wanted", [[0], [39], [0, 1, 17, 39]])
def test_json_lines_rows_from_their_lines_equal_a_full_read(
        tmp_path: Path, shape: str, wanted: list[int]) -> None:
    targeted, full, records = _json_both(_write(tmp_path, JSON_SHAPES[shape], "t.jsonl"), wanted)
    assert records == 40 and targeted == full and len(full) == len(set(wanted))


@pytest.mark.parametrize("shape", sorted(UNPROVEN_JSON))
def test_json_lines_that_are_not_one_record_a_line_are_read_again(tmp_path: Path, shape: str) -> None:
    targeted, full, _ = _json_both(_write(tmp_path, UNPROVEN_JSON[shape], "t.jsonl"), [4, 5, 39])
    assert targeted is None and sorted(full) == [4, 5, 39]
