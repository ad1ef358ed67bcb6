"""Streaming readers for the data files mlsmoke checks: CSV, Parquet and JSON Lines.

`open_table(path)` returns a `TableStream` whose `batches()` yields pyarrow RecordBatches, so
memory stays flat whatever the file size. Every way a file can be unreadable (missing, empty,
corrupt, mis-encoded, unknown extension) is a `TableReadError` with a message for the user.
pyarrow is imported inside the functions (start-up stays light).

`as_text=True` reads every column as text (CSV; JSON Lines through a slower Python reader that
accepts values of mixed JSON types), for callers that convert values themselves and count the
ones that do not fit. Parquet streams also expose their row groups (`row_groups()`), with the
min/max/null-count statistics the writer stored (per page: `page_index`), one group at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.record import record
from checker.tables.arrow_values import from_epoch_nanos
from checker.tables.errors import BlockTooSmallError, ColumnTypeError, MixedTypesError, TableReadError
from checker.tables.prefetch import prefetch

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.page_index import PageIndexes
    from checker.tables.row_group import GroupColumns

__all__ = ["BATCH_ROWS", "BlockTooSmallError", "ColumnStats", "ColumnTypeError", "MixedTypesError",
           "RowGroup", "TableReadError", "TableStream", "open_table", "read_error",
           "require_file", "table_format"]

BATCH_ROWS = 128 * 1024
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


@record(eq=False, repr=False)
class ColumnStats:
    """What a Parquet writer stored about one column of one row group (None = not stored), and
    whether it wrote the chunk's page index (`paged`: its column and offset indexes)."""

    min: Any
    max: Any
    null_count: int | None
    paged: bool = False


@record(eq=False, repr=False)
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


@record(frozen=False, eq=False, repr=False)
class TableStream:
    path: Path
    format: str
    column_names: list[str]
    num_rows: int | None  # known up front for Parquet, else None
    _open: Any
    _parquet: Any = None  # the file (parquet_file.ParquetFile), for Parquet streams
    _dictionary: Sequence[str] = ()  # Parquet columns read dictionary-encoded
    _readers: dict[tuple[int, tuple[str, ...]], Any] = field(default_factory=dict)  # see group_columns
    _encoded: dict[int, tuple[str, ...]] = field(default_factory=dict)  # row group → its encoded text

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
            raise read_error(exc) from exc

    def row_group_batches(self, index: int, columns: Sequence[str],
                          batch_rows: int | None = None) -> Iterator[pa.RecordBatch]:
        """The batches of one Parquet row group, decoding only `columns`."""
        def read() -> Iterator[pa.RecordBatch]:
            yield from self._parquet.iter_batches(batch_size=batch_rows or BATCH_ROWS, row_groups=[index],
                                                  columns=list(columns))
        yield from _guarded(read)

    def read_row_group(self, index: int, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """The batches of one Parquet row group, decoded on the calling thread only, through a
        reader of its own: for workers that each read a different row group at once."""
        def read() -> Iterator[pa.RecordBatch]:
            from checker.tables.parquet_file import ParquetFile

            parquet = ParquetFile(self.path, metadata=self._parquet.metadata,
                                  read_dictionary=self._read_dictionary(columns))
            yield from parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[index], columns=list(columns),
                                            use_threads=False)
        yield from _guarded(read, ahead=False)

    def group_columns(self, index: int) -> GroupColumns:
        """One Parquet row group, a whole column chunk at a time on the calling thread (`row_group.py`)."""
        import threading

        from checker.tables.parquet_file import ParquetFile
        from checker.tables.row_group import GroupColumns, encoded_text

        metadata = self._parquet.metadata
        if index not in self._encoded:
            self._encoded[index] = encoded_text(metadata.row_group(index), self._dictionary)
        text = self._encoded[index]
        key = (threading.get_ident(), text)  # a reader per thread (and per dictionary choice)
        if key not in self._readers:
            self._readers[key] = ParquetFile(self.path, metadata=metadata, read_dictionary=text)
        return GroupColumns(self._readers[key], index)

    @cached_property
    def page_index(self) -> PageIndexes | None:
        """A Parquet file's per-page statistics (`page_index.py`), imported when first asked."""
        from checker.tables.page_index import PageIndexes
        return None if self._parquet is None else PageIndexes(self.path, self._parquet)

    def column_bytes(self, index: int) -> dict[str, int]:
        """About what each column of one Parquet row group takes decoded."""
        from checker.tables.row_group import decoded_bytes

        return decoded_bytes(self._parquet.metadata.row_group(index))

    def stored_bytes(self, index: int) -> dict[str, int]:
        """What each column chunk of one Parquet row group takes stored, uncompressed."""
        from checker.tables.row_group import stored_bytes

        return stored_bytes(self._parquet.metadata.row_group(index))

    def _read_dictionary(self, columns: Sequence[str]) -> list[str]:
        return [name for name in self._dictionary if name in columns]


def _guarded(read: Callable[[], Iterator[pa.RecordBatch]], path: Path | None = None, *, ahead: bool = True
             ) -> Iterator[pa.RecordBatch]:
    try:
        yield from prefetch(read()) if ahead else read()
    except TableReadError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, UnicodeDecodeError...
        raise read_error(exc, path) from exc


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
        low, high = _min_max(found) if found.has_min_max else (None, None)
        nulls = found.null_count if found.has_null_count else None
        paged = chunk.has_column_index and chunk.has_offset_index
        stats[chunk.path_in_schema] = ColumnStats(low, high, nulls, paged)
    return RowGroup(index, group.num_rows, stats)


