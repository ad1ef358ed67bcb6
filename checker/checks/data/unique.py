"""Exact uniqueness over a whole file, streamed batch by batch.

Numbers, datetimes and booleans are kept as one int64 key per row (8 bytes a row, the least
an exact answer needs) and sorted once at the end; text is kept as arrow strings and counted
with pyarrow's hash-based `value_counts`. Past a memory budget the keys go to hash partitions
on disk (`spill.py`) and each partition is answered exactly on its own. Whole-row uniqueness
(`unique_rows`, `repeated_rows.py`) counts a 64-bit hash per row as these keys.
Every row whose value occurs more than once counts: two rows sharing an id are 2 violations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from checker.record import record
from checker.tables.arrow_values import false, scalar, to_numpy
from checker.tables.row_sets import isin

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.checks.data.spill import Hasher, Partitions


@record(eq=False, repr=False)
class Duplicates:
    rows: np.ndarray  # sorted 0-based rows whose value occurs more than once
    values: list[Any]  # the value of the first few of those rows, in the same order


MEMORY_BUDGET = 32 * 1024 * 1024  # bytes of keys one unique column holds before it spills to disk


@record(eq=False, repr=False)
class Keys:
    """One batch of a unique column as compared: an int64 key per row and its validity (numbers,
    datetimes, booleans), or the text itself. Built on any thread (`keys_of`), counted on one."""

    ints: np.ndarray | None
    valid: np.ndarray | None
    text: pa.Array | None
    decode: Callable[[int], Any] = int

    def __len__(self) -> int:
        return len(self.text) if self.text is not None else len(self.ints)  # type: ignore[arg-type]

    @property
    def nbytes(self) -> int:
        if self.text is not None:
            return int(self.text.nbytes)
        assert self.ints is not None and self.valid is not None
        return int(self.ints.nbytes + self.valid.nbytes)


def keys_of(values: pa.Array) -> Keys:
    import pyarrow as pa

    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_string(values.type):
        return Keys(None, None, values)
    ints, valid = _int_keys(values)
    return Keys(ints, valid, None, _decoder(values.type))


class ValueCounter:
    """Collects one column's converted values; `duplicates()` answers exactly.

    `flush()` closes a segment whose values cannot occur in any other segment (Parquet row
    groups whose min/max statistics do not overlap): its duplicates are found right away and
    its keys dropped, so memory stays bounded by a row group instead of growing with the file.
    Past `budget` bytes of keys held, every key goes to hash partitions on disk instead
    (`spill.Partitions`), each partition later answered on its own, so memory stays bounded
    whatever the file; `hasher` picks the partitions (tests force collisions with it).
    """

    def __init__(self, examples: int = 5, budget: int | None = None, hasher: Hasher | None = None) -> None:
        self._chunks: list[Keys] = []
        self._held = 0
        self._examples = examples
        self._budget = MEMORY_BUDGET if budget is None else budget
        self._hasher = hasher
        self._spilled: Partitions | None = None
        self._base = 0  # rows in the segments already flushed (or spilled)
        self._rows: list[np.ndarray] = []
        self._values: list[Any] = []

    def add(self, values: pa.Array) -> None:
        self.append(keys_of(values))

    def append(self, keys: Keys) -> None:
        """Add the next batch's keys (made by `keys_of`, perhaps on another thread)."""
        if self._spilled is not None:
            self._spilled.write(keys, self._base)
            self._base += len(keys)
            return
        self._chunks.append(keys)
        self._held += keys.nbytes
        if self._held > self._budget:
            self._spill()

    def _spill(self) -> None:
        from checker.checks.data.spill import Partitions

        self._spilled = Partitions(self._hasher)
        chunks, self._chunks, self._held = self._chunks, [], 0
        for keys in chunks:
            self.append(keys)

    @property
    def spilled(self) -> bool:
        return self._spilled is not None

    def flush(self) -> None:
        if not self._chunks:
            return
        found, rows = self._segment()
        self._keep(found)
        self._base += rows
        self._chunks, self._held = [], 0

    def settled(self, found: Duplicates, rows: int) -> None:
        """Add a segment of `rows` rows answered elsewhere (a row group, on its worker)."""
        self.flush()
        self._keep(found)
        self._base += rows

    def _keep(self, found: Duplicates) -> None:
        self._rows.append(found.rows + self._base if self._spilled is None else found.rows)
        self._values += found.values[: self._examples - len(self._values)]

    def duplicates(self) -> Duplicates:
        import numpy as np

        self.flush()
        if self._spilled is not None:
            try:
                self._keep(self._spilled.duplicates(self._examples))
            finally:
                self._spilled.close()
                self._spilled = None
        rows = np.concatenate(self._rows) if self._rows else np.empty(0, np.int64)
        return Duplicates(rows, self._values)

    def _segment(self) -> tuple[Duplicates, int]:
        if self._chunks[0].text is not None:
            texts = [k.text for k in self._chunks]
            return _text_duplicates(texts, self._examples), sum(len(c) for c in self._chunks)
        keys, valid = _joined([k.ints for k in self._chunks]), _joined([k.valid for k in self._chunks])
        rows = _duplicate_rows(keys, valid)
        decode = self._chunks[-1].decode
        return Duplicates(rows, [decode(int(keys[r])) for r in rows[: self._examples]]), len(keys)


