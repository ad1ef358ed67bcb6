"""Judging predictions: one per row, of the declared type, no NaN, within `output`; the
`expect` outputs; and two runs' predictions against each other, with a float tolerance."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker.config_schema import Expectation, OutputSpec
from checker.contracts import ColumnType

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Problem:
    row: int
    value: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "value": self.value, "problem": self.reason}


def shape_problem(values: Sequence[Any], shape: Sequence[int], rows: int) -> str | None:
    if len(values) != rows:
        return f"{len(values)} predictions for {rows} rows (output shape {list(shape)})"
    multi = next((v for v in values if isinstance(v, list)), None)
    if multi is not None:
        return (f"not one value per row: each prediction is a list of {len(multi)} "
                f"(output shape {list(shape)})")
    return None


def value_problems(values: Sequence[Any], output: OutputSpec | None) -> list[Problem]:
    """Every prediction that is missing, NaN, of the wrong type or outside `output`."""
    problems = []
    for row, value in enumerate(values):
        reason = _missing(value) or (_against(value, output) if output else None)
        if reason:
            problems.append(Problem(row, value, reason))
    return problems


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
    if output.min is not None and _number(value) and value < output.min:
        return f"below the minimum {output.min}"
    if output.max is not None and _number(value) and value > output.max:
        return f"above the maximum {output.max}"
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has_type(value: Any, column_type: ColumnType) -> bool:
    if column_type is ColumnType.INT:
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if column_type is ColumnType.FLOAT:
        return _number(value)
    if column_type is ColumnType.BOOL:
        return isinstance(value, bool)
    return isinstance(value, str)


def same(actual: Any, expected: Any, tolerance: float) -> bool:
    """Numbers within `tolerance` (absolute, or relative to the expected size); others equal."""
    if _number(actual) and _number(expected):
        return abs(actual - expected) <= tolerance * max(1.0, abs(expected))
    return bool(actual == expected)


def expect_mismatches(values: Sequence[Any], expectations: Sequence[Expectation]) -> list[dict[str, Any]]:
    return [{"input": e.input, "expected": e.output, "predicted": value}
            for e, value in zip(expectations, values, strict=True)
            if not same(value, e.output, e.tolerance)]


def differences(first: Sequence[Any], second: Sequence[Any], tolerance: float) -> list[dict[str, Any]]:
    """Rows whose predictions differ between two runs (or every row, if the lengths differ)."""
    if len(first) != len(second):
        return [{"row": None, "first": f"{len(first)} predictions", "second": f"{len(second)} predictions"}]
    return [{"row": row, "first": a, "second": b}
            for row, (a, b) in enumerate(zip(first, second, strict=True)) if not same(a, b, tolerance)]
