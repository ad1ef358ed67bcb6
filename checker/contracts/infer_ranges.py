"""Round ranges for inferred contracts: the observed [low, high] widened by a margin and rounded
outward to a round number, so new data a little beyond the sample still passes while a wild
value (a unit mix-up, a sign flip) does not."""

from __future__ import annotations

import math

MARGIN = 0.1  # of the observed span
INT64 = (-(2**63), 2**63 - 1)


def widen(low: float, high: float, *, integer: bool) -> tuple[float | None, float | None]:
    """(min, max) for a column whose values lie in [low, high]: each side moved out by a tenth
    of the span (of the value itself when all values are equal), rounded outward to a multiple
    of the margin's order of magnitude. Ints stay ints, a bound never crosses zero when the data
    does not, and a non-finite side is left open (None)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return (low if math.isfinite(low) else None), (high if math.isfinite(high) else None)
    span = high - low
    if not math.isfinite(span):
        return low, high
    margin = MARGIN * span if span > 0 else MARGIN * max(abs(low), abs(high))
    if margin == 0:
        margin = 1.0
    step_exponent = math.floor(math.log10(margin))
    new_low: float
    new_high: float
    if integer:
        step = 10 ** max(step_exponent, 0)
        new_low = max(_floor_to(int(low) - math.ceil(margin), step), INT64[0])
        new_high = min(_ceil_to(int(high) + math.ceil(margin), step), INT64[1])
    else:
        new_low = _round_float(low - margin, step_exponent, math.floor)
        new_high = _round_float(high + margin, step_exponent, math.ceil)
        new_low = min(new_low, low) if math.isfinite(new_low) else low
        new_high = max(new_high, high) if math.isfinite(new_high) else high
    if low >= 0:
        new_low = max(new_low, 0)
    if high <= 0 and low < 0:
        new_high = min(new_high, 0)
    return (new_low, new_high) if integer else (float(new_low), float(new_high))


def _floor_to(value: int, step: int) -> int:
    return value // step * step


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def _round_float(value: float, exponent: int, direction: object) -> float:
    """`value` rounded in `direction` (math.floor or math.ceil) to a multiple of 10**exponent."""
    digits = max(-exponent, 0)
    scaled = value / 10.0**exponent
    if not math.isfinite(scaled):
        return value
    rounded = direction(scaled) * 10.0**exponent  # type: ignore[operator]
    return round(rounded, digits) if digits else float(rounded)
