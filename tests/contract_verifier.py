"""A small, deliberately naive verifier of a table against a contract, independent of the code
under test (plain Python over `to_pylist()`, no pyarrow compute): the oracle the property tests
of synth and infer use alongside the real data checks."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from checker.contracts.model import Column, ColumnType, Contract

_TYPE_TESTS = {
    ColumnType.INT: pa.types.is_integer,
    ColumnType.FLOAT: lambda t: pa.types.is_floating(t) or pa.types.is_integer(t),
    ColumnType.BOOL: pa.types.is_boolean,
    ColumnType.STRING: pa.types.is_string,
    ColumnType.CATEGORY: pa.types.is_string,
    ColumnType.DATETIME: pa.types.is_timestamp,
}
_ARROW = {ColumnType.INT: pa.int64(), ColumnType.FLOAT: pa.float64(), ColumnType.BOOL: pa.bool_(),
          ColumnType.STRING: pa.string(), ColumnType.CATEGORY: pa.string(),
          ColumnType.DATETIME: pa.timestamp("us")}


def violations(table: pa.Table, contract: Contract) -> list[str]:
    """Every broken rule as 'column: rule: detail'; empty when the table satisfies the contract."""
    found: list[str] = []
    if table.column_names != list(contract.columns):
        found.append(f"columns: {table.column_names} != {list(contract.columns)}")
        return found
    for name, column in contract.columns.items():
        found += [f"{name}: {problem}" for problem in _column_violations(table.column(name), column)]
    return found


def read_typed(path: Path, contract: Contract) -> pa.Table:
    """Read a written file back with the contract's types (as a contract-aware reader does)."""
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    types = {name: _ARROW[column.type] for name, column in contract.columns.items()}
    if path.suffix == ".csv":
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True))
    if path.suffix == ".parquet":
        return pq.read_table(path)
    return pajson.read_json(path, parse_options=pajson.ParseOptions(explicit_schema=pa.schema(types)))


def _column_violations(chunked: pa.ChunkedArray, column: Column) -> list[str]:
    if not _TYPE_TESTS[column.type](chunked.type):
        return [f"type: {chunked.type} is not {column.type.value}"]
    values = [None if isinstance(v, float) and math.isnan(v) else v for v in chunked.to_pylist()]
    problems: list[str] = []
    present = [v for v in values if v is not None]
    if not column.nullable and len(present) < len(values):
        problems.append(f"nulls: {len(values) - len(present)} nulls in a non-nullable column")
    low, high = _bound(column.min), _bound(column.max)
    problems += [f"min: {v!r} < {low!r}" for v in present if low is not None and _lt(v, low)]
    problems += [f"max: {v!r} > {high!r}" for v in present if high is not None and _lt(high, v)]
    if column.allowed is not None:
        allowed = {_as_type(a, column.type) for a in column.allowed}
        problems += [f"allowed: {v!r} not in {sorted(map(str, allowed))}"
                     for v in present if v not in allowed]
    if column.pattern is not None:
        problems += [f"pattern: {v!r} !~ {column.pattern!r}" for v in present
                     if re.fullmatch(column.pattern, v) is None]
    if column.unique and len(set(present)) < len(present):
        problems.append(f"unique: {len(present) - len(set(present))} repeated values")
    return problems


def _bound(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _lt(a: Any, b: Any) -> bool:
    return a < b


def _as_type(value: Any, column_type: ColumnType) -> Any:
    if column_type in (ColumnType.STRING, ColumnType.CATEGORY):
        return str(value)
    if column_type is ColumnType.FLOAT:
        return float(value)
    return value
