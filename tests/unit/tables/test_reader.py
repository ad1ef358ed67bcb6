"""The streaming readers: mis-encoded and mixed-type input become clear TableReadErrors,
typed CSV parsing names the column that does not parse, and prefetching keeps errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.tables.prefetch import prefetch
from checker.tables.reader import (
    ColumnTypeError,
    MixedTypesError,
    TableOptions,
    TableReadError,
    open_table,
)


def test_invalid_utf8_in_a_data_row_is_not_a_binary_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"name,n\ncaf\xe9,1\nok,2\n")
    with pytest.raises(TableReadError, match="not valid UTF-8 text in column 'name'"):
        list(open_table(path).batches())
    with pytest.raises(TableReadError, match="not valid UTF-8"):
        list(open_table(path, TableOptions(as_text=True)).batches())


def test_invalid_utf8_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"caf\xe9,n\n1,2\n")
    with pytest.raises(TableReadError, match=r"not UTF-8 text .* header line"):
        open_table(path)


def test_typed_csv_names_the_column_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("a,b\n1,2\n3,x\n", encoding="utf-8")
    stream = open_table(path, TableOptions(types={"a": pa.int64(), "b": pa.float64()}))
    with pytest.raises(ColumnTypeError) as caught:
        list(stream.batches())
    assert caught.value.column == "b"
    text = open_table(path, TableOptions(types={"a": pa.int64(), "b": pa.string()}))
    assert pa.Table.from_batches(list(text.batches())).column("b").to_pylist() == ["2", "x"]


def test_jsonl_with_mixed_types_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('{"a": 1, "b": true}\n{"a": "two", "c": [1]}\n', encoding="utf-8")
    with pytest.raises(MixedTypesError, match="different JSON types"):
        list(open_table(path).batches())
    stream = open_table(path, TableOptions(as_text=True))
    assert stream.column_names == ["a", "b", "c"]
    rows = pa.Table.from_batches(list(stream.batches())).to_pylist()
    assert rows == [{"a": "1", "b": "true", "c": None}, {"a": "two", "b": None, "c": "[1]"}]


def test_csv_strings_keeps_working_as_the_old_name_of_as_text(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    batch = next(open_table(path, TableOptions(csv_strings=True)).batches())
    assert batch.schema.field("a").type == pa.string()


def test_parquet_row_groups_carry_their_statistics(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 5, None, 7]}), path, row_group_size=2)
    groups = open_table(path).row_groups()
    assert [(g.num_rows, g.stats["a"].min, g.stats["a"].max, g.stats["a"].null_count) for g in groups] == [
        (2, 1, 5, 0), (2, 7, 7, 1)]
    batches = list(open_table(path).row_group_batches(1, ["a"]))
    assert batches[0].column("a").to_pylist() == [None, 7]


def test_prefetch_raises_where_the_reader_failed() -> None:
    def failing():
        yield 1
        yield 2
        raise ValueError("block 3 is corrupt")

    seen = []
    with pytest.raises(ValueError, match="block 3"):
        for item in prefetch(failing()):
            seen.append(item)
    assert seen == [1, 2]


def test_prefetch_stops_its_thread_when_the_reader_stops_early() -> None:
    before = threading.active_count()
    for item in prefetch(iter(range(1000)), depth=2):
        if item == 3:
            break
    assert threading.active_count() == before


def test_a_line_break_in_a_quoted_column_name_is_a_clear_error(tmp_path: Path) -> None:
    # the header is read from the first line; a name spanning lines would misname every column
    path = tmp_path / "newline.csv"
    path.write_text('id,"new\nline",label\n1,p,0\n', encoding="utf-8")
    with pytest.raises(TableReadError, match="line break inside a quoted column name"):
        open_table(path, TableOptions(as_text=True))


_NS_STATS = """
import sys
from pathlib import Path
from checker.tables.reader import open_table
stats = open_table(Path(sys.argv[1])).row_groups()[0].stats["ts"]
print(stats.min.isoformat(), stats.max.isoformat(), "pandas" in sys.modules)
"""


def test_nanosecond_statistics_are_datetimes_rounded_outwards_without_pandas(tmp_path: Path) -> None:
    """A nanosecond timestamp's min rounds down and its max up to the microsecond (what they
    prove still holds), and reading them imports no pandas; the twin: pyarrow's own min does."""
    import subprocess
    import sys

    path = tmp_path / "ns.parquet"
    nanos = [1_600_000_000_000_001_500, 1_600_000_000_000_002_500]
    pq.write_table(pa.table({"ts": pa.array(nanos, pa.timestamp("ns"))}), path)
    done = subprocess.run([sys.executable, "-c", _NS_STATS, str(path)], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["2020-09-13T12:26:40.000001", "2020-09-13T12:26:40.000003", "False"]
    twin = ("import sys, pyarrow.parquet as pq; pq.ParquetFile(sys.argv[1]).metadata.row_group(0)"
            ".column(0).statistics.min; print('pandas' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", twin, str(path)], capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip() == "True"


@pytest.mark.parametrize("written", [
    '{"Type":"Timestamp","isAdjustedToUTC":false,"timeUnit":"nanoseconds"}',  # pyarrow 26
    '{"Type": "Timestamp", "isAdjustedToUTC": false, "timeUnit": "nanoseconds", '
    '"is_from_converted_type": false, "force_set_converted_type": false}',  # pyarrow 25 and before
])
def test_a_nanosecond_timestamp_is_known_however_pyarrow_spaces_its_logical_type(written: str) -> None:
    from types import SimpleNamespace

    from checker.tables.reader import _min_max

    found = SimpleNamespace(physical_type="INT64",
                            logical_type=SimpleNamespace(type="TIMESTAMP", to_json=lambda: written),
                            min_raw=1_600_000_000_000_001_500, max_raw=1_600_000_000_000_002_500,
                            min="pyarrow's own", max="pyarrow's own")
    low, high = _min_max(found)
    assert (low.isoformat(), high.isoformat()) == ("2020-09-13T12:26:40.000001", "2020-09-13T12:26:40.000003")
    micros = SimpleNamespace(**{**vars(found), "logical_type": SimpleNamespace(
        type="TIMESTAMP", to_json=lambda: written.replace("nanoseconds", "microseconds"))})
    assert _min_max(micros) == ("pyarrow's own", "pyarrow's own")  # the twin: left to pyarrow
