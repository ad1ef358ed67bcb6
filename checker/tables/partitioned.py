"""A hive-partitioned Parquet folder read as one table (`events/day=2024-01-01/part-0.parquet`):
the `key=value` folder names become columns, and the files stream one after another, so every
rule (uniqueness too) holds across the whole folder."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.config.paths import PathRefusedError, confine
from checker.tables.errors import TableReadError

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.reader import TableStream


def partitioned_schema(folder: Path) -> pa.Schema:
    """The columns of the folder's Parquet files plus its partition columns."""
    return _dataset(folder).schema


def open_partitioned(folder: Path, columns: Sequence[str] | None, batch_rows: int) -> TableStream:
    from checker.tables.reader import TableStream

    dataset = _dataset(folder)
    names = dataset.schema.names
    selected = [c for c in columns if c in names] if columns is not None else names

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in dataset.to_batches(columns=selected, batch_size=batch_rows):
            if batch.num_rows:
                yield batch

    return TableStream(folder, "parquet", selected, dataset.count_rows(), batches)


def _dataset(folder: Path) -> Any:
    import pyarrow.dataset as ds

    if not folder.is_dir():
        raise TableReadError("not a folder: `partitioning: hive` reads a folder of Parquet files")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".parquet", ".pq"))
    for path in files:  # rglob enters no symlinked folder; a symlinked file must stay inside too
        try:
            confine(folder, path.relative_to(folder), inside="the partitioned folder")
        except PathRefusedError as exc:
            raise TableReadError(f"refused, not read: {exc}") from None
    if not files:
        raise TableReadError("no .parquet file in the folder")
    return ds.dataset([str(p) for p in files], format="parquet",
                      partitioning=ds.HivePartitioning.discover(), partition_base_dir=str(folder))
