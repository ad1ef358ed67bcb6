"""Property: whatever the (satisfiable) contract, synthetic data satisfies it — in memory, after
a round trip through every file format, and under the real data checks; a table with one
planted violation does not."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples

from checker.contracts.model import ColumnType, Contract
from checker.results.model import Status
from checker.synth.rows import synthesize, write_table
from tests.contract_strategies import contracts
from tests.contract_verifier import read_typed, violations
from tests.helpers import run_check, write_config

HAVE_DATA_CHECKS = importlib.util.find_spec("checker.checks.data.family") is not None
PROPERTY = settings(max_examples=examples(60), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def cases(draw: st.DrawFn) -> tuple[Contract, int, int]:
    rows = draw(st.integers(0, 40))
    return draw(contracts(rows)), rows, draw(st.integers(0, 2**32))


@PROPERTY
@given(cases())
def test_synthetic_data_satisfies_its_contract(case: tuple[Contract, int, int]) -> None:
    contract, rows, seed = case
    table = synthesize(contract, rows, seed)
    assert table.num_rows == rows
    assert violations(table, contract) == []
    assert table.equals(synthesize(contract, rows, seed))


@PROPERTY
@given(cases(), st.sampled_from([".csv", ".parquet", ".jsonl"]))
def test_written_synthetic_data_satisfies_its_contract(tmp_path_factory: pytest.TempPathFactory,
                                                       case: tuple[Contract, int, int], suffix: str) -> None:
    contract, rows, seed = case
    rows = max(rows, 1)  # JSON Lines has no header: zero rows is an empty file
    path = tmp_path_factory.mktemp("synth") / f"data{suffix}"
    write_table(synthesize(contract, rows, seed), path)
    assert violations(read_typed(path, contract), contract) == []


def plant_violation(table: pa.Table, contract: Contract) -> tuple[pa.Table, str] | None:
    """The table with one rule broken in its first row, and the rule; None when no rule can be
    broken on this table (e.g. a nullable column without other rules)."""
    for index, (name, column) in enumerate(contract.columns.items()):
        values = table.column(name).to_pylist()
        if not values:
            return None
        bad = _breaking_value(column, values)
        if bad is not None:
            rule, value = bad
            broken = pa.array([value, *values[1:]], table.schema.field(name).type)
            return table.set_column(index, name, broken), rule
    return None


def _breaking_value(column: Any, values: list[Any]) -> tuple[str, Any] | None:
    if not column.nullable:
        return "nulls", None
    if column.unique and len(values) > 1 and values[1] is not None:
        return "unique", values[1]
    if column.max is not None and column.type is ColumnType.INT and column.max < 2**62:
        return "max", int(column.max) + 1
    if column.max is not None and column.type is ColumnType.FLOAT and abs(column.max) < 1e300:
        return "max", column.max + abs(column.max) + 1
    if column.max is not None and column.type is ColumnType.DATETIME:
        return "max", column.max.replace(tzinfo=None) + dt.timedelta(days=1)
    if column.allowed is not None and column.type in (ColumnType.STRING, ColumnType.CATEGORY):
        return "allowed", "not-allowed-value"
    if column.pattern is not None:
        return "pattern", "!!"
    return None


@PROPERTY
@given(cases())
def test_a_planted_violation_is_caught(case: tuple[Contract, int, int]) -> None:
    """Failing twin: the oracle finds one broken rule in otherwise good synthetic data."""
    contract, rows, seed = case
    planted = plant_violation(synthesize(contract, rows, seed), contract)
    if planted is None:
        return
    table, rule = planted
    assert any(f": {rule}" in problem for problem in violations(table, contract)), rule


def _config(folder: Path, contract: Contract, suffix: str) -> Path:
    body = {"version": 1, "contracts": {"synth": contract.to_yaml_dict()},
            "data": [{"contract": "synth", "files": f"data{suffix}"}]}
    return write_config(folder, yaml.safe_dump(body, sort_keys=False))


def data_results(config: Path) -> list[Any]:
    return [r for r in run_check(config, "data") if r.id.startswith("data.") and r.id != "data.compatibility"]


@pytest.mark.skipif(not HAVE_DATA_CHECKS, reason="checker.checks.data.family is not on this branch yet")
@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases(), st.sampled_from([".csv", ".parquet", ".jsonl"]))
def test_synthetic_data_passes_the_data_checks(tmp_path_factory: pytest.TempPathFactory,
                                               case: tuple[Contract, int, int], suffix: str) -> None:
    contract, rows, seed = case
    folder = tmp_path_factory.mktemp("round")
    write_table(synthesize(contract, max(rows, 1), seed), folder / f"data{suffix}")
    results = data_results(_config(folder, contract, suffix))
    assert results
    assert [r.to_dict() for r in results if r.status is not Status.PASS] == []


@pytest.mark.skipif(not HAVE_DATA_CHECKS, reason="checker.checks.data.family is not on this branch yet")
@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases(), st.sampled_from([".csv", ".parquet"]))
def test_a_planted_violation_fails_the_data_checks(tmp_path_factory: pytest.TempPathFactory,
                                                   case: tuple[Contract, int, int], suffix: str) -> None:
    contract, rows, seed = case
    planted = plant_violation(synthesize(contract, rows, seed), contract)
    if planted is None:
        return
    table, rule = planted
    folder = tmp_path_factory.mktemp("broken")
    write_table(table, folder / f"data{suffix}")
    failed = {r.id for r in data_results(_config(folder, contract, suffix)) if r.status is Status.FAIL}
    expected = {"max": "data.ranges"}.get(rule, f"data.{rule}")
    assert expected in failed
