"""A Parquet column chunk's page index, as per-page statistics (`PageStats`), where the writer
wrote one (parquet-mr and Spark do by default, pyarrow with `write_page_index=True`).

pyarrow (26) says only whether a chunk has a ColumnIndex and an OffsetIndex, so they are read
here: the footer gives each chunk's index offsets (ColumnChunk fields 4-7), the ColumnIndex each
page's null count, min and max (null_pages, min_values, max_values, null_counts), the OffsetIndex
each page's first row (PageLocation.first_row_index). The bytes are read through the bounded
`thrift_compact` reader, with the footer and each index capped in size; anything missing,
inconsistent or corrupt means no page statistics for that chunk (the row group's statistics
still apply), never an error. Min and max are decoded only for the types whose order and
meaning leave no doubt, to what pyarrow's row-group statistics give for them: signed integers,
floats and doubles, dates, and timestamps (nanoseconds become microsecond datetimes as the
row group's do: a min rounded down, a max up). Anything else (unsigned, decimal, text,
INT96...) keeps its null counts only.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from checker.record import record
from checker.tables.arrow_values import EPOCH, from_epoch_micros, from_epoch_nanos
from checker.tables.reader import ColumnStats
from checker.tables.thrift_compact import CorruptThriftError, Reader
from checker.tables.thrift_values import binary, boolean, integer, list_of, struct_of

MAX_FOOTER = 2 * 1024 * 1024  # footer bytes parsed for index offsets (a 100-group file: ~150 KB)
MAX_INDEX = 256 * 1024  # bytes of one chunk's ColumnIndex or OffsetIndex (50 pages: ~2 KB)
# index bytes parsed per file: parsing in Python costs ~100x decoding a byte of data, so a file
# made mostly of index costs at most about what decoding the rest of it does
BUDGET_BYTES, BUDGET_SHARE = 1024 * 1024, 64
_CHUNK = struct_of({1: binary, 4: integer, 5: integer, 6: integer, 7: integer})
_FOOTER = {4: list_of(struct_of({1: list_of(_CHUNK)}))}  # FileMetaData.row_groups[].columns[]
_COLUMN_INDEX = {1: list_of(boolean), 2: list_of(binary), 3: list_of(binary), 5: list_of(integer)}
_OFFSET_INDEX = {1: list_of(struct_of({3: integer}))}  # page_locations[].first_row_index
Decode = Callable[[list[bytes]], list[Any]]  # a list of min (or max) values, decoded
Decoders = tuple[Decode, Decode]  # the mins', the maxes'
Location = tuple[int, int]  # (offset, length) in the file


@record(eq=False, repr=False)
class PageStats:
    """One column chunk's pages: where each starts (its first row in the row group, ascending
    from 0) and what its statistics say."""

    starts: tuple[int, ...]
    rows: int  # the row group's
    stats: tuple[ColumnStats, ...]

    def spans(self, pages: Sequence[int]) -> list[tuple[int, int]]:
        """The row spans [start, stop) the ascending `pages` cover, adjacent pages merged."""
        found: list[tuple[int, int]] = []
        for page in pages:
            start, stop = self.span(page)
            if found and found[-1][1] == start:
                found[-1] = (found[-1][0], stop)
            else:
                found.append((start, stop))
        return found

    def span(self, page: int) -> tuple[int, int]:
        """The rows [start, stop) of one page."""
        return self.starts[page], self.starts[page + 1] if page + 1 < len(self.starts) else self.rows


class PageIndexes:
    """The page index of one Parquet file (a parquet_file.ParquetFile `parquet` at `path`), read on
    request; the footer's index offsets are parsed once, on the first request."""

    def __init__(self, path: Path, parquet: Any) -> None:
        self._path = path
        self._parquet = parquet
        self._locations: list[list[tuple[Location, Location] | None]] | None = None
        self._columns: dict[str, tuple[int, Decoders | None] | None] = {}  # name → (position, decoders)
        self._lock = threading.Lock()  # the workers ask at once; the footer is parsed once
        try:
            self._budget = BUDGET_BYTES + path.stat().st_size // BUDGET_SHARE
        except OSError:
            self._budget = 0

    def stats(self, group: int, name: str, whole: ColumnStats | None) -> PageStats | None:
        """Column `name`'s page statistics in row group `group`, checked against the group's
        own (`whole`): None when there is no index, it is corrupt, or the two disagree."""
        found = self._column(name)
        if found is None:
            return None
        column, decoders = found
        metadata = self._parquet.metadata.row_group(group)
        chunk = metadata.column(column)
        if not (chunk.has_column_index and chunk.has_offset_index):
            return None
        try:
            located = self._located()[group][column]
            if located is None or not self._charge(sum(length for _, length in located)):
                return None
            pages = _read(self._path, located, metadata.num_rows, decoders)
            return None if pages is None else agreed(pages, whole)
        except (CorruptThriftError, IndexError, OSError, ValueError, OverflowError):
            return None

    def _column(self, name: str) -> tuple[int, Decoders | None] | None:
        if name not in self._columns:
            column = _column_of(self._parquet.metadata, name)
            decoders = None if column is None else _decoders(self._parquet.schema.column(column))
            self._columns[name] = None if column is None else (column, decoders)
        return self._columns[name]

    def _charge(self, size: int) -> bool:
        """Whether `size` more index bytes stay within the file's budget (then spent)."""
        with self._lock:
            self._budget -= size
            return self._budget >= 0

    def _located(self) -> list[list[tuple[Location, Location] | None]]:
        with self._lock:
            if self._locations is None:
                try:
                    self._locations = _footer_locations(self._path)
                except (CorruptThriftError, OSError, ValueError):
                    self._locations = []
            return self._locations