def _decoder(kind: pa.DataType) -> Callable[[int], Any]:
    """From an int64 key back to the value, for evidence."""
    import datetime as dt

    import numpy as np
    import pyarrow as pa

    if pa.types.is_floating(kind):
        return lambda key: float(np.int64(key).view(np.float64))
    if pa.types.is_timestamp(kind):
        return lambda key: dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=key)
    if pa.types.is_boolean(kind):
        return bool
    return int


def _int_keys(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(int64 key per row, validity per row): equal values get equal keys."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc

    valid = to_numpy(pc.is_valid(values))
    if pa.types.is_floating(values.type):
        floats = to_numpy(pc.fill_null(pc.cast(values, pa.float64()), scalar(0.0, pa.float64())))
        valid &= ~np.isnan(floats)
        floats = np.where(floats == 0.0, 0.0, floats)  # -0.0 equals 0.0
        return floats.view(np.int64), valid
    if pa.types.is_timestamp(values.type):
        values = values.view(pa.int64())
    values = pc.cast(values, pa.int64())
    return to_numpy(pc.fill_null(values, scalar(0, pa.int64()))), valid


def _joined(parts: list[Any]) -> np.ndarray:
    import numpy as np

    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _duplicate_rows(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    import numpy as np

    if valid.all() and (keys[1:] >= keys[:-1]).all():  # in order (ids often are): equal neighbours repeat
        repeated = keys[1:] == keys[:-1]
        marked = np.zeros(len(keys), bool)
        marked[1:] |= repeated
        marked[:-1] |= repeated
        return np.flatnonzero(marked)

    present = keys[valid] if not valid.all() else keys
    ordered = np.sort(present)
    repeated = ordered[1:] == ordered[:-1]
    if not repeated.any():
        return np.empty(0, np.int64)
    # few duplicated values as a rule: a binary search per key (row_sets.isin) beats a full sort
    return np.flatnonzero(isin(keys, ordered[1:][repeated]) & valid)


def _text_duplicates(chunks: list[Any], examples: int) -> Duplicates:
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc

    counts = pc.value_counts(pa.chunked_array(chunks, pa.string()))
    repeated = pc.and_(pc.greater(counts.field("counts"), scalar(1, pa.int64())),
                       pc.is_valid(counts.field("values")))
    duplicated = pc.filter(counts.field("values"), repeated)
    if len(duplicated) == 0:
        return Duplicates(np.empty(0, np.int64), [])
    found: list[np.ndarray] = []
    values: list[Any] = []
    offset = 0
    for chunk in chunks:
        hits = pc.indices_nonzero(pc.fill_null(pc.is_in(chunk, value_set=duplicated), false()))
        found.append(to_numpy(hits).astype(np.int64) + offset)
        if len(values) < examples:
            values += pc.take(chunk, hits.slice(0, examples - len(values))).to_pylist()
        offset += len(chunk)
    return Duplicates(np.concatenate(found).astype(np.int64), values)
