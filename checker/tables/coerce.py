"""Convert a column as read (text from CSV, typed values from Parquet or JSON Lines) to the
type its contract names, vectorized with pyarrow compute.

`coerce(array, column_type)` returns the converted values and a mask of the values that are
present but are not of that type. Dictionary-encoded values are converted on their dictionary
and stay dictionary-encoded. Those count under `data.types` only: they are null in the
converted values, so range, allowed and pattern rules never see them, and `data.nulls` takes
its nulls from the array as read, so it does not count them either.

Text is converted by pyarrow's casts (the fast path); a batch with a value the cast rejects
falls back to Python parsing of the batch's distinct values only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from checker.contracts.model import ColumnType, parse_datetime
from checker.record import record
from checker.tables.arrow_values import array_of, arrow_type, false, scalar
from checker.tables.jsonl_text import is_json_text

if TYPE_CHECKING:
    import pyarrow as pa

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_BAD = object()
_INT64 = (-(2**63), 2**63 - 1)


@record(eq=False, repr=False)
class Coerced:
    """A column converted to its contract type, and where its values are not of it."""

    values: pa.Array  # int64, float64, bool, timestamp[us] (naive UTC) or string
    bad: pa.Array | None  # boolean, True where a present value is not of the type; None: none


def target_type(column_type: ColumnType) -> pa.DataType:
    return arrow_type(column_type)


def csv_type(column_type: ColumnType) -> pa.DataType:
    """What the CSV parser reads a column as: numbers directly, everything else as text."""
    import pyarrow as pa

    return {ColumnType.INT: pa.int64(), ColumnType.FLOAT: pa.float64()}.get(column_type, pa.string())


def coerce(array: pa.Array | pa.ChunkedArray, column_type: ColumnType) -> Coerced:
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        return _coded(array, column_type)
    kind = array.type
    if is_json_text(kind):
        return _per_value(array.storage, column_type, _JSON_PARSERS)
    if pa.types.is_null(kind):
        return Coerced(pa.nulls(len(array), target_type(column_type)), None)
    if _is_text(kind):
        return _from_text(array, column_type)
    convert = _NATIVE[column_type]
    converted = convert(array)
    if converted is None:  # the stored type cannot hold this column's values at all
        return _all_bad(array, column_type)
    return converted


def _coded(array: pa.DictionaryArray, column_type: ColumnType) -> Coerced:
    """Dictionary-encoded values stay so: the dictionary is converted (each distinct value once,
    entry for entry) and the indices kept; the rules look at the entries (`checks/data/coded.py`)."""
    import pyarrow as pa

    from checker.tables import compute as pc

    inner = coerce(array.dictionary, column_type)
    values = pa.DictionaryArray.from_arrays(array.indices, inner.values, safe=False)
    if inner.bad is None:
        return Coerced(values, None)
    return Coerced(values, _none_if_clean(pc.fill_null(pc.take(inner.bad, array.indices), false())))


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _all_bad(array: pa.Array, column_type: ColumnType) -> Coerced:
    import pyarrow as pa

    from checker.tables import compute as pc

    return Coerced(pa.nulls(len(array), target_type(column_type)), pc.is_valid(array))


def _as_int(array: pa.Array) -> Coerced | None:
    import pyarrow as pa

    from checker.tables import compute as pc

    if array.type == pa.int64():
        return Coerced(array, None)
    if pa.types.is_integer(array.type):
        try:
            return Coerced(pc.cast(array, pa.int64()), None)
        except pa.ArrowInvalid:  # uint64 beyond int64
            return _per_value(pc.cast(array, pa.string()), ColumnType.INT)
    if pa.types.is_floating(array.type):
        array = pc.cast(array, pa.float64())
        finite = pc.is_finite(array)
        integral = pc.and_(finite, pc.equal(pc.floor(array), array))
        integral = pc.and_(integral, pc.less_equal(pc.abs(array), scalar(2.0**63 - 1024, pa.float64())))
        values = pc.cast(pc.if_else(integral, array, scalar(None, pa.float64())), pa.int64())
        bad = pc.and_(pc.invert(integral), pc.invert(pc.is_nan(array)))  # NaN is a missing value
        return Coerced(values, _none_if_clean(pc.fill_null(bad, false())))
    return None


def _as_float(array: pa.Array) -> Coerced | None:
    import pyarrow as pa

    from checker.tables import compute as pc

    if array.type == pa.float64():
        return Coerced(array, None)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_decimal(array.type):
        return Coerced(pc.cast(array, pa.float64(), safe=False), None)
    return None


def _as_bool(array: pa.Array) -> Coerced | None:
    import pyarrow as pa

    from checker.tables import compute as pc

    if pa.types.is_boolean(array.type):
        return Coerced(array, None)
    if pa.types.is_integer(array.type):
        array = pc.cast(array, pa.int64())
        ok = pc.is_in(array, value_set=array_of([0, 1], pa.int64()))
        bad = pc.and_(pc.is_valid(array), pc.invert(ok))
        values = pc.cast(pc.if_else(ok, array, scalar(None, pa.int64())), pa.bool_())
        return Coerced(values, _none_if_clean(bad))
    return None


def _as_datetime(array: pa.Array) -> Coerced | None:
    import pyarrow as pa

    from checker.tables import compute as pc

    if pa.types.is_timestamp(array.type):
        return Coerced(pc.cast(array, pa.timestamp("us"), safe=False), None)
    if pa.types.is_date(array.type):
        return Coerced(pc.cast(array, pa.timestamp("us")), None)
    return None


def _as_string(_array: pa.Array) -> Coerced | None:
    return None  # text was handled before; anything else (numbers, booleans) is not a string


_NATIVE: dict[ColumnType, Callable[[Any], Coerced | None]] = {
    ColumnType.INT: _as_int, ColumnType.FLOAT: _as_float, ColumnType.BOOL: _as_bool,
    ColumnType.DATETIME: _as_datetime, ColumnType.STRING: _as_string, ColumnType.CATEGORY: _as_string,
}


def _from_text(array: pa.Array, column_type: ColumnType) -> Coerced:
    import pyarrow as pa

    from checker.tables import compute as pc

    if column_type in (ColumnType.STRING, ColumnType.CATEGORY):
        return Coerced(pc.cast(array, pa.string()), None)
    for target in _fast_casts(column_type):
        try:
            return Coerced(pc.cast(pc.cast(array, target), target_type(column_type)), None)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return _per_value(array, column_type)


def _fast_casts(column_type: ColumnType) -> list[pa.DataType]:
    import pyarrow as pa

    return {ColumnType.INT: [pa.int64()], ColumnType.FLOAT: [pa.float64()], ColumnType.BOOL: [pa.bool_()],
            ColumnType.DATETIME: [pa.timestamp("us"), pa.timestamp("us", tz="UTC")]}[column_type]


def _per_value(array: pa.Array, column_type: ColumnType,
               parsers: Mapping[ColumnType, Callable[[str], Any]] | None = None) -> Coerced:
    """Parse each distinct text in Python, then map the results back onto the batch."""
    import pyarrow as pa

    from checker.tables import compute as pc

    distinct = pc.unique(pc.drop_null(array))
    parse = (parsers or _PARSERS)[column_type]
    parsed = [parse(text) for text in distinct.to_pylist()]
    values = array_of([None if p is _BAD else p for p in parsed], target_type(column_type))
    bad = array_of([p is _BAD for p in parsed], pa.bool_())
    positions = pc.index_in(array, value_set=distinct)
    return Coerced(pc.take(values, positions),
                   _none_if_clean(pc.fill_null(pc.take(bad, positions), false())))


def _none_if_clean(bad: pa.Array) -> pa.Array | None:
    from checker.tables import compute as pc

    return bad if pc.any(bad).as_py() else None


def _parse_int(text: str) -> Any:
    stripped = text.strip()
    if stripped.lstrip("+-").isdigit():
        exact = int(stripped)
    else:
        value = _parse_float(stripped)
        if value is _BAD:
            return _BAD
        if value != value:  # NaN: a missing value, not a wrong one
            return None
        if not value.is_integer():
            return _BAD
        exact = int(value)
    return exact if _INT64[0] <= exact <= _INT64[1] else _BAD


def _parse_float(text: str) -> Any:
    if "_" in text:
        return _BAD
    try:
        return float(text.strip())
    except ValueError:
        return _BAD


def _parse_bool(text: str) -> Any:
    word = text.strip().lower()
    return True if word in _TRUE else False if word in _FALSE else _BAD


def _parse_datetime(text: str) -> Any:
    try:
        return parse_datetime(text)
    except ValueError:
        return _BAD


_PARSERS: dict[ColumnType, Callable[[str], Any]] = {
    ColumnType.INT: _parse_int, ColumnType.FLOAT: _parse_float,
    ColumnType.BOOL: _parse_bool, ColumnType.DATETIME: _parse_datetime,
}


def _json_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _BAD
    if isinstance(value, float) and not value.is_integer():
        return _BAD
    exact = int(value)
    return exact if _INT64[0] <= exact <= _INT64[1] else _BAD


def _json_float(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else _BAD


def _json_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return bool(value) if isinstance(value, int) and value in (0, 1) else _BAD  # as Parquet ints


def _json_string(value: Any) -> Any:
    return value if isinstance(value, str) else _BAD


def _json_datetime(value: Any) -> Any:
    return _parse_datetime(value) if isinstance(value, str) else _BAD


def _from_json(check: Callable[[Any], Any]) -> Callable[[str], Any]:
    """A parser of one JSON text: JSON null never reaches it (it is a null of the array)."""
    import json

    return lambda text: check(json.loads(text))


# one JSON value each: a number is no string, and "1" is no number
_JSON_PARSERS: dict[ColumnType, Callable[[str], Any]] = {
    ColumnType.INT: _from_json(_json_int), ColumnType.FLOAT: _from_json(_json_float),
    ColumnType.BOOL: _from_json(_json_bool), ColumnType.DATETIME: _from_json(_json_datetime),
    ColumnType.STRING: _from_json(_json_string), ColumnType.CATEGORY: _from_json(_json_string),
}
