"""Sets of rows (or of int64 keys) as numpy arrays: np.unique and np.isin's answers without
calling them, for 1-d integer arrays. numpy 2's np.unique (np.isin calls it on large inputs)
asks numpy.ma whether its input is masked, and importing numpy.ma costs a run about 10 ms."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values): each value once, in ascending order."""
    import numpy as np

    ordered = np.sort(values)
    keep = np.ones(len(ordered), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def isin(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """np.isin(values, members): True where a value is one of `members`."""
    import numpy as np

    if not len(members):
        return np.zeros(len(values), bool)
    ordered = sorted_distinct(members)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    found: np.ndarray = ordered[at] == values
    return found
