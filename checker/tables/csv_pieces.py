"""A CSV cut into pieces at line starts, parsed on every core at once, exactly as one pass.

A piece is parsed on its own (the header line, then its bytes) and numbered from the file's
line index (`csv_spans`), so its first row is known before the pieces before it are read. It
is the same as reading the file straight through when it starts outside quotes, and it does:

- the first piece starts the file;
- each piece ends on a line that reads as complete fields (`_complete`: quoted fields closed,
  no quote in a bare value), so if that line is one record the next piece starts outside quotes;
- each piece's parser finds as many records as the piece has lines with content, so every
  record of the piece is one line (see `csv_spans`), its last line included.

The last check runs when a piece has been read; a piece that fails it (or that pyarrow
refuses) raises `UnprovenSplitError` before anything after it is counted, and the caller reads
the file again in one pass. The errors a one-pass read raises too (a value that does not parse
as its column's type, a row larger than a block) are raised as they are: every piece before
has been proven, so this one starts where one pass would be.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker.record import record
from checker.tables.csv_spans import Each, LineIndex
from checker.tables.errors import TableReadError, UnprovenSplitError

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.reader import TextRead

PIECE = 2 << 20  # bytes a piece holds, about
_TRIES = 8  # lines looked at for a piece's end


@record
class Piece:
    start: int  # its first byte (a line start)
    stop: int  # the byte after it (a line start, or the file's end)
    first_row: int  # the data row it starts with
    rows: int  # the data rows it holds, as the line index counts them


@record
class Split:
    header: bytes  # the header line, parsed ahead of every piece but the first
    pieces: list[Piece]


def prepare(path: Path) -> None:
    """Start indexing a file large enough to be cut, on a thread of its own, while the run
    gets ready to read it (on one core there is no cutting: nothing to do)."""
    from checker.tables.csv_spans import warm

    try:
        large = path.stat().st_size > 2 * PIECE
    except OSError:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if large and cores > 1:
        warm(path)


def split_file(path: Path, delimiter: str, each: Each = iter) -> Split | None:
    """The file cut in pieces, or None when it is small, compressed or not indexed (a lone \\r,
    a line longer than a block)."""
    from checker.tables.csv_spans import line_index

    try:
        if path.stat().st_size <= 2 * PIECE:
            return None
    except OSError:  # gone: one pass says so
        return None
    index = line_index(path, each)
    found = split(path, index, delimiter) if index is not None else None
    return found if found is not None and len(found.pieces) > 1 else None


def split(path: Path, index: LineIndex, delimiter: str, size: int | None = None) -> Split:
    """The file cut about every `size` bytes (PIECE) where a complete line ends."""
    import numpy as np

    from checker.tables.csv_spans import HEADER, index_spans

    complete, size = _complete(delimiter), size or PIECE
    cuts = [0]
    with path.open("rb", buffering=0) as handle:
        for target in range(size, index.size - size // 2, size):
            at = int(np.searchsorted(index.offset_at, target))
            for cut in index.offset_at[at:at + _TRIES].tolist():
                if cut > cuts[-1] and complete.fullmatch(_line_before(handle.fileno(), cut)):
                    cuts.append(cut)
                    break
        header = index_spans(path, index, [HEADER])[HEADER]
        head = os.pread(handle.fileno(), header.end - header.start, header.start)
    records = np.searchsorted(index.offset_at, cuts)
    first = [int(index.record_at[r]) for r in records] + [index.records]
    return Split(head, [Piece(start, stop, max(first[k] - 1, 0), first[k + 1] - max(first[k], 1))
                        for k, (start, stop) in enumerate(zip(cuts, [*cuts[1:], index.size], strict=True))])


def _complete(delimiter: str) -> re.Pattern[bytes]:
    sep = re.escape(delimiter.encode())
    field = rb'(?:"(?:[^"]|"")*"|[^"' + sep + rb"\r\n]*)"
    return re.compile(field + rb"(?:" + sep + field + rb")*\r?\n")


def _line_before(fd: int, cut: int) -> bytes:
    """The line with content that ends just before byte `cut` (b"" when it is blank or longer
    than a block)."""
    from checker.tables.csv_spans import BLOCK

    for reach in (1 << 12, BLOCK):
        start = max(0, cut - reach)
        data = os.pread(fd, cut - start, start)
        begins = data.rfind(b"\n", 0, len(data) - 1) + 1
        if begins or not start:
            line = data[begins:]
            return line if line.strip(b"\r\n") else b""
    return b""


def piece_batches(path: Path, read_as: TextRead, header: bytes, piece: Piece) -> Iterator[pa.RecordBatch]:
    """The piece's record batches (`header`: the file's header line), parsed as `open_csv`
    parses the file; UnprovenSplitError at the end when they are not its lines."""
    import pyarrow as pa

    from checker.tables.csv_read import parse_buffer, rows_bytes

    ahead = header if piece.start else b""
    data = bytearray(len(ahead) + piece.stop - piece.start)
    data[:len(ahead)] = ahead
    with path.open("rb") as handle:
        handle.seek(piece.start)
        handle.readinto(memoryview(data)[len(ahead):])
    rows = 0
    # a piece in memory: about batch_rows rows a batch (the stream's 1 MiB cap is for read-ahead)
    block = max(read_as.block_bytes, min(len(data), rows_bytes(read_as.batch_rows)))
    try:
        for batch in parse_buffer(path, replace(read_as, block_bytes=block), pa.py_buffer(data)):
            rows += batch.num_rows
            yield batch
    except TableReadError:
        raise
    except Exception as exc:  # pyarrow's: a cut record, perhaps; one pass says what it is
        raise UnprovenSplitError(f"a piece cannot be read alone: {exc}") from exc
    if rows != piece.rows:
        raise UnprovenSplitError(f"{rows} records in a piece of {piece.rows} lines")
