"""One Parquet row group, decoded a whole column chunk at a time.

`GroupColumns.column(name)` decodes one column chunk whole (`read_row_group(i, columns=[name])`
on the calling thread). That is faster than streaming the group in record batches and holds
one column at a time: measured on 10 row groups of 1M rows × 15 columns on 2 threads, 0.32 s
and 170 MB peak, against 0.45 s and 330 MB for 128K-row batches (and 0.36 s but 560 MB for the
whole group at once). `decoded_bytes` says what each column takes decoded, so that the caller
(`checks/data/columnwise.py`) can keep within its memory budget, or stream a group in batches.

Text chunks are read dictionary-encoded, each distinct value decoded once, where the chunk is
dictionary-encoded: it has a dictionary page and is too small to hold plain values
(`dictionary_encoded`). A chunk that fell back to PLAIN part way is read dense, since pyarrow
would hash every plain value into a dictionary. A wrong guess costs only time: either way the
values are the same. pyarrow reads only BYTE_ARRAY columns dictionary-encoded (ARROW-6277), so
numbers are always read dense.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

HOLD_BUDGET = 192 * 1024 * 1024  # decoded bytes of one row group's columns held for whole failing rows
_WIDTHS = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
_INDEX_BYTES = 4  # a BYTE_ARRAY value's length prefix when PLAIN, its index when decoded


def dictionary_encoded(chunk: Any) -> bool:
    """Whether a column chunk's data pages look dictionary-encoded (pyarrow does not expose the
    chunk's encoding statistics): it has a dictionary page and its data pages, beside it, take
    well under the bytes its values would take PLAIN."""
    if not chunk.has_dictionary_page or chunk.num_values == 0:
        return False
    width = _WIDTHS.get(chunk.physical_type, _INDEX_BYTES)
    dictionary_page = max(0, chunk.data_page_offset - chunk.dictionary_page_offset)
    data_pages = chunk.total_uncompressed_size - dictionary_page
    return bool(data_pages < chunk.num_values * width * 3 // 4)


def decoded_bytes(group: Any) -> dict[str, int]:
    """About what each column of a row group (pyarrow RowGroupMetaData) takes decoded."""
    found = {}
    for j in range(group.num_columns):
        chunk = group.column(j)
        width = _WIDTHS.get(chunk.physical_type)
        if width is None:  # variable width: offsets (or indices) and the bytes themselves
            found[chunk.path_in_schema] = group.num_rows * _INDEX_BYTES + chunk.total_uncompressed_size
        else:
            found[chunk.path_in_schema] = group.num_rows * width
    return found


def stored_bytes(group: Any) -> dict[str, int]:
    """What each column chunk of a row group (pyarrow RowGroupMetaData) takes stored,
    uncompressed: about the work of decoding it."""
    return {group.column(j).path_in_schema: group.column(j).total_uncompressed_size
            for j in range(group.num_columns)}


def encoded_text(group: Any, text: Sequence[str]) -> tuple[str, ...]:
    """The `text` columns whose chunks in this row group (RowGroupMetaData) are read
    dictionary-encoded."""
    chunks = {group.column(j).path_in_schema: group.column(j) for j in range(group.num_columns)}
    return tuple(name for name in text if name in chunks and dictionary_encoded(chunks[name]))


class GroupColumns:
    """The columns of one row group, each decoded whole when asked for, through `parquet` (a
    parquet_file.ParquetFile used by one thread at a time)."""

    def __init__(self, parquet: Any, index: int) -> None:
        self._file = parquet
        self._index = index

    def column(self, name: str) -> pa.Array:
        try:
            chunked = self._file.read_row_group(self._index, columns=[name], use_threads=False).column(0)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...
            raise _read_error(exc) from exc
        return chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()

    def values_at(self, name: str, rows: Any) -> pa.Array:
        """Column `name`'s values at the sorted group rows `rows` (a numpy int64 array). When
        they all sit in the chunk's first third, only the pages up to the last one are decoded
        (one batch streamed, then stopped: on 1M-row chunks, the first 64K rows take 10-20 % of
        the whole chunk's time), else the chunk is decoded whole."""
        from checker.tables import compute as pc
        from checker.tables.arrow_values import int64_array

        end = int(rows[-1]) + 1 if len(rows) else 0
        early = 3 * end < self._file.metadata.row_group(self._index).num_rows
        values = self._head(name, end) if early else None
        return pc.take(values if values is not None else self.column(name), int64_array(rows))

    def _head(self, name: str, rows: int) -> pa.Array | None:
        """Column `name`'s first `rows` values, decoded up to there only (None: the reader's
        first batch held fewer)."""
        try:
            batches = self._file.iter_batches(batch_size=max(rows, 1), row_groups=[self._index],
                                              columns=[name], use_threads=False)
            first = next(iter(batches), None)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...
            raise _read_error(exc) from exc
        return first.column(0) if first is not None and first.num_rows >= rows else None


def _read_error(exc: Exception) -> Exception:
    from checker.tables.reader import read_error

    return read_error(exc)
