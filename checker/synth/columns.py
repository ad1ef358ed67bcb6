"""One column of synthetic values, as a pyarrow array built with vectorized numpy draws.

Values lie within the inclusive bounds (an int column's float bounds are rounded inwards; one
missing bound sits a default span away from the other), come from `allowed` when it is given,
match `pattern`, and are distinct when the column is `unique`. Nulls (about one row in ten)
appear only in nullable columns that are not unique.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from checker.contracts.model import Column, ColumnType
from checker.record import record
from checker.synth.regex_sample import UnsupportedPatternError, sample_strings
from checker.synth.values import SynthError, allowed_values, rule_broken
from checker.tables.arrow_values import arrow_type as arrow_type  # re-exported for synth

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

NULL_FRACTION = 0.1
INT_SPAN = 100
FLOAT_SPAN = 100.0
DATETIME_START = dt.datetime(2020, 1, 1)
DATETIME_SPAN_US = 5 * 365 * 24 * 3600 * 1_000_000
STRING_LENGTH = 8
UNIQUE_STRING_LENGTH = 12
STALLED_ROUNDS = 30
_INT64 = (-(2**63), 2**63 - 1)
_EPOCH = dt.datetime(1970, 1, 1)
_ALPHABET = b"abcdefghijklmnopqrstuvwxyz0123456789"
# strings pyarrow's CSV reader takes for null: never generated for a column that is not nullable
_NULL_LIKE = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
              "1.#QNAN", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null")


def generate_column(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    if column.allowed is not None:
        values = _from_allowed(name, column, rows, rng)
    else:
        values = _GENERATORS[column.type](name, column, rows, rng)
    if column.nullable and not column.unique and rows:
        import pyarrow as pa

        from checker.tables import compute as pc

        nulls = pa.array(rng.random(rows) < NULL_FRACTION)
        values = pc.if_else(nulls, pa.scalar(None, values.type), values)
    return values


def _from_allowed(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    import pyarrow as pa

    candidates = allowed_values(column, f"column {name!r}: allowed")
    usable = [value for value in candidates if rule_broken(value, column) is None]
    if not usable:
        raise SynthError(f"column {name!r}: no allowed value satisfies the column's other rules "
                         f"({rule_broken(candidates[0], column)})")
    table = pa.array(usable, arrow_type(column.type))
    if column.unique:
        if rows > len(usable):
            raise SynthError(f"column {name!r}: {rows} unique rows asked, but only "
                             f"{len(usable)} allowed values")
        return table.take(pa.array(rng.permutation(len(usable))[:rows]))
    return table.take(pa.array(rng.integers(0, len(usable), rows)))


def _int_bounds(name: str, low: Any, high: Any, span: int) -> tuple[int, int]:
    """Inclusive 64-bit integer bounds from a column's (int or float) min and max."""
    low = None if low is None or low == -math.inf else _finite(name, low, math.ceil)
    high = None if high is None or high == math.inf else _finite(name, high, math.floor)
    if low is None:
        low = 0 if high is None else high - span
    if high is None:
        high = low + span
    low, high = max(low, _INT64[0]), min(high, _INT64[1])
    if high < low:
        raise SynthError(f"column {name!r}: no 64-bit integer lies within the bounds")
    return low, high


def _finite(name: str, bound: float, rounding: Callable[[float], int]) -> int:
    if not math.isfinite(bound):
        raise SynthError(f"column {name!r}: bound {bound} leaves no value to generate")
    return rounding(bound)