def _min_max(found: Any) -> tuple[Any, Any]:
    """The statistics' min and max. A nanosecond timestamp's become microsecond datetimes,
    the min rounded down and the max up (what they prove still holds): pyarrow would make
    them pandas Timestamps, importing pandas (about 0.5 s) on a data-only run. The logical type
    is read as JSON: pyarrow 26 writes it without spaces, earlier versions with them."""
    logical = found.logical_type
    if (found.physical_type == "INT64" and logical.type == "TIMESTAMP"
            and json.loads(logical.to_json()).get("timeUnit") == "nanoseconds"):
        return from_epoch_nanos(found.min_raw, -1), from_epoch_nanos(found.max_raw, 1)
    return found.min, found.max


@record(eq=False, repr=False)
class TableOptions:
    """How `open_table` reads a file (every field optional; see open_table)."""

    columns: Sequence[str] | None = None
    batch_rows: int | None = None
    csv_strings: bool = False
    as_text: bool = False
    types: Mapping[str, pa.DataType] | None = None
    dictionary: Sequence[str] = ()
    delimiter: str = ","
    block_bytes: int | None = None
    json_values: bool = False


def _text_read(options: TableOptions, batch_rows: int) -> TextRead:
    """How CSV and JSON Lines text is read (csv_read is imported only for text files)."""
    from checker.tables.csv_read import block_size

    return TextRead(options.columns, batch_rows, options.as_text or options.csv_strings, options.types or {},
                    options.json_values, options.block_bytes or block_size(batch_rows), options.delimiter)


def open_table(path: Path, options: TableOptions | None = None) -> TableStream:
    """Open a data file for streaming. `columns` limits what is decoded; `as_text` (or its
    older name `csv_strings`) reads every CSV / JSON Lines column as text (the caller converts
    and counts bad values); `types` parses CSV columns straight to these types (a value that
    does not parse is a `ColumnTypeError` naming the column) and reads JSON Lines columns as
    exactly these types (any other JSON type is a `MixedTypesError`); `json_values` reads JSON
    Lines value by value, each as its JSON text (see `jsonl_text.json_text`). `dictionary`
    names Parquet text columns to read dictionary-encoded (each distinct value decoded once).
    `delimiter` and `block_bytes` are for CSV. Compressed CSV and JSON Lines are read as such."""
    options = options or TableOptions()
    batch_rows = options.batch_rows or BATCH_ROWS  # looked up per call: tests shrink it
    fmt = table_format(path)
    require_file(path)
    try:
        if fmt == "parquet":
            return _open_parquet(path, options.columns, batch_rows, options.dictionary)
        read = _text_read(options, batch_rows)
        if fmt == "csv":
            from checker.tables.csv_read import open_csv

            names, batches = open_csv(path, read)
            return TableStream(path, "csv", names, None, batches)
        return _open_jsonl(path, read)
    except TableReadError:
        raise
    except Exception as exc:
        raise read_error(exc, path) from exc


def require_file(path: Path) -> None:
    """A TableReadError unless `path` is a file with bytes in it."""
    if not path.exists():
        raise TableReadError("file not found")
    if path.stat().st_size == 0:
        raise TableReadError("file is empty (0 bytes)")


@record(eq=False, repr=False)
class TextRead:
    """What `open_table` was asked for, as the CSV and JSON Lines readers take it."""

    columns: Sequence[str] | None
    batch_rows: int
    as_text: bool
    types: Mapping[str, pa.DataType]
    json_values: bool
    block_bytes: int
    delimiter: str = ","


def _open_parquet(path: Path, columns: Sequence[str] | None, batch_rows: int,
                  dictionary: Sequence[str]) -> TableStream:
    from checker.tables.parquet_file import ParquetFile

    parquet = ParquetFile(path, read_dictionary=dictionary)
    names = parquet.schema_arrow.names
    selected = [c for c in columns if c in names] if columns is not None else None

    def batches() -> Iterator[pa.RecordBatch]:
        yield from parquet.iter_batches(batch_size=batch_rows, columns=selected)

    return TableStream(path, "parquet", selected if selected is not None else names,
                       parquet.metadata.num_rows, batches, parquet, list(dictionary))


def _open_jsonl(path: Path, read: TextRead) -> TableStream:
    from checker.tables import jsonl_text

    if read.as_text or read.json_values:
        names, batches = jsonl_text.open_jsonl_text(path, read.columns, read.batch_rows,
                                                    literal=read.json_values)
    elif read.types:
        names, batches = jsonl_text.open_jsonl_typed(path, read.types, read.block_bytes)
    else:
        names, batches = jsonl_text.open_jsonl_inferred(path, read.columns, read.block_bytes)
    return TableStream(path, "jsonl", names, None, batches)


def read_error(exc: BaseException, path: Path | None = None) -> TableReadError:
    message = _describe(exc)
    if message.startswith("not valid JSON Lines") and path is not None:
        from checker.tables.jsonl_text import first_invalid_line

        where = first_invalid_line(path)
        message = f"not valid JSON Lines: {where}" if where else message
    if "JSON" in message and ("changed from" in message or "Failed to convert JSON" in message):
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
