from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from checker.tables.arrow_values import to_numpy

PRIMITIVES = [
    (pa.int8(), [-3, 0, 7, 127]), (pa.int16(), [-300, 0, 7, 9]), (pa.int32(), [-3, 1 << 30, 7, 0]),
    (pa.int64(), [-3, 1 << 40, 7, 0]), (pa.uint8(), [0, 255, 7, 1]), (pa.uint16(), [0, 65535, 7, 1]),
    (pa.uint32(), [0, 1 << 31, 7, 1]), (pa.uint64(), [0, 1 << 63, 7, 1]),
    (pa.float16(), [np.float16(0.5), np.float16(-2), np.float16(7), np.float16(0)]),
    (pa.float32(), [0.5, -2.25, 7.0, 0.0]), (pa.float64(), [0.5, -2.25, 1e300, 0.0]),
    (pa.bool_(), [True, False, True, True]),
]


@pytest.mark.parametrize(("kind", "values"), PRIMITIVES, ids=[str(kind) for kind, _ in PRIMITIVES])
def test_a_primitive_array_is_its_values_and_dtype_sliced_or_not(kind: pa.DataType, values: list) -> None:
    array = pa.array(values, kind)
    chunked = pa.chunked_array([array.slice(0, 1), array.slice(2)])
    for piece in (array, array.slice(1), array.slice(1, 2), chunked):
        expected = piece.to_numpy(zero_copy_only=False)
        got = to_numpy(piece)
        assert got.dtype == expected.dtype and got.tolist() == expected.tolist(), (kind, piece)


def test_a_timestamp_is_its_int64_ticks() -> None:
    at = pa.array([dt.datetime(2020, 1, 1), dt.datetime(1969, 12, 31, 23, 59)], pa.timestamp("us"))
    got = to_numpy(at.slice(1))
    assert got.dtype == np.int64 and got.tolist() == [-60_000_000]
