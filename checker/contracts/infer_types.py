"""Which contract types a column's values fit, for `checker.contracts.infer`: stored types
(Parquet, JSON Lines) map to one type; CSV cells are tried as int, float, bool and datetime."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.contracts.model import ColumnType
from checker.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

PROBE_ROWS = 64


def typed_kinds(name: str, values: pa.Array) -> dict[ColumnType, pa.Array]:
    import pyarrow as pa

    kind = values.type
    if pa.types.is_dictionary(kind):
        return typed_kinds(name, values.dictionary_decode())
    if pa.types.is_integer(kind):
        fits = {ColumnType.FLOAT: values.cast(pa.float64())}
        if _castable(values, pa.int64()):
            fits[ColumnType.INT] = values.cast(pa.int64())
        return fits
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return {ColumnType.FLOAT: values.cast(pa.float64())}
    if pa.types.is_boolean(kind):
        return {ColumnType.BOOL: values}
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return {ColumnType.DATETIME: values}
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return {ColumnType.STRING: values.cast(pa.string())}
    raise UsageError(f"column {name!r} has type {kind}, which a contract cannot describe "
                     "(int, float, bool, string or datetime)")


def text_kinds(values: pa.Array, candidates: set[ColumnType]) -> dict[ColumnType, pa.Array]:
    """Every type among `candidates` all these CSV cells parse as, with the parsed values."""
    import pyarrow as pa

    from checker.tables import compute as pc

    fits: dict[ColumnType, pa.Array] = {ColumnType.STRING: values}
    for kind, target in ((ColumnType.INT, pa.int64()), (ColumnType.FLOAT, pa.float64())):
        parsed = _cast_or_none(values, target) if kind in candidates else None
        if parsed is not None and (kind is ColumnType.INT or _all_finite(parsed)):
            fits[kind] = parsed
    if ColumnType.BOOL in candidates and pc.all(
            pc.is_in(pc.utf8_lower(values), value_set=pa.array(["true", "false"]))).as_py():
        fits[ColumnType.BOOL] = values
    if ColumnType.DATETIME in candidates:
        stamps = _cast_or_none(values, pa.timestamp("us"))
        if stamps is None:
            stamps = _cast_or_none(values, pa.timestamp("us", tz="UTC"))
        if stamps is not None:
            fits[ColumnType.DATETIME] = stamps
    return fits


def _all_finite(values: pa.Array) -> bool:
    from checker.tables import compute as pc

    return bool(pc.all(pc.is_finite(values)).as_py())


def _castable(values: pa.Array, target: pa.DataType) -> bool:
    return _cast_or_none(values, target) is not None


def _cast_or_none(values: pa.Array, target: pa.DataType) -> pa.Array | None:
    """The values cast to `target`, or None when one does not convert. A failing cast is slow
    in pyarrow, so the first values are tried alone first."""
    import pyarrow as pa

    try:
        if len(values) > PROBE_ROWS:
            values.slice(0, PROBE_ROWS).cast(target)
        return values.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
