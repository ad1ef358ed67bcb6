"""CSV files for pyarrow's streaming reader: the header, the delimiter, the block size.

A row longer than the block pyarrow parses at a time is a `BlockTooSmallError` (the caller
reads again with a larger block), never pyarrow's "straddling object" message. `sniff_delimiter`
guesses the delimiter from the header line, for `infer` and for the hint a check gives when
the header looks delimited by something else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.tables.errors import BlockTooSmallError, ColumnTypeError, TableReadError
from checker.tables.sources import open_binary, source

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.csv_spans import Span
    from checker.tables.reader import TextRead

MAX_BLOCK = 1 << 30
MAX_HEADER_BYTES = 1 << 20  # the longest header line read (about 100,000 column names)
_CANDIDATES = ",;\t|"


def open_csv(path: Path, read_as: TextRead) -> tuple[list[str], Callable[[], Iterator[pa.RecordBatch]]]:
    """(the columns read, a function streaming their batches)."""
    header, (read, parse, convert) = _options(path, read_as)

    def batches() -> Iterator[pa.RecordBatch]:
        yield from _stream(source(path), header, (read, parse, convert), read_as.block_bytes)

    return (list(convert.include_columns) if read_as.columns is not None else header), batches


def parse_buffer(path: Path, read_as: TextRead, data: pa.Buffer) -> Iterator[pa.RecordBatch]:
    """CSV text held in memory (a header line first), parsed as `open_csv` parses `path`, on
    the calling thread only."""
    import pyarrow as pa

    header, (read, parse, convert) = _options(path, read_as)
    read.use_threads = False
    yield from _stream(pa.BufferReader(data), header, (read, parse, convert), read_as.block_bytes)


def _stream(where: Any, header: list[str], options: tuple[Any, Any, Any], block_bytes: int
            ) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read, parse, convert = options
    try:
        with pacsv.open_csv(where, read_options=read, parse_options=parse, convert_options=convert) as reader:
            for batch in reader:
                _reject_binary(batch)
                yield batch
    except pa.ArrowInvalid as exc:
        raise _conversion_error(exc, header, block_bytes) from exc


def read_lines(path: Path, read_as: TextRead, spans: Sequence[Span]) -> pa.Table | None:
    """The records at these spans of the file (each one whole line, the header first), parsed
    exactly as `open_csv` parses them; None when pyarrow refuses them."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from checker.tables.csv_spans import line_bytes

    _, (read, parse, convert) = _options(path, read_as)
    try:
        table = pacsv.read_csv(pa.BufferReader(line_bytes(path, spans)), read_options=read,
                               parse_options=parse, convert_options=convert)
        for batch in table.to_batches():
            _reject_binary(batch)
    except (pa.ArrowInvalid, TableReadError):
        return None
    return table if table.num_rows == len(spans) - 1 else None