def agreed(pages: PageStats, whole: ColumnStats | None) -> PageStats | None:
    """The pages as far as the row group's statistics back them: null counts within each
    page's rows and adding up to the group's (else no page keeps a null count), each min and
    max inside the group's (else None: the index is not this chunk's); None without them."""
    if whole is None:
        return None
    counts = [page.null_count for page in pages.stats]
    if any(count is not None and not 0 <= count <= stop - start
           for count, (start, stop) in zip(counts, map(pages.span, range(len(counts))), strict=True)):
        return None
    if None in counts or sum(counts) != whole.null_count:  # type: ignore[arg-type]
        stats = tuple(ColumnStats(page.min, page.max, None) for page in pages.stats)
        pages = PageStats(pages.starts, pages.rows, stats)
    try:
        inside = all(page.min is None or whole.min <= page.min <= page.max <= whole.max
                     for page in pages.stats)
    except TypeError:  # the group's statistics are not of the decoded kind (or missing)
        inside = False
    return pages if inside else None


def _column_of(metadata: Any, name: str) -> int | None:
    if "." in name or not metadata.num_row_groups:
        return None
    group = metadata.row_group(0)
    found = [j for j in range(group.num_columns) if group.column(j).path_in_schema == name]
    return found[0] if len(found) == 1 else None


