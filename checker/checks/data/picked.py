"""The unique rule's whole failing rows in a Parquet row group checked column by column.

The columns the group decodes are held whole (`columnwise.py`); the others (proven by the
statistics, never decoded for the rules) are decoded by the worker that settled a unique column,
in parallel with the other columns, and only their values at that column's first `cap`
duplicates are kept (`pick`). The merging thread then only takes rows (`whole_records`): the
same records, in the same key order, as taking those rows from a batch of every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.record import record

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.tables.row_group import GroupColumns


@record(eq=False, repr=False)
class Picked:
    """Some columns' values at some rows of one row group."""

    rows: np.ndarray  # sorted, 0-based in the group
    values: dict[str, pa.Array]  # column → its values at `rows`


def pick(group: GroupColumns, rows: np.ndarray, names: Sequence[str]) -> Picked:
    """The columns `names` of `group`, each decoded on this thread (up to the last row only,
    where that is early in the group), at the sorted `rows`."""
    return Picked(rows, {name: group.values_at(name, rows) for name in names})


def whole_records(wanted: np.ndarray, base: int, names: Sequence[str], held: Mapping[str, Any],
                  picks: Sequence[Picked]) -> dict[int, dict[str, Any]]:
    """The records of the group's sorted rows `wanted` (every one among `picks`' rows where a
    column is not `held`), keyed by `base` + row, their keys in the order of `names`."""
    from checker.tables import compute as pc
    from checker.tables.arrow_values import int64_array

    at = int64_array(wanted)
    rows = wanted.tolist()
    columns = [pc.take(held[name], at).to_pylist() if held.get(name) is not None
               else _picked_values(picks, name, rows) for name in names]
    return {base + row: dict(zip(names, values, strict=True))
            for row, values in zip(rows, zip(*columns, strict=True), strict=True)}


def _picked_values(picks: Sequence[Picked], name: str, rows: list[int]) -> list[Any]:
    """Column `name`'s values at `rows`, from the picks that hold them."""
    found: dict[int, Any] = {}
    for picked in picks:
        found.update(zip(picked.rows.tolist(), picked.values[name].to_pylist(), strict=True))
    return [found[row] for row in rows]
