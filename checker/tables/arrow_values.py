"""Build small pyarrow arrays and scalars from Python values, and read arrays as numpy, without
pyarrow's pandas bridge.

`pa.array()`, `pa.scalar()` and passing a Python value to a compute function make pyarrow
import pandas (about 0.5 s) to look for pandas types. The data checks only ever need a handful
of plain values (bounds, allowed sets, False), so they build them from buffers here and keep
the whole data family free of that import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.contracts.model import ColumnType

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)


def arrow_type(column_type: ColumnType) -> pa.DataType:
    """The arrow type a contract type's values are checked and synthesized as."""
    import pyarrow as pa

    return {
        ColumnType.INT: pa.int64(),
        ColumnType.FLOAT: pa.float64(),
        ColumnType.BOOL: pa.bool_(),
        ColumnType.STRING: pa.string(),
        ColumnType.CATEGORY: pa.string(),
        ColumnType.DATETIME: pa.timestamp("us"),
    }[column_type]


def array_of(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """An array of `kind` (int64, float64, bool, timestamp[us], string or null); None is null."""
    import numpy as np
    import pyarrow as pa

    n = len(values)
    present = np.array([v is not None for v in values], bool)
    validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little"))
    if pa.types.is_null(kind):
        return pa.nulls(n)
    if pa.types.is_string(kind):
        encoded = [str(v).encode("utf-8") if v is not None else b"" for v in values]
        offsets = np.zeros(n + 1, np.int32)
        offsets[1:] = np.cumsum([len(e) for e in encoded])
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
        return pa.Array.from_buffers(kind, n, buffers)
    if pa.types.is_boolean(kind):
        bits = np.packbits(np.array([bool(v) for v in values], bool), bitorder="little")
        return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(bits)])
    if pa.types.is_timestamp(kind):
        numbers = np.array([(v - EPOCH) // _MICROSECOND if v is not None else 0 for v in values], np.int64)
    else:
        dtype = np.float64 if pa.types.is_floating(kind) else np.int64
        numbers = np.array([v if v is not None else 0 for v in values], dtype)
    return pa.Array.from_buffers(kind, n, [validity, pa.py_buffer(numbers)])


def from_epoch_micros(micros: int) -> dt.datetime:
    """The naive datetime `micros` microseconds after the Unix epoch."""
    return EPOCH + dt.timedelta(microseconds=micros)


def from_epoch_nanos(nanos: int, rounding: int) -> dt.datetime:
    """The naive datetime `nanos` nanoseconds after the Unix epoch, to the microsecond a
    datetime holds: rounded down for a minimum (`rounding` < 0), up for a maximum, so what
    a min and max prove still holds."""
    return from_epoch_micros(nanos // 1000 if rounding < 0 else -(-nanos // 1000))


def scalar(value: Any, kind: pa.DataType) -> pa.Scalar:
    return array_of([value], kind)[0]


def to_numpy(array: pa.Array) -> np.ndarray:
    """A primitive array without nulls (int, float, bool, timestamp) as numpy. Its dtype is
    read off the arrow type: `to_pandas_dtype` imports pandas before pyarrow 26."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offset, n = array.offset, len(array)
    data = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")
        return bits[offset:offset + n].astype(bool)
    kind = array.type
    sign = "f" if pa.types.is_floating(kind) else "u" if pa.types.is_unsigned_integer(kind) else "i"
    return np.frombuffer(data, np.dtype(f"{sign}{kind.bit_width // 8}"), count=offset + n)[offset:]


def null_rows(array: pa.Array) -> np.ndarray:
    """The positions of an array's nulls, ascending, read off its validity bitmap: only the
    bytes with a zero bit are unpacked (nulls are few as a rule)."""
    import numpy as np

    n = len(array)
    if not array.null_count:
        return np.empty(0, np.int64)
    bitmap = array.buffers()[0]
    if bitmap is None:  # a null-typed array: every slot is null
        return np.arange(n, dtype=np.int64)
    start, offset = divmod(array.offset, 8)
    packed = np.frombuffer(bitmap, np.uint8, count=(offset + n + 7) // 8, offset=start)
    holes = np.flatnonzero(packed != 0xFF)
    bits = np.unpackbits(packed[holes][:, None], axis=1, bitorder="little")
    byte, bit = np.nonzero(bits == 0)
    rows: np.ndarray = holes[byte].astype(np.int64) * 8 + bit - offset
    return rows[(rows >= 0) & (rows < n)]


def int64_array(numbers: np.ndarray) -> pa.Array:
    """An int64 arrow array over a numpy array's values (row positions for `take`)."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(numbers, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def false() -> pa.Scalar:
    """The boolean False, for `fill_null` on masks."""
    import pyarrow as pa

    return scalar(False, pa.bool_())
