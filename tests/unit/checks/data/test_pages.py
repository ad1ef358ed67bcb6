"""The page index proves `nulls` and `ranges` page by page (`pages.py`): a proven page's rows are
not evaluated, a page that breaks the rule still is and its rows are found, and the answer is
exactly the one without the index (counts, by_column, examples in row order, failing rows)
for files with an index, without one, and with a corrupt one. Real files written by pyarrow
with `write_page_index=True` and small pages."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples

from checker.checks.data import columnwise, pages, parallel
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import open_table

ROWS = 40_000
COLUMNS = [ColumnRules("n", Column(type=ColumnType.INT, min=0, max=ROWS)),
           ColumnRules("w", Column(type=ColumnType.INT, min=0, max=ROWS)),
           ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=1.0)),
           ColumnRules("at", Column(type=ColumnType.DATETIME, min=dt.datetime(2020, 1, 2)))]


def _write(path: Path, table: pa.Table, **options: Any) -> Path:
    settings_ = {"write_page_index": True, "data_page_size": 4096, "row_group_size": ROWS // 2,
                 "use_dictionary": False, **options}
    pq.write_table(table, path, **settings_)
    return path


def _table(*, null_at: list[int] = (), low_at: list[int] = ()) -> pa.Table:  # type: ignore[assignment]
    n = np.arange(ROWS)
    n[list(low_at)] = -1
    mask = np.zeros(ROWS, bool)
    mask[list(null_at)] = True
    x = np.linspace(0.0, 1.0, ROWS)
    x[list(low_at)] = 1.5
    at = pa.array(np.datetime64("2020-01-02") + n.astype("timedelta64[s]"), pa.timestamp("us"))
    return pa.table({"n": pa.array(n.astype(np.int32), mask=mask), "w": n, "x": x, "at": at})


def _scan(path: Path, *, index: bool = True, columns: list[ColumnRules] = COLUMNS) -> FileScan:
    stream = open_table(path)
    if not index:
        stream.page_index = None
    return scan(stream, columns, ScanAsks(failing_rows_max=20))


def _summary(found: FileScan) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found)}
    return {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples,
                   [(f.row, f.column, f.value, dict(f.whole)) for f in tallies[rule].failing])
            for rule in RULES} | {"rows": found.rows}


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], int]:
    """Rows each (column, rule) was evaluated on through the page index's spans."""
    rows: dict[tuple[str, str], int] = {}
    unproven = pages.unproven

    def counted(rules: ColumnRules, asked: frozenset[str], stats: Any) -> pages.Spans:
        spans = unproven(rules, asked, stats)
        for rule, found in spans.items():
            key = (rules.name, rule)
            rows[key] = rows.get(key, 0) + sum(stop - start for start, stop in found)
        return spans

    monkeypatch.setattr(columnwise, "unproven", counted)
    return rows


def test_pages_without_a_null_prove_nulls_and_a_page_with_one_is_evaluated(
        tmp_path: Path, evaluated: dict) -> None:
    path = _write(tmp_path / "t.parquet", _table(null_at=[7, 31_000]))
    found = _scan(path)
    nulls = found.tallies["nulls"]
    assert (nulls.violations, nulls.by_column) == (2, {"n": 2})
    assert [e.row for e in nulls.examples] == [7, 31_000]
    assert 0 < evaluated[("n", "nulls")] < ROWS // 5  # two pages of the file's many
    assert _summary(found) == _summary(_scan(path, index=False))


def test_pages_inside_the_bounds_prove_ranges_and_a_page_outside_is_evaluated(
        tmp_path: Path, evaluated: dict) -> None:
    low_at = [3, 12_345, 39_999]
    path = _write(tmp_path / "t.parquet", _table(low_at=low_at))
    found = _scan(path)
    ranges = found.tallies["ranges"]
    assert ranges.by_column == {"n": 3, "w": 3, "x": 3, "at": 3}
    assert [e.row for e in ranges.examples][:4] == [3, 3, 3, 3]
    assert [f.row for f in ranges.failing] == sorted(low_at * 4)
    for name in ("n", "at"):
        assert 0 < evaluated[(name, "ranges")] < ROWS // 5
    assert ("x", "ranges") not in evaluated  # a float checked for nulls is scanned whole for NaN
    assert ("w", "ranges") not in evaluated  # int64: numpy's block scan is as fast as the index
    assert _summary(found) == _summary(_scan(path, index=False))


