"""Judging predictions: one per row, of the declared type, no NaN, within `output`; the
`expect` outputs; and two runs' predictions against each other, with a float tolerance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker.checks.outputs import is_number, output_problem
from checker.config.field_types import OutputSpec
from checker.config.schema import Expectation
from checker.record import record

MAX_EXAMPLES = 10


@record
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
        reason = output_problem(value, output)
        if reason:
            problems.append(Problem(row, value, reason))
    return problems


def same(actual: Any, expected: Any, tolerance: float) -> bool:
    """Numbers within `tolerance` (absolute, or relative to the expected size); others equal."""
    if is_number(actual) and is_number(expected):
        return bool(abs(actual - expected) <= tolerance * max(1.0, abs(expected)))
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
