"""Type conversion for the data checks: what counts as a value of each contract type."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from checker.contracts.model import ColumnType as T
from checker.tables.coerce import coerce

CASES = [
    # (values as read, contract type, converted values, which are of the wrong type)
    (["1", "2", "x", None, "3.0", "3.5"], T.INT, [1, 2, None, None, 3, None], [0, 0, 1, 0, 0, 1]),
    (["1.5", "abc", None, "1e3", " 7 "], T.FLOAT, [1.5, None, None, 1000.0, 7.0], [0, 1, 0, 0, 0]),
    (["1_000"], T.FLOAT, [None], [1]),
    ([1.0, 2.5, None], T.INT, [1, None, None], [0, 1, 0]),
    ([1, 2], T.FLOAT, [1.0, 2.0], [0, 0]),
    (["2020-01-01", "2020-01-01T10:00:00+02:00", "01/02/2020"], T.DATETIME,
     [dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 1, 8), None], [0, 0, 1]),
    (["yes", "FALSE", "1", "maybe"], T.BOOL, [True, False, True, None], [0, 0, 0, 1]),
    ([0, 1, 2], T.BOOL, [False, True, None], [0, 0, 1]),
    ([1, 2], T.STRING, [None, None], [1, 1]),
    (["a", None], T.CATEGORY, ["a", None], [0, 0]),
    ([True, None], T.BOOL, [True, None], [0, 0]),
]


@pytest.mark.parametrize(("raw", "column_type", "values", "bad"), CASES)
def test_coerce(raw: list, column_type: T, values: list, bad: list) -> None:
    converted = coerce(pa.array(raw), column_type)
    assert converted.values.to_pylist() == values
    found = converted.bad.to_pylist() if converted.bad is not None else [False] * len(raw)
    assert found == [bool(b) for b in bad]


def test_clean_text_takes_the_fast_path_and_reports_no_bad_values() -> None:
    assert coerce(pa.array(["1", "2", None]), T.INT).bad is None


def test_timestamps_with_a_zone_become_naive_utc() -> None:
    stamps = pa.array([dt.datetime(2020, 1, 1, 12)], pa.timestamp("ms", tz="Europe/Paris"))
    assert coerce(stamps, T.DATETIME).values.to_pylist() == [dt.datetime(2020, 1, 1, 12)]


def test_dictionary_columns_are_decoded() -> None:
    categories = pa.array(["red", "white", "red"]).dictionary_encode()
    assert coerce(categories, T.CATEGORY).values.to_pylist() == ["red", "white", "red"]
