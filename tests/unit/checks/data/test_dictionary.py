"""The same table written dictionary-encoded, plain, and with a text column that falls back to
PLAIN part way through its chunks gives the same answer for every rule: counts, `by_column`,
first examples, failing rows kept whole and uniqueness. Checked column chunk by column chunk
(`columnwise.py`) and in batches (a row group too large to hold), on one worker and two."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.checks.data import columnwise, parallel
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import TableOptions, open_table

ROWS, GROUP = 600, 150
COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=100.0)),
    ColumnRules("n", Column(type=ColumnType.INT, min=0, max=9)),
    ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["red", "white", "rose"])),
    ColumnRules("code", Column(type=ColumnType.STRING, pattern=r"[A-Z]\d+")),
    ColumnRules("at", Column(type=ColumnType.DATETIME, min=dt.datetime(2020, 1, 1))),
    ColumnRules("count", Column(type=ColumnType.INT, nullable=True)),  # text in the file: data.types
    ColumnRules("note", Column(type=ColumnType.STRING, unique=True)),  # one distinct text a row
]
TEXT = ["kind", "code", "note", "count"]


def _columns(faults: bool) -> dict[str, list[Any]]:
    kinds = ["red", "white", "rose"]
    columns: dict[str, list[Any]] = {
        "id": list(range(ROWS)),
        "x": [round((r * 37 % 1000) / 10, 2) for r in range(ROWS)],
        "n": [r % 10 for r in range(ROWS)],
        "kind": [kinds[r % 3] for r in range(ROWS)],
        "code": [f"C{r % 40}" for r in range(ROWS)],
        "at": [dt.datetime(2021, 1, 1) + dt.timedelta(hours=r) for r in range(ROWS)],
        "count": [str(r % 7) for r in range(ROWS)],
        "note": [f"note number {r:06d}" for r in range(ROWS)],
    }
    if faults:
        for row in (3, 170, 171, 599):
            columns["x"][row] = 250.0
        for row in (5, 300):
            columns["x"][row] = None
        columns["x"][301] = float("nan")
        columns["n"][460] = 12
        for row in (7, 151, 452):
            columns["kind"][row] = "blue"
        columns["kind"][8] = None
        columns["kind"][9] = None
        columns["code"][10] = "lower"
        columns["code"][460] = "x1"
        columns["at"][200] = dt.datetime(2019, 6, 1)
        columns["at"][201] = None
        columns["count"][12] = "seven"
        columns["count"][13] = None
        for row in (20, 160):
            columns["id"][row] = columns["id"][row - 1]
        columns["note"][40] = columns["note"][41]
    return columns


def _write(path: Path, columns: dict[str, list[Any]], *, dictionary: Any, page_limit: int | None = None,
           empty_group: bool = False) -> Path:
    table = pa.table({**columns, "at": pa.array(columns["at"], pa.timestamp("us"))})
    options: dict[str, Any] = {"use_dictionary": dictionary}
    if page_limit is not None:
        options["dictionary_pagesize_limit"] = page_limit
    with pq.ParquetWriter(path, table.schema, **options) as writer:
        for start in range(0, ROWS, GROUP):
            writer.write_table(table.slice(start, GROUP), row_group_size=GROUP)
            if empty_group and start == GROUP:
                writer.write_table(table.slice(0, 0))
    return path


def _answer(path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, cap: int = 1000) -> dict[str, Any]:
    monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
    names = [c.name for c in COLUMNS]
    stream = open_table(path, TableOptions(columns=names, dictionary=TEXT))
    found = scan(stream, COLUMNS, ScanAsks(failing_rows_max=cap),
                 reread=lambda: open_table(path, TableOptions(columns=names)).batches())
    return _summary(found, cap)


def _summary(found: FileScan, cap: int) -> dict[str, Any]:
    tallies = {**found.tallies, "unique": unique_tally(found, cap)}
    # repr: a NaN in a whole failing row equals no NaN
    return {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                   repr(tallies[rule].failing)) for rule in RULES} | {"rows": found.rows}


def _variants(tmp_path: Path, faults: bool) -> dict[str, Path]:
    columns = _columns(faults)
    return {
        "plain": _write(tmp_path / "plain.parquet", columns, dictionary=False),
        "dictionary": _write(tmp_path / "dictionary.parquet", columns, dictionary=True),
        "text only": _write(tmp_path / "text.parquet", columns, dictionary=TEXT),
        # `note` has a distinct text a row: its dictionary fills up and the chunk goes PLAIN
        "falls back": _write(tmp_path / "fallback.parquet", columns, dictionary=True, page_limit=512),
        "empty group": _write(tmp_path / "empty.parquet", columns, dictionary=True, empty_group=True),
    }


@pytest.mark.parametrize("faults", [True, False], ids=["failing", "passing"])
def test_every_encoding_gives_the_plain_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               faults: bool) -> None:
    files = _variants(tmp_path, faults)
    expected = _answer(files["plain"], monkeypatch, workers=1)
    counts = {rule: found[0] for rule, found in expected.items() if rule in RULES}
    if faults:
        assert counts == {"types": 1, "nulls": 6, "ranges": 6, "allowed": 3, "pattern": 2, "unique": 6}
    else:
        assert not any(counts.values())
    for name, path in files.items():
        for workers in (1, 2):
            assert _answer(path, monkeypatch, workers) == expected, (name, workers)


def test_a_chunk_that_falls_back_to_plain_is_read_dense(tmp_path: Path) -> None:
    from checker.tables.row_group import dictionary_encoded

    files = _variants(tmp_path, faults=True)
    fallback = pq.ParquetFile(files["falls back"]).metadata.row_group(0)
    encoded = pq.ParquetFile(files["dictionary"]).metadata.row_group(0)
    chunks = {fallback.column(j).path_in_schema: j for j in range(fallback.num_columns)}
    assert fallback.column(chunks["note"]).has_dictionary_page
    assert not dictionary_encoded(fallback.column(chunks["note"]))
    assert dictionary_encoded(encoded.column(chunks["kind"]))
    assert dictionary_encoded(encoded.column(chunks["x"]))
    plain = pq.ParquetFile(files["plain"]).metadata.row_group(0)
    assert not dictionary_encoded(plain.column(chunks["x"]))
    read = {name: open_table(path, TableOptions(dictionary=TEXT)).group_columns(0)
            for name, path in files.items()}
    assert pa.types.is_dictionary(read["dictionary"].column("kind").type)
    assert read["falls back"].column("note").type == pa.string()
    assert read["plain"].column("kind").type == pa.string()
    assert read["dictionary"].column("x").type == pa.float64()  # pyarrow decodes numbers dense


def test_groups_too_large_to_hold_are_checked_in_batches_and_agree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _variants(tmp_path, faults=True)
    expected = _answer(files["plain"], monkeypatch, workers=1)
    monkeypatch.setattr(columnwise, "HOLD_BUDGET", 1)
    for name, path in files.items():
        assert _answer(path, monkeypatch, workers=2) == expected, name
    monkeypatch.setattr(columnwise, "CHUNK_BUDGET", 1)
    assert _answer(files["dictionary"], monkeypatch, workers=2, cap=0) == _answer(
        files["plain"], monkeypatch, workers=1, cap=0)


def test_an_unused_dictionary_entry_is_no_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the dictionary keeps "zzz" (no row uses it) and the statistics' max is "zzz"
    kind = pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 0, 1], pa.int32()),
                                          pa.array(["red", "white", "zzz"]))
    path = tmp_path / "unused.parquet"
    pq.write_table(pa.table({"kind": kind}), path)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).statistics.max == "zzz"
    rules = [ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["red", "white"], nullable=True))]
    monkeypatch.setattr(parallel, "MAX_WORKERS", 1)
    found = scan(open_table(path, TableOptions(dictionary=["kind"])), rules, ScanAsks(failing_rows_max=10))
    assert found.tallies["allowed"].violations == 0
    assert found.rows == 5


def test_an_all_null_text_chunk_counts_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nulls.parquet"
    kind = pa.array(["red"] * 4 + [None] * 4, pa.string())
    pq.write_table(pa.table({"kind": kind}), path, row_group_size=4)
    rules = [ColumnRules("kind", Column(type=ColumnType.CATEGORY, allowed=["red"]))]
    for workers in (1, 2):
        monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
        stream = open_table(path, TableOptions(dictionary=["kind"]))
        found = scan(stream, rules, ScanAsks(failing_rows_max=10))
        assert found.tallies["nulls"].violations == 4
        assert [e.row for e in found.tallies["nulls"].examples] == [4, 5, 6, 7]
        assert [f.row for f in found.tallies["nulls"].failing] == [4, 5, 6, 7]
        assert found.tallies["allowed"].violations == 0


@st.composite
def _tables(draw: st.DrawFn) -> tuple[dict[str, list[Any]], int, Any]:
    """The test table with faults planted at drawn rows, a row group size and an encoding."""
    columns = _columns(faults=False)
    rows = st.integers(0, ROWS - 1)
    for row in draw(st.lists(rows, max_size=6)):
        columns["x"][row] = draw(st.sampled_from([250.0, -1.0, None, float("nan"), 100.0, 0.0]))
    for row in draw(st.lists(rows, max_size=4)):
        columns["kind"][row] = draw(st.sampled_from(["blue", None, "red"]))
    for row in draw(st.lists(rows, max_size=3)):
        columns["code"][row] = draw(st.sampled_from(["lower", "C1", None]))
    for row in draw(st.lists(st.integers(1, ROWS - 1), max_size=4)):
        columns["id"][row] = columns["id"][draw(st.integers(0, ROWS - 1))]
    for row in draw(st.lists(rows, max_size=2)):
        columns["count"][row] = draw(st.sampled_from(["seven", None]))
    encoding = draw(st.sampled_from([False, True, TEXT, ["x", "n"]]))
    return columns, draw(st.sampled_from([13, 150, 599, 600])), encoding


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=_tables())
def test_any_table_column_by_column_gives_the_one_worker_batch_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drawn: tuple[dict[str, list[Any]], int, Any],
) -> None:
    """Faults anywhere, any row group size, any encoding: the column-chunk scan on two workers
    finds exactly what one worker finds checking plain batches."""
    columns, group, encoding = drawn
    table = pa.table({**columns, "at": pa.array(columns["at"], pa.timestamp("us"))})
    encoded, plain = tmp_path / "encoded.parquet", tmp_path / "plain.parquet"
    pq.write_table(table, encoded, row_group_size=group, use_dictionary=encoding)
    pq.write_table(table, plain, row_group_size=group, use_dictionary=False)
    with monkeypatch.context() as patched:
        patched.setattr(columnwise, "HOLD_BUDGET", 1)  # every group in batches
        expected = _answer(plain, patched, workers=1)
    assert _answer(encoded, monkeypatch, workers=2) == expected
