"""The unique rule's failing rows, whole: taken by the workers (settle.py), parsed from their
own lines (a CSV whose records are one line each, `csv_spans`) or read again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


def taken_rows(taken: Mapping[int, dict[str, Any]], kept: np.ndarray) -> dict[int, dict[str, Any]]:
    """The kept rows the workers took while checking (settle.py), or {} when one is missing."""
    rows = [int(row) for row in kept]
    return {row: taken[row] for row in rows} if all(row in taken for row in rows) else {}


def reread_rows(reread: Callable[[], Iterable[pa.RecordBatch]], wanted: np.ndarray, records: int,
                each: Callable[[Iterable[Any]], Iterator[Any]]) -> dict[int, dict[str, Any]]:
    """The records at the sorted rows `wanted` of the `records` rows read: parsed alone when
    the reread can prove them the same, else read again batch by batch; `each` bounds the
    loops (a deadline)."""
    from checker.tables.policy import RowsReread

    rows = [int(row) for row in wanted]
    if isinstance(reread, RowsReread) and (found := reread.rows(rows, records, each)) is not None:
        return found
    return whole_rows(each(reread()), wanted)


def whole_rows(batches: Iterable[pa.RecordBatch], wanted: np.ndarray) -> dict[int, dict[str, Any]]:
    """The records at the sorted rows `wanted`, read batch by batch (stops after the last)."""
    found: dict[int, dict[str, Any]] = {}
    offset = 0
    for batch in batches:
        found.update(take_at(batch, offset, wanted))
        offset += batch.num_rows
        if not len(wanted) or offset > wanted[-1]:
            break
    return found


def take_at(batch: pa.RecordBatch, offset: int, wanted: np.ndarray, base: int = 0
            ) -> dict[int, dict[str, Any]]:
    """The records of the sorted rows `wanted` that fall in `batch` (its first row is row
    `offset`), keyed by `base` + row."""
    import numpy as np

    from checker.tables import compute as pc
    from checker.tables.arrow_values import int64_array  # pa.array(numpy) would import pandas

    low, high = np.searchsorted(wanted, [offset, offset + batch.num_rows])
    if high <= low:
        return {}
    rows = wanted[low:high]
    records = pc.take(batch, int64_array(rows - offset)).to_pylist()
    return dict(zip((base + int(r) for r in rows), records, strict=True))