def _options(path: Path, read_as: TextRead) -> tuple[list[str], tuple[Any, Any, Any]]:
    """(the header, pyarrow's read, parse and convert options for `read_as`)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns, as_text, types = read_as.columns, read_as.as_text, read_as.types
    header = csv_header(path, read_as.delimiter)
    convert = pacsv.ConvertOptions(
        include_columns=[c for c in columns if c in header] if columns is not None else None,
        column_types={name: pa.string() for name in header} if as_text else dict(types) or None,
        strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(block_size=read_as.block_bytes)
    # quoted values may span lines; the parser must not split a block inside one
    parse = pacsv.ParseOptions(delimiter=read_as.delimiter, newlines_in_values=True)
    return header, (read, parse, convert)


def block_size(batch_rows: int) -> int:
    """Bytes parsed at a time: about `batch_rows` rows of text, at most 1 MiB (larger blocks
    read no faster and pyarrow keeps several in flight, so memory grows with them)."""
    return min(1 << 20, rows_bytes(batch_rows))


def rows_bytes(batch_rows: int) -> int:
    """About `batch_rows` rows of text, in bytes."""
    return max(1 << 10, batch_rows * 64)


def csv_header(path: Path, delimiter: str = ",") -> list[str]:
    import csv

    text = header_line(path)
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        raise TableReadError("the header has a line break inside a quoted column name (or an "
                             "unclosed quote): put each column name on the first line") from None


def header_line(path: Path) -> str:
    with open_binary(path) as raw:
        first = raw.readline(MAX_HEADER_BYTES + 1)
    if len(first) > MAX_HEADER_BYTES:  # cut: the columns it names would be wrong
        raise TableReadError(f"the header line is longer than {MAX_HEADER_BYTES >> 20} MiB, more than "
                             "mlsmoke reads for one")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"not UTF-8 text (byte {exc.start} of the header line): "
                             "save the file as UTF-8") from None
    if not text.strip():
        raise TableReadError("no header line: the first line is empty")
    return text


def sniff_delimiter(path: Path) -> str:
    """The delimiter the file most likely uses (`,` when nothing else fits better): one that
    splits the header into more columns than a comma does and the first lines after it into
    as many as the header (a one-column file whose name holds a `|` stays one column)."""
    import csv

    def width(delimiter: str) -> int:
        return len(next(csv.reader([header], delimiter=delimiter, strict=True)))

    try:
        header = header_line(path)
        found = csv.Sniffer().sniff(header, delimiters=_CANDIDATES).delimiter
        columns = width(found)
        if columns <= width(","):
            return ","
        rows = _records(_first_lines(path), found)
    except (csv.Error, TableReadError, OSError, UnicodeDecodeError):
        return ","
    return found if all(len(row) == columns for row in rows[1:] if row) else ","


def _records(lines: list[str], delimiter: str) -> list[list[str]]:
    """The complete records of `lines` (a record the sample cuts short is left out)."""
    import csv
    from contextlib import suppress

    records: list[list[str]] = []
    with suppress(csv.Error):  # the sample ends inside a quoted value
        records.extend(csv.reader(lines, delimiter=delimiter, strict=True))
    return records


def _first_lines(path: Path, lines: int = 20, limit: int = 1 << 16) -> list[str]:
    """The first `lines` lines of the file (at most `limit` bytes of them; a cut last line is
    left out), decoded as UTF-8."""
    with open_binary(path) as raw:
        sample = raw.read(limit)
    text = sample.decode("utf-8-sig", errors="strict") if len(sample) < limit else \
        sample[: sample.rfind(b"\n") + 1].decode("utf-8-sig")
    return text.splitlines(keepends=True)[:lines]


def delimiter_hint(path: Path, delimiter: str, header: Sequence[str]) -> str | None:
    """A hint when the header splits into more columns with another delimiter."""
    if len(header) > 1:
        return None
    other = sniff_delimiter(path)
    if other in (",", delimiter):
        return None
    return (f"the header looks delimited by {other!r}, not {delimiter!r}: "
            f"set `csv: {{delimiter: {other!r}}}` on this data entry")


def _conversion_error(exc: Exception, header: list[str], block_bytes: int) -> Exception:
    import re

    if "straddl" in str(exc):
        if block_bytes >= MAX_BLOCK:
            return TableReadError(f"a row is larger than {MAX_BLOCK >> 20} MiB")
        return BlockTooSmallError(f"a row is larger than {block_bytes} bytes")
    # a piece parsed on its own (csv_pieces) numbers its rows from the piece: leave them out
    message = re.sub(r"^(In CSV column #\d+: )Row #\d+: ", r"\1", str(exc))
    found = re.match(r"In CSV column #(\d+): CSV conversion error", message)
    if found is None or int(found.group(1)) >= len(header) or "invalid UTF8" in message:
        return exc
    return ColumnTypeError(message, header[int(found.group(1))])


def _reject_binary(batch: pa.RecordBatch) -> None:
    """pyarrow's type inference reads a column with invalid UTF-8 as `binary` instead of
    failing: that is a mis-encoded file."""
    import pyarrow as pa

    for field in batch.schema:
        if pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
            raise TableReadError(f"not valid UTF-8 text in column {field.name!r}: save the file as UTF-8")
