"""Whole-row hashes: values the exact confirmation finds equal (Python equality of their
`as_py` values, null equal to null) get equal keys, for every column type, wherever the value
sits in its array (or whatever buffer it is keyed into); a dictionary column keys as its
decoded values; and the twins: values it finds unequal (null and "", null and 0, 0 and 1, "ab"
and "ba") get different keys, and rows differing only in their columns' order hash differently."""

from __future__ import annotations

import datetime as dt
import decimal
from itertools import combinations

import numpy as np
import pyarrow as pa
import pytest

from checker.checks.data.row_hash import NULL, column_keys, frozen, row_hashes

_DAY = dt.date(2024, 2, 29)
_AT = dt.datetime(2024, 2, 29, 12, 30)
CASES: dict[str, tuple[list, pa.DataType]] = {
    "int8": ([1, -1, 0, None, 1, None, 127, -128], pa.int8()),
    "int64": ([0, -(2**63), 2**63 - 1, None, 0, 7, 7], pa.int64()),
    "uint64": ([2**64 - 1, 0, 2**63, 2**64 - 1, None], pa.uint64()),
    "float32": ([0.0, -0.0, 1.5, None, float("nan"), 1.5, -1.5], pa.float32()),
    "float64": ([0.0, -0.0, 0.1, None, float("nan"), float("nan"), 0.1, float("inf")], pa.float64()),
    "bool": ([True, False, None, True, False], pa.bool_()),
    "string": (["", None, "a", "ab", "ba", "", "ünï", None, "a"], pa.string()),
    "large_string": (["", None, "ab", "ba", "ab"], pa.large_string()),
    "binary": ([b"", None, b"\x00", b"\x00\x00", b"\x00"], pa.binary()),
    "fixed_binary": ([b"ab", b"ba", None, b"ab"], pa.binary(2)),
    "date32": ([_DAY, None, dt.date(1970, 1, 1), _DAY], pa.date32()),
    "timestamp_ns_tz": ([1, 2, None, 1, 0], pa.timestamp("ns", tz="UTC")),
    "timestamp_us": ([_AT, None, _AT + dt.timedelta(microseconds=1), _AT], pa.timestamp("us")),
    "time64": ([dt.time(1), dt.time(2), None, dt.time(1)], pa.time64("us")),
    "duration": ([dt.timedelta(1), None, dt.timedelta(0), dt.timedelta(1)], pa.duration("ms")),
    "decimal": ([decimal.Decimal("1.50"), decimal.Decimal("-1.50"), None, decimal.Decimal("1.5")],
                pa.decimal128(6, 2)),
    "list": ([[1, 2], [2, 1], None, [], [1, 2]], pa.list_(pa.int64())),
    "struct": ([{"a": 1}, {"a": 2}, None, {"a": 1}], pa.struct([("a", pa.int64())])),
    "null": ([None, None], pa.null()),
}


def _keys(values: list, kind: pa.DataType) -> list[int]:
    return column_keys(pa.array(values, kind)).tolist()


def _equal(left: object, right: object) -> bool:
    """Equal as the confirmation compares (Python values; a NaN equals nothing)."""
    return frozen(left) == frozen(right) and left == left  # not a NaN


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_equal_values_get_equal_keys_and_unequal_ones_different_keys(case: str) -> None:
    values, kind = CASES[case]
    keys = _keys(values, kind)
    as_py = pa.array(values, kind).to_pylist()
    for i, j in combinations(range(len(values)), 2):
        if _equal(as_py[i], as_py[j]):
            assert keys[i] == keys[j], (as_py[i], as_py[j])
        elif not (isinstance(as_py[i], float) and as_py[i] != as_py[i]):  # NaN: any key will do
            assert keys[i] != keys[j], (as_py[i], as_py[j])


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_value_keys_the_same_wherever_it_sits(case: str) -> None:
    values, kind = CASES[case]
    whole = column_keys(pa.array(values, kind))
    assert column_keys(pa.array(values, kind).slice(1)).tolist() == whole[1:].tolist()
    assert column_keys(pa.chunked_array([pa.array(values, kind)]).chunk(0).slice(2, 2)).tolist() \
        == whole[2:4].tolist()
    out = np.full(len(values), 12345, np.uint64)  # a buffer the keys may be written to
    assert column_keys(pa.array(values, kind), out).tolist() == whole.tolist()


def test_nulls_get_the_null_marker_distinct_from_empty_and_zero() -> None:
    assert _keys(["", None], pa.string()) == [_keys([""], pa.string())[0], NULL]
    assert _keys([0, None], pa.int64())[1] == NULL != _keys([0], pa.int64())[0]
    assert _keys([False, None], pa.bool_())[1] == NULL != _keys([False], pa.bool_())[0]


@pytest.mark.parametrize("kind", [pa.string(), pa.int64(), pa.float64()])
def test_a_dictionary_column_keys_as_its_decoded_values(kind: pa.DataType) -> None:
    values = {pa.string(): ["b", None, "a", "b", ""], pa.int64(): [3, None, 1, 3, 0],
              pa.float64(): [0.5, None, -0.0, 0.5, 0.0]}[kind]
    plain = pa.array(values, kind)
    coded = plain.dictionary_encode()
    assert column_keys(coded).tolist() == column_keys(plain).tolist()
    # a dictionary with an unused entry and another order keys the same
    other = pa.DictionaryArray.from_arrays(pa.array([1, None, 2, 1, 3], pa.int32()),
                                           pa.array(["zz", "b", "a", ""]))
    if kind == pa.string():
        assert column_keys(other).tolist() == column_keys(plain).tolist()
    assert column_keys(pa.array([None, None], pa.string()).dictionary_encode()).tolist() == [NULL, NULL]


def test_rows_hash_equal_exactly_when_their_values_are_equal() -> None:
    batch = pa.record_batch({"a": pa.array([1, 1, 2, 1, None, None], pa.int64()),
                             "b": pa.array(["x", "x", "x", "y", "", None]),
                             "c": pa.array([0.0, -0.0, 0.0, 0.0, 1.0, 1.0])})
    hashes = row_hashes(batch).tolist()
    assert hashes[0] == hashes[1]
    assert len(set(hashes[1:])) == 5


def test_the_columns_order_counts() -> None:
    swapped = pa.record_batch({"a": pa.array([1, 2], pa.int64()), "b": pa.array([2, 1], pa.int64())})
    hashes = row_hashes(swapped)
    assert hashes[0] != hashes[1]
    assert row_hashes(pa.record_batch({"a": pa.array([], pa.int64())})).dtype == np.uint64


def test_few_collisions_on_many_distinct_rows() -> None:
    rows = 200_000
    numbers = np.arange(rows, dtype=np.int64)
    batch = pa.record_batch({"a": pa.array(numbers % 7), "b": pa.array(numbers // 7),
                             "s": pa.array([str(n % 13) for n in range(rows)])})
    assert len(np.unique(row_hashes(batch))) == rows
