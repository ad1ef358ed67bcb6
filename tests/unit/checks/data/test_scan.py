"""The Parquet fast paths agree with a full scan: row groups proven by min/max/null-count
statistics, columns left undecoded, and uniqueness settled per row group when the groups'
id ranges do not overlap. Property-tested against the same table written without statistics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples

from checker.checks.data.report import unique_tally
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.scan import FileScan, scan
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import TableOptions, open_table

COLUMNS = [
    ColumnRules("id", Column(type=ColumnType.INT, unique=True)),
    ColumnRules("n", Column(type=ColumnType.INT, min=0, max=10)),
    ColumnRules("x", Column(type=ColumnType.FLOAT, min=0.0, max=1.0, nullable=True)),
    ColumnRules("y", Column(type=ColumnType.FLOAT, min=-1.0)),
    ColumnRules("at", Column(type=ColumnType.DATETIME, min=dt.datetime(2020, 1, 1))),
]
_FLOATS = st.one_of(st.none(), st.just(float("nan")), st.floats(-2, 3, allow_nan=False))


def _rows(draw: st.DrawFn) -> dict[str, list]:
    size = draw(st.integers(1, 120))
    steps = draw(st.lists(st.integers(0, 2), min_size=size, max_size=size))
    ids = [sum(steps[: i + 1]) for i in range(size)]  # sorted, with repeats
    if draw(st.booleans()):
        ids = draw(st.permutations(ids))
    small = st.one_of(st.none(), st.integers(-3, 14))
    days = st.one_of(st.none(), st.integers(-3, 30))
    return {
        "id": ids,
        "n": draw(st.lists(small, min_size=size, max_size=size)),
        "x": draw(st.lists(_FLOATS, min_size=size, max_size=size)),
        "y": draw(st.lists(_FLOATS, min_size=size, max_size=size)),
        "at": [None if d is None else dt.datetime(2020, 1, 1) + dt.timedelta(days=d)
               for d in draw(st.lists(days, min_size=size, max_size=size))],
    }


tables = st.composite(_rows)


def _scan(path: Path) -> FileScan:
    return scan(open_table(path, TableOptions(batch_rows=7)), COLUMNS)


def _summary(found: FileScan) -> dict:
    tallies = {**found.tallies, "unique": unique_tally(found)}
    return {rule: (tallies[rule].violations, tallies[rule].by_column, tallies[rule].examples)
            for rule in RULES} | {"rows": found.rows}


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=tables(), group=st.integers(1, 40))
def test_statistics_path_agrees_with_a_full_scan(tmp_path: Path, data: dict, group: int) -> None:
    table = pa.table({**data, "at": pa.array(data["at"], pa.timestamp("us"))})
    with_stats, without = tmp_path / "stats.parquet", tmp_path / "plain.parquet"
    pq.write_table(table, with_stats, row_group_size=group)
    pq.write_table(table, without, row_group_size=group, write_statistics=False)
    fast, full = _scan(with_stats), _scan(without)
    assert _summary(fast) == _summary(full)
    assert not full.proven


def test_clean_row_groups_are_proven_and_not_decoded(tmp_path: Path) -> None:
    rows = 1000
    table = pa.table({"id": list(range(rows)), "n": [i % 11 for i in range(rows)],
                      "x": [0.5] * rows, "y": [0.0] * rows,
                      "at": pa.array([dt.datetime(2021, 1, 1)] * rows, pa.timestamp("us"))})
    path = tmp_path / "clean.parquet"
    pq.write_table(table, path, row_group_size=100)
    found = _scan(path)
    assert found.row_groups == 10
    # ints (id, n) and datetimes: nulls proven in every group, ranges for n, x, y and at;
    # (statistics do not count NaN, so the non-nullable float is still decoded for it)
    assert found.proven == {"ranges": 40, "nulls": 30}
    assert all(t.violations == 0 for t in found.tallies.values())
    assert unique_tally(found).violations == 0
