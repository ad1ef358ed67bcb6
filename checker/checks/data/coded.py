"""Rules on dictionary-encoded values: each rule runs on the dictionary (the distinct values),
and only an entry that fails is looked up in the rows.

A Parquet text chunk is read this way (`tables/row_group.py`), and so is any column the file's
stored arrow schema says is dictionary-encoded (a pandas categorical, of text or numbers). A
failing entry's rows come from a boolean table indexed by the rows' indices: exact, since an
entry no row points at finds no row, and a null row (a null index) is never a hit. Nulls come
from the indices' validity bitmap, and a null or NaN dictionary entry from the dictionary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from checker.tables.arrow_values import null_rows, to_numpy
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

_FEW = 4


def is_coded(values: pa.Array) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_dictionary(values.type))


def per_entry(values: pa.Array, find: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
    """The rows `find` (an array → its failing positions) fails: on plain values, `find` of
    them; on dictionary-encoded ones, the rows of the entries `find` fails in the dictionary."""
    if not is_coded(values):
        return find(values)
    return coded_rows(values, find(values.dictionary))


def coded_rows(values: pa.DictionaryArray, entries: np.ndarray) -> np.ndarray:
    """The rows (ascending) whose index is one of `entries` (dictionary positions)."""
    import numpy as np

    if not len(entries):
        return np.empty(0, np.int64)
    indices = to_numpy(values.indices)
    if len(entries) <= _FEW:  # a comparison per entry beats a table lookup per row
        hit = indices == entries[0]
        for entry in entries[1:]:
            hit |= indices == entry
    else:  # a null row's index slot holds any number: clipped into the table, cleared below
        table = np.zeros(len(values.dictionary), bool)
        table[entries] = True
        hit = table.take(indices, mode="clip")
    if values.null_count:
        hit[null_rows(values.indices)] = False
    return np.flatnonzero(hit).astype(np.int64)


def coded_missing(values: pa.DictionaryArray, missing_entries: np.ndarray) -> np.ndarray:
    """The rows with a null index, or an index at one of `missing_entries` (null or NaN)."""
    import numpy as np

    nulls, held = null_rows(values.indices), coded_rows(values, missing_entries)
    if not len(nulls) or not len(held):
        return held if len(held) else nulls
    return sorted_distinct(np.concatenate([nulls, held]))
