"""Synthetic rows from a contract: within bounds, nulls only where nullable, categories from
`allowed`, strings matching `pattern` where feasible, unique where asked; seeded, so the same
contract, row count and seed always give the same table. `patterns` (when/set) plant known
relationships on top, for the pipeline's "did the model learn it" check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.config_schema import Pattern
from checker.contracts import Column, ColumnType, Contract
from checker.regex_sample import sample_matching

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

NULL_FRACTION = 0.1
_DEFAULT_SPAN = {ColumnType.INT: 100, ColumnType.FLOAT: 100.0}
_EPOCH_DEFAULTS = (dt.datetime(2020, 1, 1), dt.datetime(2025, 1, 1))


class SynthError(ValueError):
    """The contract cannot be satisfied (e.g. more unique values asked than its range holds)."""


def synthesize(contract: Contract, rows: int, seed: int = 0, patterns: Sequence[Pattern] = (),
               *, columns: Sequence[str] | None = None) -> pa.Table:
    """A table of `rows` rows satisfying `contract` (all columns, or only `columns`)."""
    import numpy as np
    import pyarrow as pa

    names = list(columns) if columns is not None else list(contract.columns)
    arrays: dict[str, list[Any]] = {}
    for index, name in enumerate(contract.columns):
        # one stream per column, derived from the seed and the column's position: adding a
        # column never changes the values of the others
        rng = np.random.default_rng([seed, index])
        arrays[name] = _column_values(name, contract.columns[name], rows, rng)
    _apply_patterns(arrays, patterns, rows)
    return pa.table({name: pa.array(arrays[name], type=arrow_type(contract.columns[name].type))
                     for name in names})


def complete_rows(contract: Contract, partial: Sequence[Mapping[str, Any]], seed: int = 0,
                  *, columns: Sequence[str] | None = None) -> pa.Table:
    """Rows with the given values, every other column filled deterministically from the
    contract (the same seed gives the same fill): for `expect` inputs and probe requests."""
    import pyarrow as pa

    base = synthesize(contract, max(len(partial), 1), seed).to_pydict()
    names = list(columns) if columns is not None else list(contract.columns)
    data = {name: [row.get(name, base[name][i]) for i, row in enumerate(partial)] for name in names}
    return pa.table({name: pa.array(data[name], type=arrow_type(contract.columns[name].type))
                     for name in names})


def arrow_type(column_type: ColumnType) -> pa.DataType:
    import pyarrow as pa

    return {
        ColumnType.INT: pa.int64(),
        ColumnType.FLOAT: pa.float64(),
        ColumnType.BOOL: pa.bool_(),
        ColumnType.STRING: pa.string(),
        ColumnType.CATEGORY: pa.string(),
        ColumnType.DATETIME: pa.timestamp("us"),
    }[column_type]


def _column_values(name: str, column: Column, rows: int, rng: np.random.Generator) -> list[Any]:
    if column.allowed is not None:
        values = _from_allowed(name, column, rows, rng)
    elif column.type is ColumnType.INT:
        values = _ints(name, column, rows, rng)
    elif column.type is ColumnType.FLOAT:
        values = _floats(column, rows, rng)
    elif column.type is ColumnType.BOOL:
        values = [bool(v) for v in rng.integers(0, 2, rows)]
        if column.unique and rows > 2:
            raise SynthError(f"column {name!r}: a unique bool column holds at most 2 rows")
    elif column.type is ColumnType.DATETIME:
        values = _datetimes(column, rows, rng)
    else:
        values = _strings(name, column, rows, rng)
    if column.nullable and not column.unique:
        nulls = rng.random(rows) < NULL_FRACTION
        values = [None if is_null else v for v, is_null in zip(values, nulls, strict=True)]
    return values


def _from_allowed(name: str, column: Column, rows: int, rng: np.random.Generator) -> list[Any]:
    allowed = list(column.allowed or [])
    if column.unique:
        if rows > len(allowed):
            raise SynthError(f"column {name!r}: {rows} unique rows but only {len(allowed)} allowed values")
        return [allowed[i] for i in rng.permutation(len(allowed))[:rows]]
    return [allowed[i] for i in rng.integers(0, len(allowed), rows)]


def _bounds(column: Column, span: float) -> tuple[float, float]:
    low, high = column.min, column.max
    if low is None and high is None:
        low, high = 0, span
    elif low is None:
        low = high - span
    elif high is None:
        high = low + span
    return low, high


def _ints(name: str, column: Column, rows: int, rng: np.random.Generator) -> list[int]:
    import math

    low, high = _bounds(column, _DEFAULT_SPAN[ColumnType.INT] + (rows if column.unique else 0))
    low, high = math.ceil(low), math.floor(high)
    if high < low:
        raise SynthError(f"column {name!r}: no integer within [{column.min}, {column.max}]")
    if not column.unique:
        return [int(v) for v in rng.integers(low, high, rows, endpoint=True)]
    if high - low + 1 < rows:
        raise SynthError(f"column {name!r}: {rows} unique integers do not fit in [{low}, {high}]")
    if high - low + 1 <= 4 * rows:
        return [int(v) + low for v in rng.permutation(high - low + 1)[:rows]]
    values: set[int] = set()
    while len(values) < rows:
        values.update(int(v) for v in rng.integers(low, high, rows - len(values), endpoint=True))
    return list(values)


def _floats(column: Column, rows: int, rng: np.random.Generator) -> list[float]:
    low, high = _bounds(column, _DEFAULT_SPAN[ColumnType.FLOAT])
    values = rng.uniform(float(low), float(high), rows)
    return [min(max(float(v), low), high) for v in values]


def _datetimes(column: Column, rows: int, rng: np.random.Generator) -> list[dt.datetime]:
    low = column.min or (column.max - (_EPOCH_DEFAULTS[1] - _EPOCH_DEFAULTS[0])
                         if column.max else _EPOCH_DEFAULTS[0])
    high = column.max or low + (_EPOCH_DEFAULTS[1] - _EPOCH_DEFAULTS[0])
    span_us = int((high - low).total_seconds() * 1_000_000)
    offsets = rng.choice(span_us + 1, rows, replace=False) if column.unique else \
        rng.integers(0, span_us, rows, endpoint=True)
    return [low + dt.timedelta(microseconds=int(v)) for v in offsets]


def _strings(name: str, column: Column, rows: int, rng: np.random.Generator) -> list[str]:
    if column.pattern is not None:
        values = [sample_matching(column.pattern, rng) for _ in range(rows)]
    else:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        values = ["".join(alphabet[i] for i in rng.integers(0, len(alphabet), 8)) for _ in range(rows)]
    if column.unique and len(set(values)) < rows:
        values = _make_unique(name, column, values, rng)
    return values


def _make_unique(name: str, column: Column, values: list[str], rng: np.random.Generator) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        tries = 0
        while value in seen:
            tries += 1
            if tries > 100:
                raise SynthError(f"column {name!r}: cannot make {len(values)} unique values "
                                 f"matching {column.pattern!r}")
            value = sample_matching(column.pattern, rng) if column.pattern else f"{value}-{tries}"
        seen.add(value)
        out.append(value)
    return out


_COMPARE = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
}


def _apply_patterns(arrays: dict[str, list[Any]], patterns: Sequence[Pattern], rows: int) -> None:
    """Later patterns win where several match the same row."""
    for pattern in patterns:
        for i in range(rows):
            if all(_holds(arrays[col][i], conditions) for col, conditions in pattern.when.items()):
                for col, value in pattern.set.items():
                    arrays[col][i] = value


def _holds(value: Any, conditions: Mapping[str, Any]) -> bool:
    if value is None:
        return False
    return all(_COMPARE[op](value, operand) for op, operand in conditions.items())


def write_table(table: pa.Table, dest: Path | IO[bytes], format: str | None = None) -> None:
    """Write CSV, Parquet or JSON Lines, by `format` or the destination's extension."""
    from checker.tables import table_format

    fmt = format or table_format(Path(dest)) if isinstance(dest, Path) else (format or "csv")
    if isinstance(dest, Path):
        dest.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, dest)
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, dest)
    else:
        _write_jsonl(table, dest)


def _write_jsonl(table: pa.Table, dest: Path | IO[bytes]) -> None:
    import json

    lines = (json.dumps(row, default=_json_default) + "\n" for row in table.to_pylist())
    if isinstance(dest, Path):
        with dest.open("w", encoding="utf-8") as handle:
            handle.writelines(lines)
    else:
        for line in lines:
            dest.write(line.encode("utf-8"))


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
