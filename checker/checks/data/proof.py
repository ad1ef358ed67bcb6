"""What a Parquet file's statistics prove without decoding: per row group, the rules a column
still has to evaluate (`still_needed`: a range inside the stored min/max, no null where the null
count is 0, no value of another type in a native column), and whether a unique column's row
groups never share a value (`disjoint`, so each group's duplicates are its own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from checker.checks.data.rules import ColumnRules
from checker.contracts.model import ColumnType, naive_utc
from checker.tables.reader import ColumnStats, RowGroup

if TYPE_CHECKING:
    import pyarrow as pa


def disjoint(groups: list[RowGroup], name: str) -> bool:
    """Whether the row groups' [min, max] of a column never overlap, so a value can repeat
    only inside one row group."""
    stats = [g.stats.get(name) for g in groups if g.num_rows]
    if any(s is None or s.min is None or s.max is None for s in stats):
        return False
    try:
        spans = sorted((s.min, s.max) for s in stats if s is not None)
        return all(high < next_low for (_, high), (next_low, _) in pairwise(spans))
    except TypeError:
        return False


def still_needed(rules: ColumnRules, native: bool, stats: ColumnStats | None) -> frozenset[str]:
    """The rules this row group still has to evaluate for the column."""
    applies = rules.applies
    if not native:
        return applies
    needed = set(applies - {"types"})  # a native Parquet type holds no value of another type
    if stats is None:
        return frozenset(needed)
    if stats.null_count == 0 and rules.column.type is not ColumnType.FLOAT:
        needed.discard("nulls")  # floats stay: statistics do not count NaN
    if "ranges" in needed and within(rules, stats):
        needed.discard("ranges")
    return frozenset(needed)


def narrowed(rules: ColumnRules, stats: ColumnStats | None) -> ColumnRules:
    """The column's rules for one row group without the range bound its statistics prove (the
    block scan then computes one extreme per block instead of two)."""
    low, high = _proven(rules, stats)
    proven: dict[str, Any] = {**({"min": None} if low else {}), **({"max": None} if high else {})}
    return ColumnRules(rules.name, rules.column.model_copy(update=proven)) if proven else rules


def _proven(rules: ColumnRules, stats: ColumnStats | None) -> tuple[bool, bool]:
    """Whether the statistics prove the column's lower bound, and its upper bound (a side
    without a bound, or without statistics, is not proven)."""
    col = rules.column
    if stats is None or stats.min is None or stats.max is None:
        return False, False
    return (col.min is not None and _compares(lambda: _naive(stats.min) >= col.min),
            col.max is not None and _compares(lambda: _naive(stats.max) <= col.max))


def _compares(test: Callable[[], bool]) -> bool:
    try:
        return bool(test())
    except TypeError:  # statistics of a type the bound does not compare with
        return False


def within(rules: ColumnRules, stats: ColumnStats) -> bool:
    """Whether the statistics prove every bound the column has (the range rule has one)."""
    low, high = _proven(rules, stats)
    col = rules.column
    return (low or col.min is None) and (high or col.max is None)


def _naive(value: Any) -> Any:
    import datetime as dt

    return naive_utc(value) if isinstance(value, dt.datetime) else value


def stores_natively(stored: pa.DataType, column_type: ColumnType) -> bool:
    """Whether every value of the stored Parquet type is a valid value of the contract type."""
    import pyarrow as pa

    if pa.types.is_dictionary(stored):
        stored = stored.value_type
    checks: Mapping[ColumnType, Callable[[pa.DataType], bool]] = {
        ColumnType.INT: lambda t: pa.types.is_integer(t) and t != pa.uint64(),
        ColumnType.FLOAT: lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
        ColumnType.BOOL: pa.types.is_boolean,
        ColumnType.DATETIME: lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t),
        ColumnType.STRING: lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        ColumnType.CATEGORY: lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    }
    return checks[column_type](stored)
