"""A model as plain data: `model_dump()` (Python values) and `model_dump(mode="json")` (what
JSON and YAML can hold: enums as their values, dates as ISO text, tuples and sets as lists)."""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Any


def dump_model(model: Any, *, json: bool, exclude_defaults: bool, exclude: set[str] | None) -> dict[str, Any]:
    plan = model.shape_plan()
    out: dict[str, Any] = {}
    for field in plan.fields:
        if field.info.exclude or (exclude and field.name in exclude):
            continue
        value = model.__dict__[field.name]
        if exclude_defaults and not field.info.is_required() and _equal(value, field.info.get_default()):
            continue
        out[field.name] = dump_value(value, json=json, exclude_defaults=exclude_defaults)
    return out


def _equal(value: Any, default: Any) -> bool:
    try:
        return bool(value == default)
    except Exception:  # a value that cannot be compared is not the default
        return False


def dump_value(value: Any, *, json: bool, exclude_defaults: bool = False) -> Any:
    if hasattr(value, "shape_plan"):
        return dump_model(value, json=json, exclude_defaults=exclude_defaults, exclude=None)
    if isinstance(value, dict):
        return {dump_value(k, json=json): dump_value(v, json=json, exclude_defaults=exclude_defaults)
                for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [dump_value(v, json=json, exclude_defaults=exclude_defaults) for v in value]
        return items if json or isinstance(value, list) else type(value)(items)
    return _json_scalar(value) if json else value


def _json_scalar(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return _json_scalar(value.value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value
