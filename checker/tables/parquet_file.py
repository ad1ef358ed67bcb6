"""A Parquet file opened for reading, without `pyarrow.parquet`'s import.

`import pyarrow.parquet` costs 15-20 ms of every Parquet run's start, most of it `pyarrow.fs` and the
cloud filesystems (S3, GCS, Azure, HDFS, with `ssl`) it loads; mlsmoke reads only local paths
inside the project. `ParquetFile` opens them with the reader `pyarrow.parquet.ParquetFile`
wraps (`pyarrow._parquet.ParquetReader`) and does what that wrapper does for the calls the
checker makes: opening with the same options, and naming columns, where a top-level name
selects every leaf column under it (a struct's fields, a list's items). The tests compare the
two on flat and nested columns, dictionary reads and row-group reads.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


class ParquetFile:
    """The calls of `pyarrow.parquet.ParquetFile` the checker makes, on a local file."""

    def __init__(self, path: Path, *, metadata: Any = None,
                 read_dictionary: Sequence[str] | None = None) -> None:
        from pyarrow._parquet import ParquetReader

        self._reader = ParquetReader()
        # pre_buffer off: read column chunks as they are decoded, not whole row groups ahead;
        # no column read dictionary-encoded is None to the reader, not an empty list
        self._reader.open(str(path), metadata=metadata, pre_buffer=False,
                          read_dictionary=list(read_dictionary or ()) or None, **_extensions())
        self._leaves: dict[str, list[int]] = {}
        for index, parts in enumerate(self._reader.column_paths):
            for depth in range(1, len(parts) + 1):
                self._leaves.setdefault(".".join(parts[:depth]), []).append(index)

    @property
    def metadata(self) -> Any:
        """The file's `FileMetaData` (row groups, column chunks, statistics)."""
        return self._reader.metadata

    @property
    def schema(self) -> Any:
        """The Parquet schema, its leaf columns with their physical and logical types."""
        return self._reader.metadata.schema

    @property
    def schema_arrow(self) -> pa.Schema:
        return self._reader.schema_arrow

    @property
    def num_row_groups(self) -> int:
        return int(self._reader.num_row_groups)

    def iter_batches(self, *, batch_size: int, row_groups: Sequence[int] | None = None,
                     columns: Sequence[str] | None = None,
                     use_threads: bool = True) -> Iterator[pa.RecordBatch]:
        groups = range(self.num_row_groups) if row_groups is None else row_groups
        return iter(self._reader.iter_batches(batch_size, row_groups=groups,
                                              column_indices=self._indices(columns), use_threads=use_threads))

    def read_row_group(self, index: int, *, columns: Sequence[str] | None = None,
                       use_threads: bool = True) -> pa.Table:
        return self._reader.read_row_group(index, column_indices=self._indices(columns),
                                           use_threads=use_threads)

    def _indices(self, columns: Sequence[str] | None) -> list[int] | None:
        """The leaf columns under each name, in order; None reads them all. An unknown name
        selects nothing, as in pyarrow."""
        if columns is None:
            return None
        return [index for name in columns for index in self._leaves.get(name, ())]


@functools.cache
def _extensions() -> dict[str, bool]:
    """`pyarrow.parquet.ParquetFile` reads Parquet's JSON and UUID logical types as Arrow
    extension types since pyarrow 21 (apache/arrow#46772), where the reader's own default
    stays off: the same here."""
    import pyarrow as pa

    return {"arrow_extensions_enabled": True} if int(pa.__version__.split(".")[0]) >= 21 else {}
