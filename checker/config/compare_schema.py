"""The `compare:` section of mlsmoke.yml: where the base branch's results come from, and the
gates on what the pull request changed (off unless set)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from checker.config.field_types import Duration, number_with_unit
from checker.contracts.model import StrictModel
from checker.shape import BeforeValidator, Field, model_validator

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")
DEFAULT_ARTIFACT = "mlsmoke-results"


def parse_percent(value: Any) -> float:
    """'25%', '12.5 %' or a bare number of percent → the percent (25.0)."""
    percent, _ = number_with_unit(value, _PERCENT, "a percentage such as 25%")
    if percent < 0:
        raise ValueError("a percentage must not be negative")
    return percent


Percent = Annotated[float, BeforeValidator(parse_percent)]


class LatencyGate(StrictModel):
    """How much slower than on the base branch an endpoint may answer, in percent."""

    p50_increase_max: Percent | None = None
    p95_increase_max: Percent | None = None

    @property
    def limits(self) -> dict[str, float]:
        """The limits that are set, by latency metric (p50_ms, p95_ms)."""
        found = {"p50_ms": self.p50_increase_max, "p95_ms": self.p95_increase_max}
        return {name: limit for name, limit in found.items() if limit is not None}


class MetricGate(StrictModel):
    """How far one metric may move the wrong way from its base value: exactly one of these."""

    max_drop: float | None = Field(default=None, ge=0)
    max_increase: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_direction(self) -> MetricGate:
        if (self.max_drop is None) == (self.max_increase is None):
            raise ValueError("give exactly one of max_drop (higher is better) or "
                             "max_increase (lower is better)")
        return self


class CompareSettings(StrictModel):
    artifact: str = Field(default=DEFAULT_ARTIFACT, min_length=1, max_length=256)
    results: str | None = Field(default=None, min_length=1)  # a local base results.json
    latency: LatencyGate | None = None
    metrics: dict[str, MetricGate] = Field(default_factory=dict)
    timeout: Annotated[Duration, Field(le=600)] = 60.0  # finding and downloading the base results

    @property
    def gated(self) -> bool:
        return bool(self.latency and self.latency.limits) or bool(self.metrics)
