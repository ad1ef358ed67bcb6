"""The read policy for a data file checked against a contract, in one place.

`open_data(path, options)` reads what a file declares (its columns, from the CSV header line,
the Parquet footer or the first MiB of JSON Lines); `DataFile.read(wanted, run)` then hands
`run` one stream of typed record batches and a way to read the same batches again on request
(`reread`, for the exact check of whole-row duplicates). A CSV's reread (`RowsReread`) can
also parse chosen rows from their own lines and cut the file in pieces for the first pass to
read on every core, each when the file's bytes prove it the same as one pass (`csv_spans`,
`csv_pieces`). The policy decides how each pass reads:

- CSV columns are parsed straight to the contract's number types; a column with a value that
  does not parse is read again as text, which `coerce` converts value by value. After two such
  columns every column is read as text, so a file is parsed at most three times. A row larger
  than the parser's block is read again with a larger block; a piece that is not one record
  a line (a quoted line break) has the file read again in one pass.
- JSON Lines columns are parsed as exactly the contract's JSON types; a file with any other
  value is read again value by value, each value keeping its JSON type (see `jsonl_text`).
- Parquet keeps the types it stores; `dictionary` columns are decoded once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from checker.contracts.model import ColumnType
from checker.record import record
from checker.tables.errors import (
    BlockTooSmallError,
    ColumnTypeError,
    MixedTypesError,
    TableReadError,
    UnprovenSplitError,
)
from checker.tables.reader import (
    TableOptions,
    TableStream,
    open_table,
    read_error,
    require_file,
    table_format,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.csv_pieces import Piece, Split
    from checker.tables.csv_spans import Each

T = TypeVar("T")
Reread = Callable[[], Iterable["pa.RecordBatch"]]
Records = dict[int, dict[str, Any]]  # data row → its record
Run = Callable[[TableStream, Reread], T]
MAX_RETYPED = 2
_BLOCK_GROWTH = 16


@record(eq=False)
class ReadOptions:
    """How a data entry says its files are written."""

    delimiter: str = ","
    partitioning: str | None = None  # "hive": the path is a folder read as one Parquet table


@record(eq=False, repr=False)
class DataFile:
    """A data file and the columns it declares, ready to be read."""

    path: Path
    format: str
    column_names: list[str]
    options: ReadOptions = ReadOptions()
    hint: str | None = None  # why the columns may not be what the file means (a delimiter)
    unsupported: Mapping[str, str] = field(default_factory=dict)  # nested column → its type

    def read(self, wanted: Mapping[str, ColumnType], run: Run[T], *,
             dictionary: Sequence[str] = ()) -> T:
        """`run(stream, reread)` over the `wanted` columns the file has, typed for them."""
        names = [name for name in wanted if name in self.column_names]
        if self.format == "csv":
            return self._read_csv(names, wanted, run)
        if self.format == "jsonl":
            return self._read_jsonl(names, wanted, run)
        if self.options.partitioning:
            return self._read_partitioned(names, run)
        dictionary = [name for name in dictionary if name not in self.unsupported]
        stream = open_table(self.path, TableOptions(columns=names, dictionary=dictionary))
        return run(stream, lambda: open_table(self.path, TableOptions(columns=names)).batches())

    def _read_partitioned(self, names: list[str], run: Run[T]) -> T:
        from checker.tables.partitioned import open_partitioned
        from checker.tables.reader import BATCH_ROWS

        stream = open_partitioned(self.path, names, BATCH_ROWS)
        return run(stream, lambda: open_partitioned(self.path, names, BATCH_ROWS).batches())

    def _read_csv(self, names: list[str], wanted: Mapping[str, ColumnType], run: Run[T]) -> T:
        from checker.tables.coerce import csv_type
        from checker.tables.text_reread import CsvReread

        as_text: set[str] = set()
        block: int | None = None
        split = True  # the first pass may read pieces on every core (csv_pieces)
        while True:
            if len(as_text) >= MAX_RETYPED:
                as_text = set(names)
            types = {name: csv_type(ColumnType.STRING if name in as_text else wanted[name]) for name in names}
            opener = CsvReread(self.path, names, types, self.options.delimiter, block, split)
            try:
                return run(opener.open(), opener)
            except UnprovenSplitError:
                split = False
            except ColumnTypeError as exc:
                if exc.column in as_text or exc.column not in names:
                    raise
                as_text.add(exc.column)
            except BlockTooSmallError:
                from checker.tables.csv_read import MAX_BLOCK, block_size
                from checker.tables.reader import BATCH_ROWS

                block = min(MAX_BLOCK, (block or block_size(BATCH_ROWS)) * _BLOCK_GROWTH)

    def _read_jsonl(self, names: list[str], wanted: Mapping[str, ColumnType], run: Run[T]) -> T:
        from checker.tables.text_reread import JsonlReread

        types = {name: json_type(wanted[name]) for name in names}
        try:
            typed = JsonlReread(self.path, types)
            return run(typed.open(), typed)
        except MixedTypesError:
            literal = TableOptions(columns=names, json_values=True)
            stream = open_table(self.path, literal)
            return run(stream, lambda: open_table(self.path, literal).batches())


@runtime_checkable
class RowsReread(Protocol):
    """A reread that can also parse chosen rows from their own lines (`rows`: None when the
    file's bytes do not prove them the same as reading the file again)."""

    def __call__(self) -> Iterable[pa.RecordBatch]: ...

    def rows(self, wanted: Sequence[int], records: int, each: Each = iter) -> Records | None: ...


@runtime_checkable
class PiecesReread(RowsReread, Protocol):
    """A CSV's reread, which can also cut the file in pieces for the first pass (`pieces`:
    None when it cannot)."""

    def pieces(self, each: Each = iter) -> Split | None: ...

    def piece(self, split: Split, piece: Piece) -> Iterator[pa.RecordBatch]: ...


def open_data(path: Path, options: ReadOptions = ReadOptions()) -> DataFile:
    """The file's format and columns; a TableReadError when it cannot be read at all."""
    fmt = "parquet" if options.partitioning else table_format(path)
    if not options.partitioning:
        require_file(path)
    if fmt == "csv":
        from checker.tables.csv_pieces import prepare

        prepare(path)
    try:
        return _header(path, fmt, options)
    except TableReadError:
        raise
    except Exception as exc:
        raise read_error(exc, path) from exc


def _header(path: Path, fmt: str, options: ReadOptions) -> DataFile:
    import pyarrow as pa

    if fmt == "csv":
        from checker.tables.csv_read import csv_header, delimiter_hint

        header = csv_header(path, options.delimiter)
        return DataFile(path, fmt, header, options, delimiter_hint(path, options.delimiter, header))
    if fmt == "jsonl":
        from checker.tables.jsonl_text import column_names

        return DataFile(path, fmt, column_names(path), options)
    if options.partitioning:
        from checker.tables.partitioned import partitioned_schema

        schema = partitioned_schema(path)
    else:
        schema = open_table(path).parquet_schema
    assert schema is not None
    nested = {f.name: str(f.type) for f in schema if pa.types.is_nested(f.type)}
    return DataFile(path, fmt, schema.names, options, unsupported=nested)


def json_type(column_type: ColumnType) -> pa.DataType:
    """The JSON type a contract type's values are written as (datetimes are strings)."""
    import pyarrow as pa

    return {ColumnType.INT: pa.int64(), ColumnType.FLOAT: pa.float64(),
            ColumnType.BOOL: pa.bool_()}.get(column_type, pa.string())
