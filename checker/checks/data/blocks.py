"""Range and null rules on plain numbers, block by block, in two passes over the values.

A batch of int64 or float64 values is cut into blocks of `BLOCK` rows and only each block's
min and max are computed (numpy, no mask). A block whose min and max lie inside the bounds
holds no violation; only the few blocks that do not are looked at row by row. A null slot's
stored value can only widen its block's min and max, never hide a value out of range, so the
answer is exact; a NaN makes its block's min NaN, which is how NaN (a missing value here) is
found without a mask either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.tables.arrow_values import to_numpy
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

BLOCK = 4096


@dataclass(frozen=True)
class Blocks:
    data: np.ndarray  # the values as stored (a null slot holds some number)
    lows: np.ndarray  # min per block (NaN when the block has a NaN)
    highs: np.ndarray
    valid: np.ndarray | None  # validity per row; None: no null

    def outside(self, low: Any, high: Any) -> np.ndarray:
        """Rows (batch positions, ascending) holding a value below `low` or above `high`."""
        import numpy as np

        inside = np.ones(len(self.lows), bool)
        if low is not None:
            inside &= self.lows >= low
        if high is not None:
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
            if self.valid is not None:
                bad &= self.valid[start:start + BLOCK]
            found.append(np.flatnonzero(bad) + start)
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def missing(self) -> np.ndarray:
        """Rows holding a null or a NaN, ascending."""
        import numpy as np

        found = [np.flatnonzero(~self.valid)] if self.valid is not None else []
        if self.has_nan:
            for block in np.flatnonzero(np.isnan(self.lows)):
                start = int(block) * BLOCK
                found.append(np.flatnonzero(np.isnan(self.data[start:start + BLOCK])) + start)
        if not found:
            return np.empty(0, np.int64)
        return found[0] if len(found) == 1 else sorted_distinct(np.concatenate(found))

    @property
    def has_nan(self) -> bool:
        import numpy as np

        return bool(self.data.dtype == np.float64 and np.isnan(self.lows).any())


def blocks(values: pa.Array) -> Blocks | None:
    """The block extremes of an int64 or float64 array; None for any other type."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc

    if values.type not in (pa.int64(), pa.float64()) or values.null_count == len(values):
        return None
    data = to_numpy(values)
    full = len(data) // BLOCK * BLOCK
    lows, highs = [], []
    if full:
        grid = data[:full].reshape(-1, BLOCK)
        lows.append(grid.min(axis=1))
        highs.append(grid.max(axis=1))
    if full < len(data):
        lows.append(data[full:].min(keepdims=True))
        highs.append(data[full:].max(keepdims=True))
    valid = to_numpy(pc.is_valid(values)) if values.null_count else None
    return Blocks(data, np.concatenate(lows), np.concatenate(highs), valid)
