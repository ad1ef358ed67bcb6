"""The first pass over a CSV in pieces on every core (csv_pieces, split.py): on every file shape
the counts, by_column, first examples, failing rows and whole rows equal one pass in order; a
piece that is not one record a line (a quoted line break) makes the file read in one pass."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.checks.data import parallel
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables import csv_pieces, csv_spans
from checker.tables.errors import UnprovenSplitError
from checker.tables.policy import ReadOptions, open_data

COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=1.0)),
    ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["a", "b"])),
]


def _lines(rows: int = 400, delimiter: str = ",") -> list[str]:
    lines = ["id,x,kind,note".replace(",", delimiter)]
    for r in range(rows):
        ident = r - 1 if r % 37 == 1 else r
        x = 7.5 if r % 29 == 3 else 0.5
        kind = "z" if r % 31 == 5 else "a"
        note = f'"n {r}, ""q"""' if r % 3 else str(r)
        lines.append(delimiter.join([str(ident), str(x), kind, note]))
    return lines


def _with(lines: list[str], row: int, line: str) -> list[str]:
    return [*lines[:row + 1], line, *lines[row + 2:]]


SHAPES = {
    "quoted values": "\n".join(_lines()) + "\n",
    "CRLF": "\r\n".join(_lines()) + "\r\n",
    "BOM": "\ufeff" + "\n".join(_lines()) + "\n",
    "blank lines": "\n".join(line + "\n" * (k % 50 == 7) for k, line in enumerate(_lines())) + "\n\n",
    "no final line break": "\n".join(_lines()),
    "a quoted line break early": "\n".join(_with(_lines(), 20, '20,0.5,a,"two\nlines"')) + "\n",
    "a quoted line break late": "\n".join(_with(_lines(), 380, '380,0.5,a,"two\nlines"')) + "\n",
    "quoted line breaks everywhere": "\n".join(
        f'{k},0.5,a,"l\n{k}"' if k % 9 == 1 else line for k, line in enumerate(_lines())) + "\n",
    "a quoted line break between plain lines": "\n".join(
        _with(_lines(), 200, '200,0.5,a,"x\nplain\nplain,too\ny"')) + "\n",
    "long lines": "\n".join(f'{line},"{"y" * 5000}"' if k % 10 == 4 else f"{line},"
                             for k, line in enumerate(_lines())) + "\n",
    "a bad number late": "\n".join(_with(_lines(), 390, "390,seven,a,x")) + "\n",
}


def _answer(path: Path, piece: int, monkeypatch: pytest.MonkeyPatch, delimiter: str = ",",
            unique_rows: bool = False) -> dict:
    monkeypatch.setattr(csv_pieces, "PIECE", piece)
    monkeypatch.setattr(csv_spans, "_STRIDE", 5)  # a checkpoint every 32 bytes
    monkeypatch.setattr(parallel, "MAX_WORKERS", 2)
    monkeypatch.setattr(parallel, "workers", lambda: 2)  # two cores, whatever the machine has
    cap = 1000

    def run(stream: Any, reread: Any) -> FileScan:
        return scan(stream, COLUMNS, ScanAsks(unique_rows, failing_rows_max=cap), reread=reread)

    wanted = {c.name: c.column.type for c in COLUMNS}
    found = open_data(path, ReadOptions(delimiter=delimiter)).read(wanted, run)
    tallies = {**found.tallies, "unique": unique_tally(found, cap)}
    answer = {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                     tallies[rule].failing) for rule in RULES}
    repeated = None if found.duplicate_rows is None else found.duplicate_rows.tolist()
    return answer | {"rows": found.rows, "whole": found.unique_whole, "repeated": repeated}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pieces_give_what_one_pass_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(SHAPES[shape].encode())
    pieces: list[int] = []
    unproven: list[int] = []
    batches = csv_pieces.piece_batches

    def counted(*args: Any) -> Any:
        pieces.append(1)
        try:
            yield from batches(*args)
        except UnprovenSplitError:
            unproven.append(1)
            raise

    monkeypatch.setattr(csv_pieces, "piece_batches", counted)
    whole = _answer(path, 1 << 30, monkeypatch)
    assert pieces == []
    for size in (97, 256, 1000):
        assert _answer(path, size, monkeypatch) == whole
    assert pieces
    assert bool(unproven) is ("quoted line break" in shape)
    assert whole["rows"] == 400 and whole["unique"][0] > 0


