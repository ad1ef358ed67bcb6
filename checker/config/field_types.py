"""Field types more than one section of mlsmoke.yml uses: a duration ('30s', '2m', '500ms')
and OutputSpec, what a prediction must look like (pipeline model and endpoint answers)."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal

from checker.contracts.model import ColumnType, OrderedBounds, allowed_of_type
from checker.shape import BeforeValidator, Field, model_validator

_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def number_with_unit(value: Any, pattern: re.Pattern[str], expected: str) -> tuple[float, str | None]:
    """A bare number (unit None), or text `pattern` matches: group 1 the number, group 2 (when
    the pattern has one) its unit. ValueError saying what was `expected` otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected {expected}")
    if isinstance(value, (int, float)):
        return float(value), None
    match = pattern.match(str(value))
    if not match:
        raise ValueError(f"expected {expected}, got {value!r}")
    return float(match.group(1)), match.group(2) if pattern.groups >= 2 else None


@functools.cache
def _duration() -> re.Pattern[str]:
    """Compiled on first use: a config that gives no duration as text never needs it."""
    return re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(value: Any) -> float:
    """'120s', '2m', '500ms', '1.5h' or a bare number of seconds → seconds."""
    number, unit = number_with_unit(value, _duration(), "a duration such as 30s, 2m or 500ms")
    seconds = number * _UNIT_SECONDS[unit]
    if seconds <= 0:
        raise ValueError("a duration must be greater than zero")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]
# `parity.model` naming the model the pipeline family trained in this run
PIPELINE_MODEL = "{pipeline}"
ModelFormat = Literal["joblib", "pickle", "skops", "onnx"]


class OutputSpec(OrderedBounds):
    """What each prediction must look like."""

    type: ColumnType = ColumnType.FLOAT
    min: float | None = None
    max: float | None = None
    allowed: list[Any] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _allowed_of_type(self) -> OutputSpec:
        allowed_of_type(self.allowed or [], self.type)
        return self
