"""Patterns (`when` / `set`) planted in synthetic data, one vectorized mask per pattern.

Patterns apply in order, each to the table as the ones before left it, so a later pattern wins
where several match a row. A `when` condition never matches a null. A `set` value must itself
satisfy the contract (type, bounds, allowed, pattern, nullability), and a unique column can be
set on at most one row; otherwise SynthError says which pattern and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.config.schema import Comparison, Pattern
from checker.contracts.model import Column, ColumnType, Contract
from checker.synth.columns import arrow_type
from checker.synth.values import SynthError, rule_broken, to_column_type

if TYPE_CHECKING:
    import pyarrow as pa

_COMPARE: dict[Comparison, str] = {"eq": "equal", "ne": "not_equal", "gt": "greater",
                                   "ge": "greater_equal", "lt": "less", "le": "less_equal"}


def pattern_columns(patterns: Sequence[Pattern]) -> set[str]:
    """Every column a pattern reads or writes."""
    return {name for pattern in patterns for name in (*pattern.when, *pattern.set)}


def apply_patterns(arrays: dict[str, pa.Array], contract: Contract, patterns: Sequence[Pattern]) -> None:
    """Sets the pattern values in `arrays` (column name → array), in place."""
    import pyarrow as pa

    from checker.tables import compute as pc

    for number, pattern in enumerate(patterns, start=1):
        what = f"pattern {number}"
        _known_columns(pattern, contract, what)
        rows = _matching_rows(arrays, contract, pattern.when, what)
        matched = pc.sum(rows).as_py() or 0
        for name, value in pattern.set.items():
            column = contract.columns[name]
            converted = to_column_type(value, column, f"{what} sets {name}")
            broken = rule_broken(converted, column)
            if broken:
                raise SynthError(f"{what} sets {name} to {value!r}, which its contract does not "
                                 f"allow: {broken}")
            scalar = pa.scalar(converted, arrow_type(column.type))
            if column.unique and matched and (matched > 1 or _elsewhere(arrays[name], rows, scalar)):
                raise SynthError(f"{what} sets the unique column {name} to {value!r} on {matched} "
                                 "rows, or where another row already holds it")
            arrays[name] = pc.if_else(rows, scalar, arrays[name])


def _elsewhere(values: pa.Array, rows: pa.Array, scalar: pa.Scalar) -> bool:
    from checker.tables import compute as pc

    same = pc.fill_null(pc.equal(values, scalar), False)
    return bool(pc.any(pc.and_(pc.invert(rows), same)).as_py())


def _known_columns(pattern: Pattern, contract: Contract, what: str) -> None:
    unknown = [name for name in (*pattern.when, *pattern.set) if name not in contract.columns]
    if unknown:
        raise SynthError(f"{what} names {', '.join(map(repr, unknown))}, not a column of contract "
                         f"{contract.name or '(unnamed)'}")


def _matching_rows(arrays: Mapping[str, pa.Array], contract: Contract,
                   when: Mapping[str, Mapping[Comparison, Any]], what: str) -> pa.Array:
    import pyarrow as pa

    from checker.tables import compute as pc

    rows = len(next(iter(arrays.values())))
    mask = pa.repeat(pa.scalar(True), rows)
    for name, conditions in when.items():
        for op, operand in conditions.items():
            column = contract.columns[name]
            condition = _condition(arrays[name], column, op, operand, f"{what} when {name} {op}")
            mask = pc.and_(mask, pc.fill_null(condition, False))
    return mask


def _condition(values: pa.Array, column: Column, op: Comparison, operand: Any, what: str) -> pa.Array:
    import pyarrow as pa

    from checker.tables import compute as pc

    kind = arrow_type(column.type)
    if op == "in":
        if not isinstance(operand, list):
            raise SynthError(f"{what}: expected a list of values, got {operand!r}")
        value_set = pa.array([to_column_type(v, column, what) for v in operand], kind)
        return pc.is_in(values, value_set=value_set)
    if operand is None and op in ("eq", "ne"):
        return pc.is_null(values) if op == "eq" else pc.is_valid(values)
    if operand is None:
        raise SynthError(f"{what}: null can only be compared with eq or ne")
    if column.type is ColumnType.INT and isinstance(operand, float) and not operand.is_integer():
        values, column = values.cast(pa.float64()), Column(type=ColumnType.FLOAT)  # e.g. gt: 5.5
    scalar = pa.scalar(to_column_type(operand, column, what), arrow_type(column.type))
    return getattr(pc, _COMPARE[op])(values, scalar)
