"""Judging a prediction answer: each value against `response.output` (the rule in
checker.checks.outputs, shared with the pipeline) and the whole body against an optional JSON Schema."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.checks.outputs import output_problem
from checker.config.field_types import OutputSpec
from checker.results.clip import clip_head

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
        reason = output_problem(unwrap(raw), spec)
        if reason:
            found.append({"row": row, "value": raw, "reason": reason})
    return found


def load_schema(path: Path) -> dict[str, Any]:
    """The JSON Schema in `path`, checked to be a valid schema; ValueError says why not."""
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError

    from checker.config.limits import MAX_SCHEMA_BYTES, LimitExceededError, loads_json_bounded, read_capped

    try:
        schema: dict[str, Any] = loads_json_bounded(read_capped(path, MAX_SCHEMA_BYTES))
    except OSError as exc:
        raise ValueError(f"cannot read response.schema {path.name}: {exc.strerror}") from None
    except LimitExceededError as exc:
        raise ValueError(f"response.schema {path.name} is {exc}") from None
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
             "message": clip_head(e.message, 300, mark="")} for e in errors[:MAX_EXAMPLES]]
