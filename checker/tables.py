"""Streaming readers for the data files mlsmoke checks: CSV, Parquet and JSON Lines.

`open_table(path)` returns a `TableStream` whose `batches()` yields pyarrow RecordBatches, so
memory stays flat whatever the file size. Every way a file can be unreadable (missing, empty,
corrupt, mis-encoded, unknown extension) is a `TableReadError` with a message for the user.
pyarrow is imported inside the functions (start-up stays light).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 128 * 1024
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class TableReadError(Exception):
    """The file cannot be read as a table; the message says why."""


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

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Record batches in file order; a fault mid-file is a TableReadError."""
        try:
            yield from self._open()
        except TableReadError:
            raise
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, UnicodeDecodeError...
            raise TableReadError(_describe(exc)) from exc


def open_table(path: Path, *, columns: Sequence[str] | None = None,
               batch_rows: int = BATCH_ROWS, csv_strings: bool = False) -> TableStream:
    """Open a data file for streaming. `columns` limits what is decoded (Parquet, CSV);
    `csv_strings` reads every CSV column as text (the caller converts and counts bad values)."""
    fmt = table_format(path)
    if not path.exists():
        raise TableReadError("file not found")
    if path.stat().st_size == 0:
        raise TableReadError("file is empty (0 bytes)")
    try:
        opener = {"csv": _open_csv, "parquet": _open_parquet, "jsonl": _open_jsonl}[fmt]
        return opener(path, columns, batch_rows, csv_strings)
    except TableReadError:
        raise
    except Exception as exc:
        raise TableReadError(_describe(exc)) from exc


def read_table(path: Path, *, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole (small) file as one table: for samples, inference and tests."""
    import pyarrow as pa

    stream = open_table(path, columns=columns)
    batches = list(stream.batches())
    if not batches:
        return pa.table({name: pa.array([], pa.null()) for name in stream.column_names})
    return pa.Table.from_batches(batches)


def _open_csv(path: Path, columns: Sequence[str] | None, batch_rows: int,
              csv_strings: bool) -> TableStream:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _csv_header(path)
    convert = pacsv.ConvertOptions(
        include_columns=[c for c in columns if c in header] if columns is not None else None,
        column_types={name: pa.string() for name in header} if csv_strings else None,
        strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(block_size=max(1 << 20, batch_rows * 64))

    def batches() -> Iterator[pa.RecordBatch]:
        with pacsv.open_csv(path, read_options=read, convert_options=convert) as reader:
            yield from reader

    names = list(convert.include_columns) if columns is not None else header
    return TableStream(path, "csv", names, None, batches)


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
                  csv_strings: bool) -> TableStream:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    selected = [c for c in columns if c in names] if columns is not None else None

    def batches() -> Iterator[pa.RecordBatch]:
        yield from parquet.iter_batches(batch_size=batch_rows, columns=selected)

    return TableStream(path, "parquet", selected if selected is not None else names,
                       parquet.metadata.num_rows, batches)


def _open_jsonl(path: Path, columns: Sequence[str] | None, batch_rows: int,
                csv_strings: bool) -> TableStream:
    import pyarrow.json as pajson

    read = pajson.ReadOptions(block_size=max(1 << 20, batch_rows * 64))
    with pajson.open_json(path, read_options=read) as probe:
        names = probe.schema.names

    def batches() -> Iterator[pa.RecordBatch]:
        with pajson.open_json(path, read_options=read) as reader:
            for batch in reader:
                yield batch.select([c for c in columns if c in names]) if columns is not None else batch

    return TableStream(path, "jsonl", [c for c in columns if c in names] if columns else names,
                       None, batches)


def _describe(exc: BaseException) -> str:
    """A one-line cause for the user, without pyarrow's internal noise."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in message or "UTF-8" in message:
        return f"not valid UTF-8 text ({message}): save the file as UTF-8"
    if "Parquet magic bytes" in message or "Parquet file size is 0" in message:
        return f"not a Parquet file or a corrupt one ({message})"
    return message
