"""Judging a prediction answer: each value against `response.output` (type, bounds, allowed)
and the whole body against an optional JSON Schema."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.config_schema import OutputSpec
from checker.contracts import ColumnType

MAX_EXAMPLES = 5


def unwrap(value: Any) -> Any:
    """A one-element list or object around a scalar (a DataFrame record, a [n, 1] tensor row)."""
    if isinstance(value, list) and len(value) == 1:
        return unwrap(value[0])
    if isinstance(value, dict) and len(value) == 1:
        return unwrap(next(iter(value.values())))
    return value


def output_violations(predictions: Sequence[Any], spec: OutputSpec) -> list[dict[str, Any]]:
    """Every prediction that breaks `spec`, with its row and the reason."""
    found: list[dict[str, Any]] = []
    for row, raw in enumerate(predictions):
        reason = _violation(unwrap(raw), spec)
        if reason:
            found.append({"row": row, "value": raw, "reason": reason})
    return found


def _violation(value: Any, spec: OutputSpec) -> str | None:
    type_problem = _type_problem(value, spec.type)
    if type_problem:
        return type_problem
    if spec.allowed is not None and value not in spec.allowed:
        return f"not one of the allowed values {spec.allowed}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if spec.min is not None and value < spec.min:
            return f"below the minimum {spec.min}"
        if spec.max is not None and value > spec.max:
            return f"above the maximum {spec.max}"
    return None


def _type_problem(value: Any, expected: ColumnType) -> str | None:
    if value is None:
        return "null prediction"
    if expected is ColumnType.FLOAT:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, got {type(value).__name__}"
        if math.isnan(value) or math.isinf(value):
            return "not a finite number"
        return None
    if expected is ColumnType.INT:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
            return f"expected an integer, got {value!r}"
        return None
    if expected is ColumnType.BOOL:
        return None if isinstance(value, bool) or value in (0, 1) else f"expected a boolean, got {value!r}"
    if expected in (ColumnType.STRING, ColumnType.CATEGORY, ColumnType.DATETIME):
        return None if isinstance(value, str) else f"expected a string, got {type(value).__name__}"
    return None


def load_schema(path: Path) -> dict[str, Any]:
    """The JSON Schema in `path`, checked to be a valid schema; ValueError says why not."""
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read response.schema {path.name}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"response.schema {path.name} is not valid JSON: {exc}") from None
    try:
        validators.validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"response.schema {path.name} is not a valid JSON Schema: {exc.message}") from None
    return schema


def schema_violations(document: Any, schema: dict[str, Any]) -> list[dict[str, Any]]:
    from jsonschema import validators

    validator = validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [{"path": "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path),
             "message": e.message[:300]} for e in errors[:MAX_EXAMPLES]]
