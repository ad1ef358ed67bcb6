"""The unique rule's failing rows, whole: taken by the workers (settle.py), parsed from their
own lines (a CSV whose records are one line each, `csv_spans`) or read again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.checks.data.parallel import Part
    from checker.checks.data.scan import FileScan, ScanDeadline
    from checker.tables.reader import TableStream


def taken_rows(taken: Mapping[int, dict[str, Any]], kept: np.ndarray) -> dict[int, dict[str, Any]]:
    """The kept rows the workers took while checking (settle.py), or {} when one is missing."""
    rows = [int(row) for row in kept]
    return {row: taken[row] for row in rows} if all(row in taken for row in rows) else {}


def index_lines(parts: Iterable[Part], stream: TableStream) -> Iterator[Part]:
    """`parts` as they come; from a CSV's first violation on, its lines are indexed on a thread
    of their own (`csv_spans.warm`), for the examples' line numbers and the whole failing rows."""
    from checker.tables.csv_spans import warm

    waiting = stream.format == "csv"
    for part in parts:
        if waiting and any(tally.violations for tally in part.tallies.values()):
            warm(stream.path)
            waiting = False
        yield part


def reread_rows(reread: Callable[[], Iterable[pa.RecordBatch]], wanted: np.ndarray, found: FileScan,
                bound: ScanDeadline) -> dict[int, dict[str, Any]]:
    """The records at the sorted rows `wanted` of the file `found` scanned: parsed alone when
    the reread can prove them the same (`RowsReread`), else read again batch by batch."""
    from functools import partial

    from checker.tables.policy import RowsReread

    each = partial(bound.each, found=found, doing="reading the repeated rows of")
    rows = [int(row) for row in wanted]
    if isinstance(reread, RowsReread) and (records := reread.rows(rows, found.rows, each)) is not None:
        return records
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
