"""Hypothesis strategies: random contracts that can be met, and random tables to infer from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from checker.contracts.model import Contract

PATTERNS = [r"[A-Z]{2}-\d{3,5}", r"(red|white|rose)_[a-z]{1,4}", r"\w+@\w+\.(com|org)", r"[0-9a-f]{8}",
            r"x?y*z{1,2}", r"(?i)id[^a-z]\d"]
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
_INTS = st.integers(-(10**12), 10**12)
_FLOATS = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
_TIMES = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2090, 1, 1))


@st.composite
def _bounds(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> dict[str, Any]:
    low, high = sorted([draw(values), draw(values)])
    side = draw(st.sampled_from(["both", "min", "max", "none", "equal"]))
    return {"both": {"min": low, "max": high}, "min": {"min": low}, "max": {"max": high},
            "none": {}, "equal": {"min": low, "max": low}}[side]


def _timestamp_bounds(bounds: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() for key, value in bounds.items()}


@st.composite
def columns(draw: st.DrawFn, rows: int) -> dict[str, Any]:
    """One column's rules, always satisfiable for `rows` rows."""
    kind = draw(st.sampled_from(["int", "float", "bool", "string", "category", "datetime"]))
    rules: dict[str, Any] = {"type": kind, "nullable": draw(st.booleans())}
    unique = draw(st.booleans())
    if kind == "int":
        rules = _int_rules(draw, rules, rows, unique)
    elif kind == "float":
        rules |= draw(_bounds(_FLOATS))
        if unique and "min" in rules and "max" in rules and rules["max"] - rules["min"] < 1:
            rules["max"] = rules["min"] + 1  # room for many distinct floats
    elif kind == "datetime":
        rules |= _timestamp_bounds(draw(_bounds(_TIMES)))
        if unique and rules.get("min") == rules.get("max") is not None:
            rules.pop("max")
    elif kind == "bool":
        unique = unique and rows <= 2
    else:
        rules |= _text_rules(draw, rows, unique)
    rules["unique"] = unique
    return rules


def _int_rules(draw: st.DrawFn, rules: dict[str, Any], rows: int, unique: bool) -> dict[str, Any]:
    rules = rules | draw(_bounds(_INTS))
    if unique and "min" in rules and "max" in rules and rules["max"] - rules["min"] < rows:
        rules["max"] = rules["min"] + rows + 1
    if draw(st.booleans()):  # float bounds on an int column: the same integers
        rules = {key: value - 0.5 if key == "min" else value + 0.5 if key == "max" else value
                 for key, value in rules.items()}
    if draw(st.integers(0, 3)) == 0:
        rules = {"type": "int", "nullable": rules["nullable"],
                 "allowed": draw(st.lists(_INTS, min_size=max(rows, 1) if unique else 1,
                                          max_size=rows + 3, unique=True))}
    return rules


def _text_rules(draw: st.DrawFn, rows: int, unique: bool) -> dict[str, Any]:
    """allowed values, a pattern, or neither, for a string or category column."""
    if draw(st.booleans()):
        labels = st.text("abcxyz-_ ", min_size=1, max_size=6).filter(str.strip)
        return {"allowed": draw(st.lists(labels, min_size=max(rows, 1) if unique else 1,
                                         max_size=rows + 3, unique=True))}
    if draw(st.booleans()):
        return {"pattern": draw(st.sampled_from(PATTERNS[:4] if unique else PATTERNS))}
    return {}


@st.composite
def contracts(draw: st.DrawFn, rows: int) -> Contract:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    return Contract.model_validate({"columns": {name: draw(columns(rows)) for name in names}})
