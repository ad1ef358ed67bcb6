"""Every rule on dictionary-encoded values of every type (`coded.py`) agrees with the same
values decoded: a NaN, a null and an out-of-range value in the dictionary, an entry no row uses,
null rows, and text that does not parse as the contract's type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from checker.checks.data.coded import coded_rows
from checker.checks.data.rules import RULES, ColumnRules, evaluate
from checker.checks.data.tally import Tally
from checker.checks.data.unique import ValueCounter
from checker.contracts.model import Column, ColumnType
from checker.tables.arrow_values import null_rows
from checker.tables.coerce import coerce

DAY = dt.datetime(2024, 1, 1)
CASES = {
    "float": (Column(type=ColumnType.FLOAT, min=0.0, max=1.0, unique=True),
              pa.array([0.5, float("nan"), 7.0, None, 0.25, -3.0])),  # -3.0: no row uses it
    "int": (Column(type=ColumnType.INT, min=0, max=9, allowed=[1, 2, 3, 12]),
            pa.array([1, 12, 3, 40], pa.int32())),
    "datetime": (Column(type=ColumnType.DATETIME, max=DAY),
                 pa.array([DAY, DAY + dt.timedelta(days=1), DAY - dt.timedelta(days=9)], pa.timestamp("ms"))),
    "text": (Column(type=ColumnType.STRING, pattern=r"[a-z]+", allowed=["ab", "cd"], unique=True),
             pa.array(["ab", "cd", "Zz", "never used", "ab"])),
    "text as int": (Column(type=ColumnType.INT, min=0, allowed=[1, 2], nullable=True),
                    pa.array(["1", "x", "-4", "2"])),
}
INDICES = [0, 1, None, 2, 0, 3, None, 1, 0, 3, 2]  # entry 4 and up: used by no row


def _answer(batch: pa.RecordBatch, column: Column) -> dict[str, Any]:
    rules = ColumnRules("v", column)
    tallies = {rule: Tally(cap=100) for rule in RULES}
    uniques = {"v": ValueCounter()}
    evaluate(batch, 10, [(rules, rules.applies)], tallies, uniques)
    duplicates = uniques["v"].duplicates()
    found = {rule: (t.violations, t.by_column, repr(t.examples), repr(t.failing))
             for rule, t in tallies.items()}
    return found | {"unique": (duplicates.rows.tolist(), repr(duplicates.values))}


@pytest.mark.parametrize("case", CASES)
def test_dictionary_encoded_values_give_the_decoded_answer(case: str) -> None:
    column, dictionary = CASES[case]
    indices = pa.array([i if i is None or i < len(dictionary) else 0 for i in INDICES], pa.int32())
    coded = pa.DictionaryArray.from_arrays(indices, dictionary)
    plain = coded.dictionary_decode()
    got = _answer(pa.RecordBatch.from_arrays([coded], ["v"]), column)
    assert got == _answer(pa.RecordBatch.from_arrays([plain], ["v"]), column)
    assert any(found[0] for rule, found in got.items() if rule != "unique")  # each case fails a rule
    assert coerce(coded, column.type).values.type.id == pa.dictionary(pa.int32(), pa.string()).id


def test_a_slice_of_a_dictionary_array_keeps_its_rows() -> None:
    indices = pa.array([0, 1, None, 2, 1], pa.int32())
    coded = pa.DictionaryArray.from_arrays(indices, pa.array([1.0, 5.0, 9.0]))
    part = coded.slice(1, 4)
    column = Column(type=ColumnType.FLOAT, max=4.0, nullable=True)
    assert _answer(pa.RecordBatch.from_arrays([part], ["v"]), column) == _answer(
        pa.RecordBatch.from_arrays([part.dictionary_decode()], ["v"]), column)
    assert coded_rows(part, np.array([1, 2])).tolist() == [0, 2, 3]


def test_null_rows_read_off_the_validity_bitmap() -> None:
    rng = np.random.default_rng(3)
    for size in (1, 7, 8, 9, 64, 1001):
        for share in (0.0, 0.01, 0.5, 1.0):
            array = pa.array(rng.random(size), mask=rng.random(size) < share)
            for start, length in ((0, size), (3, size - 5), (8, size - 8)):
                if length < 0:
                    continue
                part = array.slice(start, length)
                assert null_rows(part).tolist() == np.flatnonzero(np.asarray(part.is_null())).tolist()
    assert null_rows(pa.nulls(3)).tolist() == [0, 1, 2]


@pytest.mark.parametrize("failing", [[2], [0, 3, 5], list(range(1, 9))], ids=["one", "few", "many"])
def test_coded_rows_finds_the_rows_of_the_failing_entries(failing: list[int]) -> None:
    rng = np.random.default_rng(5)
    indices = rng.integers(0, 10, 500)
    valid = rng.random(500) > 0.1
    coded = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32(), mask=~valid), pa.array(range(10)))
    expected = np.flatnonzero(np.isin(indices, failing) & valid)
    assert coded_rows(coded, np.array(failing)).tolist() == expected.tolist()