def _ints(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    import pyarrow as pa

    low, high = _int_bounds(name, column.min, column.max, max(INT_SPAN, 2 * rows if column.unique else 0))
    ask = _IntDraw(low, high, rows, column.unique, "integers")
    return pa.array(_draw_ints(name, ask, rng), pa.int64())


@record
class _IntDraw:
    """`rows` integers in [low, high], distinct when `unique`; `noun` names them in errors."""

    low: int
    high: int
    rows: int
    unique: bool
    noun: str


def _draw_ints(name: str, ask: _IntDraw, rng: np.random.Generator) -> np.ndarray:
    import numpy as np
    import pyarrow as pa

    low, high, rows, noun = ask.low, ask.high, ask.rows, ask.noun
    if not ask.unique:
        return rng.integers(low, high, rows, endpoint=True, dtype=np.int64)
    span = high - low + 1
    if span < rows:
        raise SynthError(f"column {name!r}: {rows} unique {noun} asked, but [{low}, {high}] holds {span}")
    if span <= 4 * rows:  # dense: a permutation is exact and as fast as drawing
        return (rng.permutation(span)[:rows] + low).astype(np.int64)

    def draw(k: int) -> pa.Array:
        return pa.array(rng.integers(low, high, k, endpoint=True, dtype=np.int64))

    values: np.ndarray = distinct(name, draw, rows).to_numpy()
    return values


def _floats(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    low = None if column.min is None or column.min == -math.inf else float(column.min)
    high = None if column.max is None or column.max == math.inf else float(column.max)
    for bound in (low, high):
        if bound is not None and not math.isfinite(bound):
            raise SynthError(f"column {name!r}: bound {bound} leaves no value to generate")
    low = low if low is not None else (high - FLOAT_SPAN if high is not None else 0.0)
    high = high if high is not None else low + FLOAT_SPAN
    if column.unique and low == high and rows > 1:
        raise SynthError(f"column {name!r}: {rows} unique values asked, but min == max == {low}")

    def draw(k: int) -> pa.Array:
        share = rng.random(k)
        # the weighted form cannot overflow even when high - low exceeds the float range
        return pa.array(np.clip(low * (1.0 - share) + high * share, low, high))

    return distinct(name, draw, rows) if column.unique else draw(rows)


def _datetimes(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    import pyarrow as pa

    low = None if column.min is None else _micros(column.min)
    high = None if column.max is None else _micros(column.max)
    if low is None and high is None:
        low = _micros(DATETIME_START)
    low, high = _int_bounds(name, low, high, max(DATETIME_SPAN_US, 2 * rows if column.unique else 0))
    micros = _draw_ints(name, _IntDraw(low, high, rows, column.unique, "microsecond timestamps"), rng)
    return pa.array(micros, pa.int64()).cast(pa.timestamp("us"))


def _micros(value: dt.datetime) -> int:
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def _bools(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    import pyarrow as pa

    if column.unique:
        if rows > 2:
            raise SynthError(f"column {name!r}: a unique bool column holds at most 2 rows, {rows} asked")
        return pa.array(rng.permutation([False, True])[:rows].tolist(), pa.bool_())
    return pa.array(rng.integers(0, 2, rows).astype(bool))


def _strings(name: str, column: Column, rows: int, rng: np.random.Generator) -> pa.Array:
    if column.pattern is not None:
        pattern, nullable = column.pattern, column.nullable

        def draw(k: int) -> pa.Array:
            try:
                values = sample_strings(pattern, k, rng)
            except UnsupportedPatternError as exc:
                raise SynthError(f"column {name!r}: {exc}") from None
            return values if nullable else _without_null_like(values)
    else:
        length = UNIQUE_STRING_LENGTH if column.unique else STRING_LENGTH

        def draw(k: int) -> pa.Array:
            return _random_strings(k, length, rng)

    return distinct(name, draw, rows) if column.unique else _filled(name, column, draw, rows)


def _filled(name: str, column: Column, draw: Callable[[int], pa.Array], rows: int) -> pa.Array:
    """`rows` draws, drawing again for the ones a filter dropped."""
    import pyarrow as pa

    values = draw(rows)
    for _ in range(STALLED_ROUNDS):
        if len(values) >= rows:
            return values.slice(0, rows)
        values = pa.concat_arrays([values, draw(max(2 * (rows - len(values)), 1024))])
    raise SynthError(f"column {name!r}: the strings matching {column.pattern!r} read as null in CSV "
                     "(empty, NA, null...), and the column is not nullable")


def _random_strings(rows: int, length: int, rng: np.random.Generator) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    alphabet = np.frombuffer(_ALPHABET, np.uint8)
    data = alphabet[rng.integers(0, len(alphabet), rows * length)]
    offsets = np.arange(0, (rows + 1) * length, length, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _without_null_like(values: pa.Array) -> pa.Array:
    """Drops strings a CSV reader would read back as null (the caller draws more)."""
    import pyarrow as pa

    from checker.tables import compute as pc

    null_like = pc.is_in(values, value_set=pa.array(_NULL_LIKE))
    return values.filter(pc.invert(null_like)) if pc.any(null_like).as_py() else values


def distinct(name: str, draw: Callable[[int], pa.Array], rows: int) -> pa.Array:
    """`rows` distinct values, drawing more until there are enough; SynthError when the draws
    stop finding new values (the column's range or pattern holds too few)."""
    import pyarrow as pa

    from checker.tables import compute as pc

    values = pc.unique(draw(rows))
    stalled = 0
    while len(values) < rows:
        before = len(values)
        values = pc.unique(pa.concat_arrays([values, draw(max(2 * (rows - before), 1024))]))
        stalled = 0 if len(values) > before else stalled + 1
        if stalled >= STALLED_ROUNDS:
            raise SynthError(f"column {name!r}: {rows} unique values asked, but only {before} "
                             "distinct ones could be generated within its rules")
    return values.slice(0, rows)


_GENERATORS: dict[ColumnType, Callable[[str, Column, int, np.random.Generator], pa.Array]] = {
    ColumnType.INT: _ints,
    ColumnType.FLOAT: _floats,
    ColumnType.BOOL: _bools,
    ColumnType.STRING: _strings,
    ColumnType.CATEGORY: _strings,
    ColumnType.DATETIME: _datetimes,
}
