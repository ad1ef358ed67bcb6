"""Sets of rows (or of int64 keys) as sorted numpy arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) for a 1-d integer array: each value once, in ascending order. Not
    np.unique itself: numpy 2's asks numpy.ma whether its input is masked, and importing numpy.ma
    costs every data-only run about 10 ms."""
    import numpy as np

    ordered = np.sort(values)
    keep = np.ones(len(ordered), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
