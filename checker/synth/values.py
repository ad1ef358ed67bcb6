"""Single values against a contract column: convert a YAML value to the column's type, and say
whether the column's rules allow it. Used for `allowed` lists, pattern `when`/`set` values and
the given cells of `complete_rows`; the bulk generators in `synth_columns` never need it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from checker.contracts.model import Column, ColumnType, naive_utc, parse_datetime
from checker.contracts.regex import fullmatch
from checker.errors import InputError


class SynthError(InputError, ValueError):
    """The contract (or a pattern on it) cannot be satisfied; the message says which column and why."""


def to_column_type(value: Any, column: Column, what: str) -> Any:
    """`value` as the Python value of the column's type; SynthError naming `what` when it is not one."""
    if value is None:
        return None
    converted = _CONVERTERS[column.type](value)
    if converted is _INVALID:
        article = "an" if column.type is ColumnType.INT else "a"
        raise SynthError(f"{what}: {value!r} is not {article} {column.type.value}")
    return converted


def rule_broken(value: Any, column: Column) -> str | None:
    """Which rule of `column` the (converted) value breaks, or None when it satisfies them all."""
    if value is None:
        return None if column.nullable else "the column is not nullable"
    if column.min is not None and value < column.min:
        return f"below min {column.min}"
    if column.max is not None and value > column.max:
        return f"above max {column.max}"
    if column.allowed is not None and value not in allowed_values(column, "allowed"):
        return f"not in allowed {column.allowed}"
    if column.pattern is not None and not fullmatch(column.pattern, str(value)):
        return f"does not match pattern {column.pattern!r}"
    return None


def allowed_values(column: Column, what: str) -> list[Any]:
    """The distinct `allowed` values, converted to the column's type, in the order written."""
    converted = [to_column_type(value, column, f"{what} value") for value in column.allowed or []]
    return list(dict.fromkeys(converted))


_INVALID = object()


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return _INVALID


def _to_float(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return _INVALID
    return float(value)


def _to_bool(value: Any) -> Any:
    return value if isinstance(value, bool) else _INVALID


def _to_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # YAML reads `allowed: [1, 2]` as numbers; the column holds their text
    return _INVALID


def _to_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return naive_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            return _INVALID
    return _INVALID


_CONVERTERS = {
    ColumnType.INT: _to_int,
    ColumnType.FLOAT: _to_float,
    ColumnType.BOOL: _to_bool,
    ColumnType.STRING: _to_string,
    ColumnType.CATEGORY: _to_string,
    ColumnType.DATETIME: _to_datetime,
}
