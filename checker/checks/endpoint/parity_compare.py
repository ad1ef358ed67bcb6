"""Served predictions against the offline model's, row by row: what to compare them with, and
which rows differ.

What the endpoint answers decides what is compared. One list of numbers per row: the offline
model's predict_proba (else decision_function, else predict) of the same width. One number per
row that is not a whole number while the offline model predicts classes: the positive class's
predict_proba (else a one-column decision_function). Anything else: predict, exactly for
classes (whole numbers, strings, booleans), within the tolerance for other numbers. Comparing
classes is a weak test of skew (a feature scaled ×10 behind a scaler moved about 1.5 % of the
classes on contract rows): scores, where the endpoint serves them, are compared instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checker.checks.endpoint.answers import unwrap
from checker.checks.outputs import is_number
from checker.checks.pipeline.predictions import same
from checker.record import record

PREDICT, PROBA, DECISION = "predict", "predict_proba", "decision_function"


@record
class Comparison:
    compared: str  # what of the offline model's the served values were compared with
    classes: bool  # compared exactly, as class labels
    offline: list[Any]
    differing: list[int]  # the rows whose values differ


def served_value(raw: Any) -> Any:
    """One row of the answer as a scalar or a list: a one-element list or object unwrapped, an
    object of several values as the list of them."""
    value = unwrap(raw)
    if isinstance(value, dict):
        return [unwrap(v) for v in value.values()]
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def compare(served: Sequence[Any], batch: Mapping[str, Any], tolerance: float) -> Comparison | str:
    """The comparison, or why there is none (the offline model's output does not fit)."""
    values = [served_value(v) for v in served]
    choice = _choose(values, batch)
    if isinstance(choice, str):
        return choice
    compared, offline, classes = choice
    if len(offline) != len(values):
        return f"the offline model's {compared} gave {len(offline)} values for {len(values)} rows"
    differing = [row for row, (a, b) in enumerate(zip(offline, values, strict=True))
                 if not _agrees(a, b, tolerance, classes)]
    return Comparison(compared, classes, offline, differing)


def _choose(values: list[Any], batch: Mapping[str, Any]) -> tuple[str, list[Any], bool] | str:
    predicted = [served_value(v) for v in batch.get("values", [])]
    scores = {name: [served_value(v) for v in found["values"]]
              for name, found in (batch.get("scores") or {}).items() if found.get("ok")}
    if values and all(isinstance(v, list) for v in values):
        width = len(values[0])
        for name, offline in ((PROBA, scores.get(PROBA)), (DECISION, scores.get(DECISION)),
                              (PREDICT, predicted)):
            if offline and all(isinstance(v, list) and len(v) == width for v in offline):
                return name, offline, False
        return f"the endpoint answers {width} values per row; the offline model has no output that wide"
    if _labels(predicted) and any(is_number(v) and not _whole(v) for v in values):
        proba = scores.get(PROBA)
        if proba and all(isinstance(v, list) and len(v) == 2 for v in proba):
            return f"{PROBA}[:, 1]", [v[1] for v in proba], False
        decision = scores.get(DECISION)
        if decision and not any(isinstance(v, list) for v in decision):
            return DECISION, decision, False
    return PREDICT, predicted, _labels(predicted)


def _labels(values: Sequence[Any]) -> bool:
    """Class labels: whole numbers, strings or booleans (not scores)."""
    return bool(values) and all(isinstance(v, (str, bool)) or (is_number(v) and _whole(v)) for v in values)


def _whole(value: Any) -> bool:
    return float(value).is_integer()


def _agrees(offline: Any, served: Any, tolerance: float, classes: bool) -> bool:
    if isinstance(offline, list) or isinstance(served, list):
        return (isinstance(offline, list) and isinstance(served, list) and len(offline) == len(served)
                and all(_agrees(a, b, tolerance, classes) for a, b in zip(offline, served, strict=True)))
    if classes:
        if is_number(offline) and is_number(served):
            return float(offline) == float(served)
        return str(offline) == str(served)
    return same(served, offline, tolerance)
