"""Whole-row duplicates (`unique_rows`): a 64-bit hash per row (`row_hash.py`) counted as a
unique column's keys are (`unique.ValueCounter`: held up to its memory budget, then in hash
partitions on disk, so memory stays bounded whatever the file), and the rows whose hash repeats
confirmed exactly on a second read, comparing their values (a collision never counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from checker.checks.data.unique import Keys, ValueCounter
from checker.record import record

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.checks.data.row_hash import RowHash
    from checker.checks.data.spill import Hasher


@record(eq=False, repr=False)
class RowKeys:
    """A batch's rows, the `names` columns in that order, as the keys RowCounter counts: made
    on any thread (a part's worker), counted in file order on one."""

    names: tuple[str, ...]
    row_hash: RowHash

    def __call__(self, batch: pa.RecordBatch) -> Keys:
        import numpy as np

        hashes = np.asarray(self.row_hash(batch.select(list(self.names))), np.uint64).view(np.int64)
        return Keys(hashes, np.ones(len(hashes), bool), None)


class RowCounter:
    """Whole-row duplicates: a 64-bit hash per row (`row_hash.row_hashes`), counted as a unique
    column's keys are (held up to the budget, then in hash partitions on disk), and the rows
    whose hash repeats confirmed exactly on a second read (`_confirm`). `row_hash` and
    `hasher` are for tests (colliding rows, colliding partitions)."""

    def __init__(self, budget: int | None = None, hasher: Hasher | None = None,
                 row_hash: RowHash | None = None) -> None:
        from checker.checks.data.row_hash import row_hashes

        self._hashes = ValueCounter(0, budget, hasher)
        self._row_hash = row_hash or row_hashes

    def keys_for(self, names: Sequence[str]) -> RowKeys:
        """How a batch's rows become this counter's keys, over the `names` columns."""
        return RowKeys(tuple(names), self._row_hash)

    def append(self, keys: Keys) -> None:
        """Count the next batch's row keys (made by `keys_for`), in file order."""
        self._hashes.append(keys)

    def add(self, batch: pa.RecordBatch) -> None:
        self.append(self.keys_for(batch.schema.names)(batch))

    @property
    def spilled(self) -> bool:
        return self._hashes.spilled

    def duplicates(self, reread: Callable[[], Iterable[pa.RecordBatch]]) -> np.ndarray:
        """Rows that repeat another row exactly. `reread` streams the same batches again."""
        candidates = self._hashes.duplicates().rows
        if not len(candidates):
            return candidates
        return _confirm(candidates, reread)


def _confirm(candidates: np.ndarray, reread: Callable[[], Iterable[pa.RecordBatch]]) -> np.ndarray:
    """The sorted `candidates` whose whole row another candidate has, comparing Python values."""
    import numpy as np

    from checker.checks.data.row_hash import frozen
    from checker.checks.data.whole import whole_rows

    records = whole_rows((_comparable(batch) for batch in reread()), candidates)
    rows = {row: tuple(frozen(value) for value in record.values()) for row, record in records.items()}
    seen = Counter(rows.values())
    return np.array(sorted(r for r, row in rows.items() if seen[row] > 1), np.int64)


def _comparable(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with its temporal columns as their integers, which compare the same way within a
    column, and read as Python values without pandas (timestamp[ns] would import it)."""
    import pyarrow as pa

    columns = [_as_integers(column) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _as_integers(values: pa.Array) -> pa.Array:
    import pyarrow as pa

    kind = values.type
    if not pa.types.is_temporal(kind) or pa.types.is_interval(kind):
        return values
    return values.view(pa.int64() if kind.bit_width == 64 else pa.int32())