def _footer_locations(path: Path) -> list[list[tuple[Location, Location] | None]]:
    """Per row group, per column: (ColumnIndex, OffsetIndex) locations, None when absent."""
    with path.open("rb") as file:
        size = file.seek(0, 2)
        if size < 12:
            return []
        file.seek(size - 8)
        tail = file.read(8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != b"PAR1" or length > min(MAX_FOOTER, size - 12):
            return []  # encrypted (PARE), corrupt, or too large to parse here
        file.seek(size - 8 - length)
        footer = Reader(file.read(length)).struct(_FOOTER)
    return [[_chunk_locations(chunk, size) for chunk in group.get(1, [])] for group in footer.get(4, [])]


def _chunk_locations(chunk: dict[int, Any], size: int) -> tuple[Location, Location] | None:
    if 1 in chunk:  # the chunk's data sits in another file
        return None
    column, offsets = (chunk.get(6), chunk.get(7)), (chunk.get(4), chunk.get(5))
    if not (_inside(column, size) and _inside(offsets, size)):
        return None
    return (column[0], column[1]), (offsets[0], offsets[1])  # type: ignore[return-value]


def _inside(location: tuple[int | None, int | None], size: int) -> bool:
    offset, length = location
    return (offset is not None and length is not None and offset >= 0 and 0 < length <= MAX_INDEX
            and offset + length <= size)


def _read(path: Path, located: tuple[Location, Location], rows: int, decoders: Decoders | None
          ) -> PageStats | None:
    with path.open("rb") as file:
        column, offsets = (Reader(_bytes_at(file, at)) for at in located)
    index = column.struct(_COLUMN_INDEX, early=True)
    pages = [page.get(3) for page in offsets.struct(_OFFSET_INDEX, early=True).get(1, [])]
    null_pages, mins, maxs = index.get(1), index.get(2), index.get(3)
    counts = index.get(5) or [None] * len(pages)
    if null_pages is None or mins is None or maxs is None or not _ascending(pages, rows):
        return None
    if len({len(pages), len(null_pages), len(mins), len(maxs), len(counts)}) > 1:
        return None
    lows, highs = ((decoders[0](mins), decoders[1](maxs)) if decoders is not None
                   else ([None] * len(mins),) * 2)
    stats = tuple(_page(null, low, high, count)
                  for null, low, high, count in zip(null_pages, lows, highs, counts, strict=True))
    return PageStats(tuple(pages), rows, stats)


def _bytes_at(file: Any, location: Location) -> bytes:
    offset, length = location
    file.seek(offset)
    found: bytes = file.read(length)
    if len(found) != length:
        raise CorruptThriftError("the index lies beyond the file's end")
    return found


def _ascending(starts: list[int | None], rows: int) -> bool:
    if not starts or starts[0] != 0:
        return False
    if any(start is None for start in starts):
        return False
    return all(a < b for a, b in zip(starts, [*starts[1:], rows], strict=True))  # type: ignore[operator]


def _page(null: bool, low: Any, high: Any, count: int | None) -> ColumnStats:
    """One page's statistics; a null page, or a type not decoded, has no min or max."""
    if count is not None and count < 0:
        count = None
    if null or low is None or high is None:
        return ColumnStats(None, None, count)
    return ColumnStats(low, high, count)


def _decoders(column: Any) -> Decoders | None:
    """How a page's min and max bytes decode for this Parquet column (pyarrow ColumnSchema);
    None: not decoded (see the module's docstring)."""
    logical = json.loads(column.logical_type.to_json())
    kind, physical = logical.get("Type"), column.physical_type
    layout = {"INT32": "<i", "INT64": "<q", "FLOAT": "<f", "DOUBLE": "<d"}.get(physical)
    if layout is None:
        return None
    if kind == "None" or (kind == "Int" and logical.get("isSigned") is True):
        return (_unpacker(layout),) * 2
    if kind == "Date" and physical == "INT32":
        return (_unpacker(layout, lambda days: EPOCH.date() + dt.timedelta(days=days)),) * 2
    if kind != "Timestamp" or physical != "INT64":
        return None
    unit = logical.get("timeUnit", "")
    if unit == "nanoseconds":  # naive, as the row group's (reader._min_max)
        return (_unpacker(layout, partial(from_epoch_nanos, rounding=-1)),
                _unpacker(layout, partial(from_epoch_nanos, rounding=1)))
    scale = {"milliseconds": 1000, "microseconds": 1}.get(unit)
    if scale is None:
        return None
    zone = dt.UTC if logical.get("isAdjustedToUTC") is True else None
    return (_unpacker(layout, lambda n: from_epoch_micros(n * scale).replace(tzinfo=zone)),) * 2


def _unpacker(layout: str, convert: Callable[[Any], Any] | None = None) -> Decode:
    """Decodes a list of min (or max) values, all at once where each has the layout's size;
    a value of another size, or one `convert` refuses, is None."""
    single = struct.Struct(layout)

    def decode(raws: list[bytes]) -> list[Any]:
        if all(len(raw) == single.size for raw in raws):
            values: list[Any] = list(struct.unpack(f"{layout[0]}{len(raws)}{layout[1]}", b"".join(raws)))
        else:
            values = [single.unpack(raw)[0] if len(raw) == single.size else None for raw in raws]
        if convert is None:
            return values
        return [None if value is None else _converted(convert, value) for value in values]

    return decode


def _converted(convert: Callable[[Any], Any], value: Any) -> Any:
    try:
        return convert(value)
    except (OverflowError, ValueError):
        return None
