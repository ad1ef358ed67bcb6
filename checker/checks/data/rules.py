"""The column rules of a contract, evaluated on one record batch at a time with pyarrow compute.

`ColumnRules` is what one contract column asks for (compiled once per file); `evaluate()` runs
the rules a batch needs and adds the offending rows to one `Tally` per rule. A rule's tally
counts rows violating it in any column (`violations`), rows per column (`by_column`) and keeps
the first few examples in row order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from checker.checks.data.tally import Tally
from checker.contracts.model import Column, ColumnType
from checker.contracts.regex import fullmatch
from checker.tables.arrow_values import array_of, false, scalar, to_numpy
from checker.tables.coerce import Coerced, coerce

if TYPE_CHECKING:
    import pyarrow as pa

RULES = ("types", "nulls", "ranges", "allowed", "pattern", "unique")


@dataclass(frozen=True)
class ColumnRules:
    """The rules one contract column sets, ready to run on batches."""

    name: str
    column: Column

    @property
    def applies(self) -> frozenset[str]:
        col = self.column
        rules = {"types"}
        if not col.nullable:
            rules.add("nulls")
        if col.min is not None or col.max is not None:
            rules.add("ranges")
        if col.allowed is not None:
            rules.add("allowed")
        if col.pattern is not None:
            rules.add("pattern")
        if col.unique:
            rules.add("unique")
        return frozenset(rules)

    @cached_property
    def bounds(self) -> tuple[pa.Scalar | None, pa.Scalar | None]:
        return (_bound(self.column.min, self.column.type), _bound(self.column.max, self.column.type))

    @cached_property
    def allowed_values(self) -> pa.Array:
        import pyarrow as pa

        texts = array_of([_as_text(v) for v in self.column.allowed or []], pa.string())
        if self.column.type in (ColumnType.STRING, ColumnType.CATEGORY):
            return texts
        return coerce(texts, self.column.type).values

    @cached_property
    def anchored(self) -> str:
        return f"^(?:{self.column.pattern or ''})$"


def evaluate(batch: pa.RecordBatch, offset: int, columns: list[tuple[ColumnRules, frozenset[str]]],
             tallies: Mapping[str, Tally], uniques: Mapping[str, Any]) -> None:
    """Run each column's `rules` (a subset of RULES) on the batch and add what fails."""
    masks: dict[str, dict[str, pa.Array]] = {rule: {} for rule in RULES}
    shown: dict[str, dict[str, pa.Array]] = {rule: {} for rule in RULES}
    for rules, asked in columns:
        raw = batch.column(rules.name)
        coerced = coerce(raw, rules.column.type)
        if "types" in asked and coerced.bad is not None:
            masks["types"][rules.name], shown["types"][rules.name] = coerced.bad, raw
        extremes = _extremes(coerced.values) if asked & {"nulls", "ranges"} else None
        if "nulls" in asked and (raw.null_count or extremes is None):
            masks["nulls"][rules.name] = missing(raw, coerced)
        for rule in ("ranges", "allowed", "pattern"):
            if rule in asked and not (rule == "ranges" and _within(rules, extremes)):
                masks[rule][rules.name] = _CHECKS[rule](rules, coerced.values)
                shown[rule][rules.name] = coerced.values
        if "unique" in asked:
            uniques[rules.name].add(coerced.values)
    names = [rules.name for rules, _ in columns]
    whole = batch.select(names) if any(t.cap for t in tallies.values()) else None
    for rule in RULES:
        if masks[rule]:
            tallies[rule].add(masks[rule], shown[rule], offset, whole)


@dataclass(frozen=True)
class _Extremes:
    low: Any  # None: no value at all
    high: Any


def _extremes(values: pa.Array) -> _Extremes | None:
    """Min and max in one cheap pass, or None when they are not cheaply known (a NaN, a null
    in a numpy-able column): then the rules build their row masks. numpy's min/max for plain
    numbers without nulls (a NaN makes them NaN); pyarrow's min_max for the other types."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = values.type
    if not len(values) or values.null_count == len(values):
        return _Extremes(None, None)
    if kind in (pa.float64(), pa.int64()):
        if values.null_count:
            return None
        data = to_numpy(values)
        low, high = data.min(), data.max()
        return None if kind == pa.float64() and np.isnan(low) else _Extremes(low.item(), high.item())
    if not pa.types.is_timestamp(kind):
        return _Extremes(None, None)  # text and booleans: no NaN, no range
    found = pc.min_max(values)
    return _Extremes(found["min"].as_py(), found["max"].as_py())


def _within(rules: ColumnRules, extremes: _Extremes | None) -> bool:
    """True when the batch's min and max prove every value inside the bounds."""
    if extremes is None:
        return False
    if extremes.low is None:
        return True  # nothing but nulls
    col = rules.column
    return (col.min is None or extremes.low >= col.min) and (col.max is None or extremes.high <= col.max)


def missing(raw: pa.Array, coerced: Coerced) -> pa.Array:
    """Null as read, or NaN (a missing float, as pandas has it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pc.is_null(raw, nan_is_null=True)
    if coerced.values.type == pa.float64() and not pa.types.is_floating(raw.type):
        mask = pc.or_(mask, pc.fill_null(pc.is_nan(coerced.values), false()))
    return mask


def _out_of_range(rules: ColumnRules, values: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    low, high = rules.bounds
    mask = None
    if low is not None:
        mask = pc.less(values, low)
    if high is not None:
        above = pc.greater(values, high)
        mask = above if mask is None else pc.or_(mask, above)
    return pc.fill_null(mask, false())


def _not_allowed(rules: ColumnRules, values: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    def outside(plain: pa.Array) -> pa.Array:
        return pc.and_(pc.is_valid(plain), pc.invert(pc.is_in(plain, value_set=rules.allowed_values)))

    return per_value(values, outside)


def _no_match(rules: ColumnRules, values: pa.Array) -> pa.Array:
    return per_value(values, lambda plain: _mismatches(rules, plain))


def _mismatches(rules: ColumnRules, values: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        matches = pc.match_substring_regex(values, rules.anchored)
    except pa.ArrowInvalid:  # pyarrow's RE2 build refuses what google-re2 accepted: still RE2
        distinct = pc.unique(pc.drop_null(values))
        pattern = rules.column.pattern or ""
        failing = [text for text in distinct.to_pylist() if not fullmatch(pattern, text)]
        return pc.is_in(values, value_set=array_of(failing, pa.string()))
    return pc.fill_null(pc.invert(matches), false())


def per_value(values: pa.Array, rule: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """A row mask from a rule; on a dictionary-encoded column the rule runs on the distinct
    values only and the rows take their value's answer."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(values.type):
        return rule(values)
    answers = rule(values.dictionary)
    return pc.fill_null(pc.take(answers, values.indices), false())


_CHECKS = {"ranges": _out_of_range, "allowed": _not_allowed, "pattern": _no_match}


def _bound(value: Any, column_type: ColumnType) -> pa.Scalar | None:
    import pyarrow as pa

    if value is None:
        return None
    if column_type is ColumnType.DATETIME:
        return scalar(value, pa.timestamp("us"))
    return scalar(value, pa.int64() if isinstance(value, int) else pa.float64())


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
