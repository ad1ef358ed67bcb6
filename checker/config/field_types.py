"""Field types more than one section of mlsmoke.yml uses: a duration ('30s', '2m', '500ms')
and OutputSpec, what a prediction must look like (pipeline model and endpoint answers)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from checker.contracts.model import ColumnType, OrderedBounds, allowed_of_type

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """'120s', '2m', '500ms', '1.5h' or a bare number of seconds → seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 2m or 500ms")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"expected a duration such as 30s, 2m or 500ms, got {value!r}")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be greater than zero")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]


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
