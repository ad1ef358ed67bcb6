"""Range and null rules on plain numbers, block by block, in two passes over the values.

A batch of int64 or float64 values is cut into blocks of `BLOCK` rows and only each block's
extremes are computed (numpy, no mask): its min when a lower bound is checked, its max when an
upper bound is (a row group whose statistics prove one side is checked on the other alone,
`proof.narrowed`). A block whose extremes lie inside the bounds holds no violation; only the few
blocks that do not are looked at row by row. A null slot's stored value can only widen its
block's extremes, never hide a value out of range, so the answer is exact; a NaN makes its
block's min and max NaN, which is how NaN (a missing value here) is found without a mask either.
Validity is looked at only in those few blocks, and null rows come from pyarrow's own scan of
the validity bitmap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.record import record
from checker.tables.arrow_values import null_rows, to_numpy
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

BLOCK = 4096


@record(eq=False, repr=False)
class Blocks:
    """A numeric column of one batch, with the min and max of each block of rows."""

    values: pa.Array  # int64 or float64, as stored
    data: np.ndarray  # the same values (a null slot holds some number)
    lows: np.ndarray | None  # min per block (NaN when the block has a NaN); None: not computed
    highs: np.ndarray | None  # max per block, likewise

    def outside(self, low: Any, high: Any) -> np.ndarray:
        """Rows (batch positions, ascending) holding a value below `low` or above `high`
        (the block extremes of each bound given were computed)."""
        import numpy as np

        from checker.tables import compute as pc

        inside = np.ones(len(self._any), bool)
        if low is not None:
            assert self.lows is not None
            inside &= self.lows >= low
        if high is not None:
            assert self.highs is not None
            inside &= self.highs <= high
        found = []
        for block in np.flatnonzero(~inside):
            start = int(block) * BLOCK
            values = self.data[start:start + BLOCK]
            bad = np.zeros(len(values), bool)
            if low is not None:
                bad |= values < low
            if high is not None:
                bad |= values > high
            if self.values.null_count:
                bad &= to_numpy(pc.is_valid(self.values.slice(start, len(values))))
            found.append(np.flatnonzero(bad) + start)
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def missing(self) -> np.ndarray:
        """Rows holding a null or a NaN, ascending."""
        import numpy as np

        found = [null_rows(self.values)] if self.values.null_count else []
        if self.has_nan:
            for block in np.flatnonzero(np.isnan(self._any)):
                start = int(block) * BLOCK
                found.append(np.flatnonzero(np.isnan(self.data[start:start + BLOCK])) + start)
        if not found:
            return np.empty(0, np.int64)
        return found[0] if len(found) == 1 else sorted_distinct(np.concatenate(found))

    @property
    def has_nan(self) -> bool:
        import numpy as np

        return bool(self.data.dtype == np.float64 and np.isnan(self._any).any())

    @property
    def _any(self) -> np.ndarray:
        """Extremes of one kind, whichever were computed (a NaN shows in both)."""
        found = self.lows if self.lows is not None else self.highs
        assert found is not None
        return found


def blocks(values: pa.Array, *, low: bool = True, high: bool = True) -> Blocks | None:
    """The block extremes of an int64 or float64 array (mins if `low`, maxes if `high`, at
    least one of them); None for any other type."""
    import pyarrow as pa

    if values.type not in (pa.int64(), pa.float64()) or values.null_count == len(values):
        return None
    data = to_numpy(values)
    high = high or not low
    return Blocks(values, data, _extremes(data, "min") if low else None,
                  _extremes(data, "max") if high else None)


def _extremes(data: np.ndarray, kind: str) -> np.ndarray:
    import numpy as np

    reduce = np.minimum.reduce if kind == "min" else np.maximum.reduce
    full = len(data) // BLOCK * BLOCK
    found = []
    if full:
        found.append(reduce(data[:full].reshape(-1, BLOCK), axis=1))
    if full < len(data):
        found.append(reduce(data[full:], keepdims=True))
    return np.concatenate(found)