def test_nanosecond_pages_prove_ranges_and_one_a_nanosecond_out_is_evaluated(
        tmp_path: Path, evaluated: dict) -> None:
    """Nanosecond pages widen to the microsecond (min down, max up): a page whose rounded
    bounds lie inside is proven, the one holding a value a nanosecond below the bound is not."""
    start = np.datetime64("2020-01-02T00:00:00", "ns")
    at = start + (np.arange(ROWS) * 1_000_003).astype("timedelta64[ns]")
    at[12_345] = start - np.timedelta64(1, "ns")
    path = _write(tmp_path / "t.parquet", pa.table({"at": pa.array(at, pa.timestamp("ns"))}))
    rules = [ColumnRules("at", Column(type=ColumnType.DATETIME, min=dt.datetime(2020, 1, 2),
                                      max=dt.datetime(2020, 1, 3)))]
    found = _scan(path, columns=rules)
    ranges = found.tallies["ranges"]
    assert (ranges.violations, [e.row for e in ranges.examples]) == (1, [12_345])
    assert 0 < evaluated[("at", "ranges")] < ROWS // 5  # the one page, not its row group
    assert _summary(found) == _summary(_scan(path, index=False, columns=rules))


def test_a_clean_file_with_an_index_evaluates_no_page(tmp_path: Path, evaluated: dict) -> None:
    clean = _table()
    rules = [ColumnRules("n", Column(type=ColumnType.INT, min=0, max=ROWS // 4))]  # the groups break it
    found = _scan(_write(tmp_path / "t.parquet", clean), columns=rules)
    assert found.tallies["ranges"].violations == ROWS - ROWS // 4 - 1
    assert 0 < evaluated[("n", "ranges")] < ROWS - ROWS // 4  # pages below the bound proven


def test_a_file_without_an_index_is_checked_as_before(tmp_path: Path, evaluated: dict) -> None:
    path = _write(tmp_path / "t.parquet", _table(null_at=[5], low_at=[9]), write_page_index=False)
    found = _scan(path)
    assert not evaluated
    assert found.tallies["nulls"].violations == 1
    assert found.tallies["ranges"].by_column == {"n": 1, "w": 1, "x": 1, "at": 1}
    assert _summary(found) == _summary(_scan(path, index=False))


def _index_region(path: Path) -> tuple[int, int]:
    metadata = pq.ParquetFile(path).metadata
    chunks = [metadata.row_group(g).column(c) for g in range(metadata.num_row_groups)
              for c in range(metadata.num_columns)]
    start = max(c.data_page_offset + c.total_compressed_size for c in chunks)
    footer = int.from_bytes(path.read_bytes()[-8:-4], "little")
    return start, path.stat().st_size - 8 - footer


@pytest.mark.parametrize("damage", ["zeroed", "ff", "truncated-tail"])
def test_a_corrupt_index_is_ignored_and_the_run_stays_exact(tmp_path: Path, damage: str) -> None:
    path = _write(tmp_path / "t.parquet", _table(null_at=[7, 31_000], low_at=[3, 25_000]))
    expected = _summary(_scan(path, index=False))
    start, end = _index_region(path)
    data = bytearray(path.read_bytes())
    if damage == "zeroed":
        data[start:end] = bytes(end - start)
    elif damage == "ff":
        data[start:end] = b"\xff" * (end - start)
    else:
        for at in range(start, end, 97):  # every structure cut short
            data[at:at + 3] = b"\x00\x00\x00"
    path.write_bytes(bytes(data))
    assert _summary(_scan(path)) == expected


def test_random_damage_to_the_index_never_fails_the_run(tmp_path: Path) -> None:
    """Bit flips that leave a well-formed index whose values lie are trusted as the row group's
    statistics are (the reader checks them against those); every other damage is ignored."""
    path = _write(tmp_path / "t.parquet", _table(null_at=[7], low_at=[3]))
    start, end = _index_region(path)
    data = path.read_bytes()
    rng = random.Random(15)
    for _ in range(60):
        mutated = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            mutated[rng.randrange(start, end)] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(mutated))
        found = _scan(path)
        assert found.rows == ROWS


def _runs(draw: st.DrawFn) -> list[int | None]:
    """Runs of clean values (5-20, no null) between short dirty ones (nulls, values out of
    bounds), so that some pages prove a rule and others break it."""
    values: list[int | None] = []
    for kind, size in draw(st.lists(st.tuples(st.sampled_from(["clean", "clean", "null", "low", "high"]),
                                              st.integers(1, 90)), min_size=1, max_size=10)):
        seed = draw(st.integers(0, 2**16))
        rng = random.Random(seed)
        dirty = {"null": None, "low": -3, "high": 45}.get(kind, 0)
        values += [dirty if kind != "clean" and rng.random() < 0.3 else rng.randint(5, 20)
                   for _ in range(size)]
    return values


runs = st.composite(_runs)


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=runs(), layout=st.tuples(st.integers(20, 400), st.integers(1, 64), st.integers(1, 2)),
       rules=st.tuples(st.integers(-1, 5), st.one_of(st.none(), st.integers(20, 40)), st.booleans()))
def test_the_same_answer_with_and_without_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, values: list, layout: tuple[int, int, int],
        rules: tuple[int, int | None, bool]) -> None:
    (group, batch, workers), (low, high, nullable) = layout, rules
    monkeypatch.setattr(parallel, "MAX_WORKERS", workers)
    ints = pa.array(values, pa.int64())
    floats = pa.array([(float("nan") if i % 2 else None) if v is None else v / 40
                       for i, v in enumerate(values)], pa.float64())  # NaN: missing, not in the statistics
    stamps = pa.array([None if v is None else dt.datetime(2020, 1, 1) + dt.timedelta(hours=v)
                       for v in values], pa.timestamp("ms"))
    table = pa.table({"n": ints, "i": ints.cast(pa.int32()), "x": floats, "g": floats.cast(pa.float32()),
                      "at": stamps, "s": ints.cast(pa.string())})
    path = _write(tmp_path / "r.parquet", table, row_group_size=group, data_page_size=64,
                  write_batch_size=batch)
    columns = [ColumnRules("n", Column(type=ColumnType.INT, min=low, max=high, nullable=nullable)),
               ColumnRules("i", Column(type=ColumnType.INT, min=low, nullable=nullable)),
               ColumnRules("x", Column(type=ColumnType.FLOAT, max=0.5, nullable=nullable)),
               ColumnRules("g", Column(type=ColumnType.FLOAT, min=0.1, nullable=True)),
               ColumnRules("s", Column(type=ColumnType.STRING, nullable=nullable)),
               ColumnRules("at", Column(type=ColumnType.DATETIME, min=dt.datetime(2020, 1, 1, 2),
                                        nullable=nullable))]
    with_index, without = _scan(path, columns=columns), _scan(path, index=False, columns=columns)
    assert repr(_summary(with_index)) == repr(_summary(without))  # repr: NaN equals NaN


def test_the_index_is_read_only_where_a_rule_could_use_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Row groups their statistics prove, and int64 / float64 columns, never read it."""
    from checker.tables.page_index import PageIndexes

    asked: list[str] = []
    stats = PageIndexes.stats

    def counted(self: PageIndexes, group: int, name: str, whole: Any) -> Any:
        asked.append(name)
        return stats(self, group, name, whole)

    monkeypatch.setattr(PageIndexes, "stats", counted)
    _scan(_write(tmp_path / "clean.parquet", _table()))  # every group proven by its statistics
    assert asked == []
    _scan(_write(tmp_path / "dirty.parquet", _table(null_at=[5], low_at=[9])))
    assert set(asked) == {"n", "at"}  # not w (int64) nor x (a float checked for NaN)
