"""The page index of real files written by pyarrow (`write_page_index=True`, small pages so a
row group has many): each page's rows, null count, min and max, decoded as the row group's
statistics are; nothing for files without an index, for types whose order or meaning is in
doubt, or when the index is corrupt, truncated, hostile or disagrees with the row group's
statistics."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.tables.page_index import PageIndexes, PageStats
from checker.tables.reader import ColumnStats, open_table

ROWS = 30_000


def _write(path: Path, table: pa.Table, *, index: bool = True, **options: Any) -> Path:
    pq.write_table(table, path, write_page_index=index, data_page_size=2048, row_group_size=ROWS // 2,
                   use_dictionary=False, **options)
    return path


def _pages(path: Path, name: str, group: int = 0) -> PageStats | None:
    stream = open_table(path)
    assert stream.page_index is not None
    whole = stream.row_groups()[group].stats.get(name)
    return stream.page_index.stats(group, name, whole)


def _truth(values: list[Any], pages: PageStats) -> list[tuple[Any, Any, int]]:
    found = []
    for page in range(len(pages.starts)):
        start, stop = pages.span(page)
        held = [v for v in values[start:stop] if v is not None]
        found.append((min(held), max(held), stop - start - len(held)))
    return found


@pytest.mark.parametrize(("arrow_type", "make"), [
    (pa.int64(), lambda r: r * 7 - 50_000),
    (pa.int32(), lambda r: -r),
    (pa.int8(), lambda r: r % 200 - 100),
    (pa.float64(), lambda r: r / 3),
    (pa.float32(), lambda r: float(r % 1000) / 4),
    (pa.date32(), lambda r: dt.date(2000, 1, 1) + dt.timedelta(days=r % 5000)),
    (pa.timestamp("ms"), lambda r: dt.datetime(2020, 1, 1) + dt.timedelta(seconds=r * 37)),
    (pa.timestamp("us", tz="UTC"), lambda r: dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
     + dt.timedelta(microseconds=r * 977)),
])
def test_each_page_has_its_rows_null_count_min_and_max(tmp_path: Path, arrow_type: pa.DataType,
                                                         make: Any) -> None:
    values = [None if r % 13 == 0 else make(r) for r in range(ROWS)]
    path = _write(tmp_path / "t.parquet", pa.table({"v": pa.array(values, arrow_type)}))
    pages = _pages(path, "v", group=1)
    assert pages is not None and len(pages.starts) > 5 and pages.rows == ROWS // 2
    found = [(s.min, s.max, s.null_count) for s in pages.stats]
    assert found == _truth(values[ROWS // 2:], pages)
    whole = open_table(path).row_groups()[1].stats["v"]  # the same kind as the row group's
    assert (min(s.min for s in pages.stats), max(s.max for s in pages.stats)) == (whole.min, whole.max)


@pytest.mark.parametrize("zone", [None, "UTC"])
def test_nanosecond_pages_widen_to_the_microsecond_as_the_row_groups_do(tmp_path: Path,
                                                                        zone: str | None) -> None:
    """A datetime holds microseconds: each page's min is rounded down and its max up (what they
    prove still holds), naive as the row group's statistics are."""
    nanos = [None if r % 13 == 0 else 1_577_836_800_000_000_000 + r * 977_001 + r % 999 for r in range(ROWS)]
    values = pa.array(nanos, pa.int64()).cast(pa.timestamp("ns", zone))
    path = _write(tmp_path / "t.parquet", pa.table({"v": values}))
    pages = _pages(path, "v", group=1)
    assert pages is not None and len(pages.starts) > 5
    epoch = dt.datetime(1970, 1, 1)
    truth = [(epoch + dt.timedelta(microseconds=low // 1000),  # down
              epoch + dt.timedelta(microseconds=-(-high // 1000)), nulls)  # up
             for low, high, nulls in _truth(nanos[ROWS // 2:], pages)]
    assert [(s.min, s.max, s.null_count) for s in pages.stats] == truth
    assert all(low % 1000 and high % 1000 for low, high, _ in _truth(nanos[ROWS // 2:], pages))  # rounded
    whole = open_table(path).row_groups()[1].stats["v"]
    assert (min(s.min for s in pages.stats), max(s.max for s in pages.stats)) == (whole.min, whole.max)


@pytest.mark.parametrize("arrow_type", [pa.uint32(), pa.decimal128(25, 2), pa.string(), pa.bool_()])
def test_types_in_doubt_keep_their_null_counts_only(tmp_path: Path, arrow_type: pa.DataType) -> None:
    raw = pa.array([None if r % 11 == 0 else r % 2 for r in range(ROWS)], pa.int64())
    values = raw.cast(arrow_type)
    pages = _pages(_write(tmp_path / "t.parquet", pa.table({"v": values})), "v")
    assert pages is not None
    assert all(s.min is None and s.max is None for s in pages.stats)
    assert sum(s.null_count or 0 for s in pages.stats) == values.slice(0, ROWS // 2).null_count


def test_an_all_null_page_has_no_min_or_max(tmp_path: Path) -> None:
    values = [None if r >= ROWS // 2 else r for r in range(ROWS)]  # row group 1: all null
    pages = _pages(_write(tmp_path / "t.parquet", pa.table({"v": pa.array(values, pa.int64())})), "v", 1)
    assert pages is not None
    assert [(s.min, s.max, s.null_count) for s in pages.stats] == [
        (None, None, stop - start) for start, stop in map(pages.span, range(len(pages.stats)))]


def test_no_index_no_page_statistics(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.parquet", pa.table({"v": np.arange(ROWS)}), index=False)
    assert _pages(path, "v") is None


def test_spans_merge_adjacent_pages() -> None:
    pages = PageStats((0, 10, 20, 30), 35, (ColumnStats(None, None, None),) * 4)
    assert pages.spans([0, 1, 3]) == [(0, 20), (30, 35)]
    assert pages.spans([]) == []


def test_an_index_that_disagrees_with_the_row_group_is_not_used(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.parquet", pa.table({"v": np.arange(ROWS)}))
    stream = open_table(path)
    assert stream.page_index is not None
    assert stream.page_index.stats(0, "v", ColumnStats(0, ROWS // 2 - 1, 0)) is not None
    assert stream.page_index.stats(0, "v", ColumnStats(1, ROWS // 2 - 1, 0)) is None  # a page below min
    assert stream.page_index.stats(0, "v", ColumnStats(0, ROWS, None)) is not None
    assert stream.page_index.stats(0, "v", None) is None
    kept = stream.page_index.stats(0, "v", ColumnStats(0, ROWS, 5))  # null counts do not add up
    assert kept is not None and all(s.null_count is None and s.min is not None for s in kept.stats)


def _index_region(path: Path) -> tuple[int, int]:
    """Where pyarrow wrote the page indexes: after the last data page, before the footer."""
    metadata = pq.ParquetFile(path).metadata
    size = path.stat().st_size
    chunks = [metadata.row_group(g).column(c) for g in range(metadata.num_row_groups)
              for c in range(metadata.num_columns)]
    start = max(c.data_page_offset + c.total_compressed_size for c in chunks)
    footer = int.from_bytes(path.read_bytes()[-8:-4], "little")
    return start, size - 8 - footer


def _all_pages(path: Path) -> list[PageStats | None]:
    stream = open_table(path)
    assert stream.page_index is not None
    groups = stream.row_groups()
    return [stream.page_index.stats(g.index, "v", g.stats.get("v")) for g in groups]


def test_corrupt_truncated_or_hostile_indexes_never_escape(tmp_path: Path) -> None:
    """Bit flips, overwritten spans and huge counts in the page index and the footer: reading
    them returns page statistics or None, never an error, and each page's counts stay within
    its rows."""
    good = _write(tmp_path / "good.parquet", pa.table({"v": pa.array(
        [None if r % 7 == 0 else r for r in range(ROWS)], pa.int64())}))
    start, end = _index_region(good)
    data = good.read_bytes()
    rng = random.Random(15)
    bad = tmp_path / "bad.parquet"
    for trial in range(300):
        mutated = bytearray(data)
        if trial % 3 == 0:
            for _ in range(rng.randrange(1, 6)):
                mutated[rng.randrange(start, end)] ^= 1 << rng.randrange(8)
        elif trial % 3 == 1:
            at = rng.randrange(start, end)
            mutated[at:at + 12] = b"\xff" * 12  # huge counts, lengths and varints
        else:
            at = rng.randrange(start, end)
            mutated[at:end] = bytes(end - at)  # zeroed from here: truncated structures
        bad.write_bytes(bytes(mutated))
        for pages in _all_pages(bad):
            assert pages is None or all(0 <= (s.null_count or 0) <= stop - begin for s, (begin, stop) in zip(
                pages.stats, map(pages.span, range(len(pages.stats))), strict=True))


def test_index_offsets_past_the_file_or_a_huge_footer_are_ignored(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.tables import page_index

    path = _write(tmp_path / "t.parquet", pa.table({"v": np.arange(ROWS)}))
    monkeypatch.setattr(page_index, "MAX_FOOTER", 16)
    assert _all_pages(path) == [None, None]
    monkeypatch.setattr(page_index, "MAX_FOOTER", 2 << 20)
    monkeypatch.setattr(page_index, "MAX_INDEX", 8)
    assert _all_pages(path) == [None, None]


def test_a_damaged_footer_never_escapes(tmp_path: Path) -> None:
    """The footer pyarrow read is parsed again for the index offsets: damage there (pyarrow's
    own copy intact) gives page statistics or None, never an error."""
    good = _write(tmp_path / "good.parquet", pa.table({"v": np.arange(ROWS)}))
    parquet = pq.ParquetFile(good)
    whole = open_table(good).row_groups()[0].stats["v"]
    data = good.read_bytes()
    _, footer = _index_region(good)
    rng = random.Random(15)
    bad = tmp_path / "bad.parquet"
    outcomes = set()
    for trial in range(300):
        mutated = bytearray(data)
        at = rng.randrange(footer, len(data) - 8)
        if trial % 2:
            mutated[at] ^= 1 << rng.randrange(8)
        else:
            mutated[at:at + 6] = b"\xff" * 6
        bad.write_bytes(bytes(mutated[: len(data)]))
        outcomes.add(PageIndexes(bad, parquet).stats(0, "v", whole) is None)
    assert outcomes == {True, False}  # some damage lands in fields not read


def test_a_file_parses_at_most_its_budget_of_index_bytes(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.tables import page_index

    path = _write(tmp_path / "t.parquet", pa.table({"v": np.arange(ROWS)}))
    assert _all_pages(path) != [None, None]
    monkeypatch.setattr(page_index, "BUDGET_BYTES", 0)
    monkeypatch.setattr(page_index, "BUDGET_SHARE", 10**9)
    assert _all_pages(path) == [None, None]
