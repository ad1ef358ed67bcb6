"""Streaming readers for the data files mlsmoke checks: CSV, Parquet and JSON Lines.

`open_table(path)` returns a `TableStream` whose `batches()` yields pyarrow RecordBatches, so
memory stays flat whatever the file size. Every way a file can be unreadable (missing, empty,
corrupt, mis-encoded, unknown extension) is a `TableReadError` with a message for the user.
pyarrow is imported inside the functions (start-up stays light).

`as_text=True` reads every column as text (CSV; JSON Lines through a slower Python reader that
accepts values of mixed JSON types), for callers that convert values themselves and count the
ones that do not fit. Parquet streams also expose their row groups (`row_groups()`), with the
min/max/null-count statistics the writer stored, and read one row group at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.tables.prefetch import prefetch

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 128 * 1024
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class TableReadError(InputError):
    """The file cannot be read as a table; the message says why."""


class MixedTypesError(TableReadError):
    """A JSON Lines column holds values of different JSON types; `as_text=True` reads it."""


class ColumnTypeError(TableReadError):
    """A CSV value does not parse as the type asked for its column in `types`."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class ColumnStats:
    """What a Parquet writer stored about one column of one row group (None = not stored)."""

    min: Any
    max: Any
    null_count: int | None


@dataclass(frozen=True)
class RowGroup:
    index: int
    num_rows: int
    stats: Mapping[str, ColumnStats]


def table_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in _FORMATS:
            return _FORMATS[suffix]
    raise TableReadError(f"unknown data file type {path.suffix or '(no extension)'}: "
                         "expected .csv, .parquet or .jsonl")


@dataclass
class TableStream:
    path: Path
    format: str
    column_names: list[str]
    num_rows: int | None  # known up front for Parquet, else None
    _open: Any
    _parquet: Any = None  # the pyarrow ParquetFile, for Parquet streams

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Record batches in file order; a fault mid-file is a TableReadError."""
        yield from _guarded(self._open, self.path)

    @property
    def parquet_schema(self) -> pa.Schema | None:
        """The arrow schema a Parquet file stores; None for other formats."""
        return None if self._parquet is None else self._parquet.schema_arrow

    def row_groups(self) -> list[RowGroup]:
        """The Parquet row groups with their column statistics; [] for other formats."""
        if self._parquet is None:
            return []
        try:
            return [_row_group(self._parquet.metadata, i) for i in range(self._parquet.num_row_groups)]
        except Exception as exc:
            raise _read_error(exc) from exc

    def row_group_batches(self, index: int, columns: Sequence[str],
                          batch_rows: int | None = None) -> Iterator[pa.RecordBatch]:
        """The batches of one Parquet row group, decoding only `columns`."""
        def read() -> Iterator[pa.RecordBatch]:
            yield from self._parquet.iter_batches(batch_size=batch_rows or BATCH_ROWS, row_groups=[index],
                                                  columns=list(columns))
        yield from _guarded(read)


def _guarded(read: Callable[[], Iterator[pa.RecordBatch]], path: Path | None = None
             ) -> Iterator[pa.RecordBatch]:
    try:
        yield from prefetch(read())
    except TableReadError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, UnicodeDecodeError...
        raise _read_error(exc, path) from exc


def _row_group(metadata: Any, index: int) -> RowGroup:
    group = metadata.row_group(index)
    stats: dict[str, ColumnStats] = {}
    for j in range(group.num_columns):
        chunk = group.column(j)
        if "." in chunk.path_in_schema:  # a nested column: no per-column rule applies
            continue
        found = chunk.statistics
        if found is None:
            continue
        has_range = found.has_min_max
        stats[chunk.path_in_schema] = ColumnStats(
            found.min if has_range else None, found.max if has_range else None,
            found.null_count if found.has_null_count else None)
    return RowGroup(index, group.num_rows, stats)


def open_table(path: Path, *, columns: Sequence[str] | None = None,
               batch_rows: int | None = None, csv_strings: bool = False,
               as_text: bool = False, types: Mapping[str, pa.DataType] | None = None,
               dictionary: Sequence[str] = ()) -> TableStream:
    """Open a data file for streaming. `columns` limits what is decoded; `as_text` (or its
    older name `csv_strings`) reads every CSV / JSON Lines column as text (the caller converts
    and counts bad values); `types` parses CSV columns straight to these types, and a value
    that does not parse is a `ColumnTypeError` naming the column. `dictionary` names Parquet
    text columns to read dictionary-encoded (each distinct value decoded once)."""
    as_text = as_text or csv_strings
    batch_rows = batch_rows or BATCH_ROWS  # looked up per call: tests shrink it
    fmt = table_format(path)
    if not path.exists():
        raise TableReadError("file not found")
    if path.stat().st_size == 0:
        raise TableReadError("file is empty (0 bytes)")
    try:
        if fmt == "csv":
            return _open_csv(path, columns, batch_rows, as_text, types or {})
        if fmt == "parquet":
            return _open_parquet(path, columns, batch_rows, dictionary)
        return _open_jsonl(path, columns, batch_rows, as_text)
    except TableReadError:
        raise
    except Exception as exc:
        raise _read_error(exc, path) from exc


def read_table(path: Path, *, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole (small) file as one table: for samples, inference and tests."""
    import pyarrow as pa

    stream = open_table(path, columns=columns)
    batches = list(stream.batches())
    if not batches:
        return pa.table({name: pa.array([], pa.null()) for name in stream.column_names})
    return pa.Table.from_batches(batches)


