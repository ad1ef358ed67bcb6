"""A Parquet row group whose unique columns are settled on its worker, whole failing rows and all.

When a unique column's row groups never share a value (their min/max statistics do not
overlap), a row group's duplicates are its own. Its worker then reads that column first and
answers it exactly (`ValueCounter`, which spills to disk past its budget), then decodes the
columns the other rules need (every column, when the group has duplicates) and takes the whole
rows of its first `cap` duplicates as the batches go by. the unique rule's failing rows then need
no second read of the file: `scan` rereads only when a row it keeps was not taken here (a
duplicate in a column that is not settled this way).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from checker.checks.data.parallel import Asked, Part
from checker.checks.data.tally import MAX_EXAMPLES
from checker.checks.data.unique import ValueCounter
from checker.checks.data.whole import take_at
from checker.tables.coerce import coerce
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.tables.reader import RowGroup, TableStream


class Bound(Protocol):
    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]: ...


def settled_group(stream: TableStream, group: RowGroup, part: Part,
                  columns: tuple[Sequence[str], Sequence[str]], bound: Bound) -> Part:
    """Check one row group into `part`, its `settle` columns answered here; `columns` is
    (settle, every column of the scan)."""
    import numpy as np

    settle, names = columns
    types = {rules.name: rules.column.type for rules, _ in part.asked}
    counters = {name: ValueCounter(MAX_EXAMPLES) for name in settle}
    for batch in bound(stream.read_row_group(group.index, list(settle))):
        for name, counter in counters.items():
            counter.add(coerce(batch.column(name), types[name]).values)
    part.settled = {name: counter.duplicates() for name, counter in counters.items()}
    rows = [found.rows for found in part.settled.values()]
    wanted = sorted_distinct(np.concatenate(rows))[: part.cap] if rows else np.empty(0, np.int64)
    decode = list(names) if len(wanted) else [rules.name for rules, _ in part.asked]
    return part.check(_taking(bound(stream.read_row_group(group.index, decode)), wanted, part))


def _taking(batches: Iterable[pa.RecordBatch], wanted: np.ndarray, part: Part) -> Iterator[pa.RecordBatch]:
    """The batches, unchanged, taking on the way the whole records at the group's `wanted`
    rows (0-based in the group, sorted) into `part.whole`, numbered from the file's start."""
    offset = 0
    for batch in batches:
        part.whole.update(take_at(batch, offset, wanted, part.first_row))
        offset += batch.num_rows
        yield batch


def settle_columns(asked: Asked, separate: Sequence[str]) -> tuple[str, ...]:
    """The unique columns a row group's worker answers itself: those whose row groups never
    share a value."""
    return tuple(rules.name for rules, rules_asked in asked
                 if "unique" in rules_asked and rules.name in separate)
