"""One prediction against its declared output (`pipeline.model.output`, `endpoint.response.output`):
the rule the pipeline's model probe and the endpoint's answers both apply."""

from __future__ import annotations

import math
from typing import Any

from checker.config.field_types import OutputSpec
from checker.contracts.model import ColumnType


def output_problem(value: Any, output: OutputSpec | None) -> str | None:
    """Why `value` is not a valid prediction (missing, NaN, wrong type, outside `output`), or None."""
    return _missing(value) or (_against(value, output) if output else None)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _missing(value: Any) -> str | None:
    if value is None:
        return "missing (null)"
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float) and math.isinf(value):
        return "infinite"
    return None


def _against(value: Any, output: OutputSpec) -> str | None:
    if not _has_type(value, output.type):
        return f"not {output.type.value} ({type(value).__name__})"
    if output.allowed is not None and value not in output.allowed:
        return f"not one of {output.allowed}"
    if output.min is not None and is_number(value) and value < output.min:
        return f"below the minimum {output.min}"
    if output.max is not None and is_number(value) and value > output.max:
        return f"above the maximum {output.max}"
    return None


def _has_type(value: Any, column_type: ColumnType) -> bool:
    if column_type is ColumnType.INT:
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if column_type is ColumnType.FLOAT:
        return is_number(value)
    if column_type is ColumnType.BOOL:  # a JSON answer or a numpy model often says 0/1
        return isinstance(value, bool) or (is_number(value) and value in (0, 1))
    return isinstance(value, str)