def _open_csv(path: Path, columns: Sequence[str] | None, batch_rows: int,
              as_text: bool, types: Mapping[str, pa.DataType]) -> TableStream:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _csv_header(path)
    convert = pacsv.ConvertOptions(
        include_columns=[c for c in columns if c in header] if columns is not None else None,
        column_types={name: pa.string() for name in header} if as_text else dict(types) or None,
        strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(block_size=_block_size(batch_rows))
    # quoted values may span lines; the parser must not split a block inside one
    parse = pacsv.ParseOptions(newlines_in_values=True)

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            with pacsv.open_csv(path, read_options=read, parse_options=parse,
                                convert_options=convert) as reader:
                for batch in reader:
                    _reject_binary(batch)
                    yield batch
        except pa.ArrowInvalid as exc:
            raise _conversion_error(exc, header) from exc

    names = list(convert.include_columns) if columns is not None else header
    return TableStream(path, "csv", names, None, batches)


def _block_size(batch_rows: int) -> int:
    """Bytes parsed at a time: about `batch_rows` rows of text, at most 1 MiB (larger blocks
    read no faster and pyarrow keeps several in flight, so memory grows with them)."""
    return min(1 << 20, max(1 << 10, batch_rows * 64))


def _conversion_error(exc: Exception, header: list[str]) -> Exception:
    import re

    found = re.match(r"In CSV column #(\d+): CSV conversion error", str(exc))
    if found is None or int(found.group(1)) >= len(header) or "invalid UTF8" in str(exc):
        return exc
    return ColumnTypeError(str(exc), header[int(found.group(1))])


def _reject_binary(batch: pa.RecordBatch) -> None:
    """pyarrow's type inference reads a column with invalid UTF-8 as `binary` instead of
    failing: that is a mis-encoded file."""
    import pyarrow as pa

    for field in batch.schema:
        if pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
            raise TableReadError(f"not valid UTF-8 text in column {field.name!r}: save the file as UTF-8")


def _csv_header(path: Path) -> list[str]:
    import csv

    with path.open("rb") as raw:
        first = raw.readline(1 << 20)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"not UTF-8 text (byte {exc.start} of the header line): "
                             "save the file as UTF-8") from None
    if not text.strip():
        raise TableReadError("no header line: the first line is empty")
    return next(csv.reader([text]))


def _open_parquet(path: Path, columns: Sequence[str] | None, batch_rows: int,
                  dictionary: Sequence[str]) -> TableStream:
    import pyarrow.parquet as pq

    # pre_buffer off: read column chunks as they are decoded, not whole row groups ahead
    parquet = pq.ParquetFile(path, pre_buffer=False, read_dictionary=list(dictionary) or None)
    names = parquet.schema_arrow.names
    selected = [c for c in columns if c in names] if columns is not None else None

    def batches() -> Iterator[pa.RecordBatch]:
        yield from parquet.iter_batches(batch_size=batch_rows, columns=selected)

    return TableStream(path, "parquet", selected if selected is not None else names,
                       parquet.metadata.num_rows, batches, parquet)


def _open_jsonl(path: Path, columns: Sequence[str] | None, batch_rows: int,
                as_text: bool) -> TableStream:
    if as_text:
        from checker.tables.jsonl_text import open_jsonl_text

        names, batches = open_jsonl_text(path, columns, batch_rows)
        return TableStream(path, "jsonl", names, None, batches)
    import pyarrow.json as pajson

    read = pajson.ReadOptions(block_size=_block_size(batch_rows))
    with pajson.open_json(path, read_options=read) as probe:
        names = probe.schema.names
    selected = [c for c in columns if c in names] if columns is not None else names

    def batches() -> Iterator[pa.RecordBatch]:
        with pajson.open_json(path, read_options=read) as reader:
            for batch in reader:
                yield batch.select(selected) if columns is not None else batch

    return TableStream(path, "jsonl", selected, None, batches)


def _read_error(exc: BaseException, path: Path | None = None) -> TableReadError:
    message = _describe(exc)
    if message.startswith("not valid JSON Lines") and path is not None:
        from checker.tables.jsonl_text import first_invalid_line

        where = first_invalid_line(path)
        message = f"not valid JSON Lines: {where}" if where else message
    if "JSON" in message and "changed from" in message:
        return MixedTypesError(f"values of different JSON types in one column ({message})")
    return TableReadError(message)


def _describe(exc: BaseException) -> str:
    """A one-line cause for the user, without pyarrow's internal noise."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in message or "UTF-8" in message:
        return f"not valid UTF-8 text ({message}): save the file as UTF-8"
    if "JSON parse error" in message and "changed from" not in message:
        return f"not valid JSON Lines ({message})"
    if "Parquet magic bytes" in message or "Parquet file size is 0" in message:
        return f"not a Parquet file or a corrupt one ({message})"
    return message
