"""The rereads of the text formats (`policy.DataFile` builds them): a CSV file read as the
contract's types, whose chosen rows parse from their own lines and which the first pass may cut in
pieces (`RowsReread`, `PiecesReread`), and a JSON Lines file read as exactly its JSON types, whose
chosen rows parse from their own lines. Imported only when such a file is read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from checker.record import record
from checker.tables.reader import TableOptions, TableStream, open_table

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.csv_pieces import Piece, Split
    from checker.tables.csv_spans import Each
    from checker.tables.policy import Records
    from checker.tables.reader import TextRead


@record(eq=False, repr=False)
class CsvReread:
    """A CSV file read as `types`; its reread, which can also parse chosen rows from their own
    lines and cut the file in pieces for the first pass (`split`)."""

    path: Path
    names: list[str]
    types: Mapping[str, pa.DataType]
    delimiter: str
    block: int | None
    split: bool = False

    def open(self) -> TableStream:
        return open_table(self.path, TableOptions(columns=self.names, types=self.types,
                                                  delimiter=self.delimiter, block_bytes=self.block))

    def batches(self) -> Iterator[pa.RecordBatch]:
        return self.open().batches()

    __call__ = batches  # the reread `run` gets

    def rows(self, wanted: Sequence[int], records: int, each: Each = iter) -> Records | None:
        """The records at data rows `wanted` of the `records` the first pass read, parsed from
        their own lines alone (`csv_spans`), or None when that is not proven the same."""
        from checker.tables.csv_read import read_lines
        from checker.tables.csv_spans import HEADER, record_spans

        spans = record_spans(self.path, records, [HEADER, *wanted], each)
        if spans is None or len(spans) != len(set(wanted)) + 1:
            return None
        rows = sorted(spans)
        table = read_lines(self.path, self._read_as(), [spans[row] for row in rows])
        if table is None:
            return None
        return dict(zip(rows[1:], table.to_pylist(), strict=True))

    def pieces(self, each: Each = iter) -> Split | None:
        """The file cut in pieces for the first pass to read on every core, or None (one pass)."""
        from checker.tables.csv_pieces import split_file

        return split_file(self.path, self.delimiter, each) if self.split else None

    def piece(self, split: Split, piece: Piece) -> Iterator[pa.RecordBatch]:
        """One piece's batches; UnprovenSplitError after them when it was not one record a line."""
        from checker.tables.csv_pieces import piece_batches

        return piece_batches(self.path, self._read_as(), split.header, piece)

    def _read_as(self) -> TextRead:
        from checker.tables.csv_read import block_size
        from checker.tables.reader import BATCH_ROWS, TextRead

        return TextRead(self.names, BATCH_ROWS, False, self.types, False,
                        self.block or block_size(BATCH_ROWS), self.delimiter)


@record(eq=False, repr=False)
class JsonlReread:
    """A JSON Lines file read as exactly `types`, whose chosen rows parse from their own lines
    (each record is one line unless `csv_spans` finds otherwise)."""

    path: Path
    types: Mapping[str, pa.DataType]

    def open(self) -> TableStream:
        return open_table(self.path, TableOptions(types=self.types))

    def __call__(self) -> Iterator[pa.RecordBatch]:
        return self.open().batches()

    def rows(self, wanted: Sequence[int], records: int, each: Each = iter) -> Records | None:
        """The records at rows `wanted` of the `records` read, or None when not proven the same."""
        from checker.tables.csv_read import block_size
        from checker.tables.csv_spans import line_bytes, record_spans
        from checker.tables.jsonl_text import typed_lines
        from checker.tables.reader import BATCH_ROWS

        # no header line: row r is the index's record r, which record_spans calls row r - 1
        spans = record_spans(self.path, records - 1, [row - 1 for row in wanted], each)
        if spans is None or len(spans) != len(set(wanted)):
            return None
        rows = sorted(spans)
        table = typed_lines(line_bytes(self.path, [spans[row] for row in rows]), self.types,
                            block_size(BATCH_ROWS))
        if table is None or table.num_rows != len(rows):
            return None
        return {row + 1: record for row, record in zip(rows, table.to_pylist(), strict=True)}