def test_whole_rows_in_pieces_give_what_one_pass_gives(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines()
    lines[301], lines[380] = lines[12], lines[12]  # far apart: in other pieces
    lines[151] = lines[150]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = _answer(path, 1 << 30, monkeypatch, unique_rows=True)
    assert whole["repeated"] == _repeated(lines)
    assert {11, 149, 150, 300, 379} <= set(whole["repeated"])
    assert _answer(path, 97, monkeypatch, unique_rows=True) == whole
    distinct = [line.replace(",a,", ",b,", 1) if k and int(line.split(",")[0]) != k - 1 else line
                for k, line in enumerate(_lines())]
    path.write_text("\n".join(distinct) + "\n")  # the twin: no row repeats
    assert _repeated(distinct) == []
    assert _answer(path, 97, monkeypatch, unique_rows=True)["repeated"] == []


def _repeated(lines: list[str]) -> list[int]:
    """The rows whose contract columns (id, x, kind) another row has."""
    import csv
    from collections import Counter

    rows = [tuple(row[:3]) for row in csv.reader(lines[1:])]
    seen = Counter(rows)
    return [k for k, row in enumerate(rows) if seen[row] > 1]


def test_a_custom_delimiter_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\n".join(line.replace('"n ', '"n;') for line in _lines(delimiter=";")) + "\n")
    assert _answer(path, 200, monkeypatch, ";") == _answer(path, 1 << 30, monkeypatch, ";")


def test_cuts_fall_after_complete_lines_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.tables.csv_spans import line_index

    monkeypatch.setattr(csv_spans, "_STRIDE", 5)
    path = tmp_path / "t.csv"
    path.write_text("\n".join(["a,b", *(f'{k},"x"' if k % 2 else f'{k},"x ""y' for k in range(200))]) + "\n")
    index = line_index(path)
    assert index is not None
    found = csv_pieces.split(path, index, ",", 64)
    data = path.read_bytes()
    assert len(found.pieces) > 5 and found.header == b"a,b\n"
    for piece in found.pieces[1:]:
        assert data[:piece.start].rsplit(b"\n", 2)[-2].endswith(b'"x"')
    assert [p.stop for p in found.pieces[:-1]] == [p.start for p in found.pieces[1:]]
    assert sum(p.rows for p in found.pieces) == 200


def test_a_row_pyarrow_refuses_fails_as_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.tables.errors import TableReadError

    path = tmp_path / "t.csv"
    path.write_text("\n".join(_with(_lines(), 350, "350,0.5")) + "\n")  # a column short
    messages = []
    for size in (1 << 30, 200):
        with pytest.raises(TableReadError) as raised:
            _answer(path, size, monkeypatch)
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "columns" in messages[0]


@pytest.mark.parametrize(("piece", "indexed"), [(256, True), (1 << 30, False)])
def test_a_file_large_enough_to_cut_is_indexed_from_the_open_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int, indexed: bool) -> None:
    import os

    monkeypatch.setattr(csv_pieces, "PIECE", piece)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)  # two cores
    path = tmp_path / "t.csv"
    path.write_text(SHAPES["quoted values"])
    open_data(path)
    assert (csv_spans._key(path) in csv_spans._INDEXES) is indexed


_FIELDS = st.one_of(
    st.sampled_from(["a", "b", "z", "0.5", "7.5", "", "x y"]),
    st.text(alphabet='ab ,;"\n\r', max_size=8).map(lambda t: '"' + t.replace('"', '""') + '"'),
    st.text(alphabet='ab"', min_size=1, max_size=4).filter(lambda t: not t.startswith('"')),  # a quote inside
)


@st.composite
def _csv_files(draw: st.DrawFn) -> tuple[bytes, int]:
    """A CSV of the COLUMNS' shape with any mix of quoted commas, quotes, line breaks inside
    quotes, blank lines and either line ending, and a piece size to cut it with."""
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["id,x,kind,note"]
    for row in range(draw(st.integers(20, 120))):
        ident = str(draw(st.sampled_from([row, row, row, max(row - 1, 0)])))
        x = draw(st.sampled_from(["0.5", "0.25", "7.5", ""] * 10 + ["seven"]))  # now and then not a number
        kind, note = draw(_FIELDS), draw(_FIELDS)
        lines.append(",".join([ident, x, kind, note]))
        if draw(st.integers(0, 15)) == 0:
            lines.append("")  # a blank line pyarrow skips
    return end.join(lines).encode() + end.encode() * draw(st.integers(0, 1)), draw(st.integers(40, 600))


@settings(max_examples=80, deadline=None)
@given(_csv_files())
def test_any_file_in_pieces_gives_what_one_pass_gives(drawn: tuple[bytes, int]) -> None:
    """A file pyarrow reads in one pass reads the same in pieces, or fails the same way; its
    whole failing rows are the same parsed from their own lines as read again in full."""
    data, piece = drawn
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as monkeypatch:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        try:
            whole: Any = _answer(path, 1 << 30, monkeypatch)
        except Exception as exc:  # a file one pass refuses must be refused in pieces too
            whole = type(exc)
        try:
            cut: Any = _answer(path, piece, monkeypatch)
        except Exception as exc:
            cut = type(exc)
        assert cut == whole
        if isinstance(whole, dict):  # and the whole rows from their own lines equal a full reread
            monkeypatch.setattr(csv_spans, "record_spans", lambda *_args, **_kw: None)
            assert _answer(path, 1 << 30, monkeypatch) == whole
