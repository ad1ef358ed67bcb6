"""Synthetic rows from a contract: within bounds, nulls only where nullable, categories from
`allowed`, strings matching `pattern` where feasible, unique where asked; seeded, so the same
contract, row count and seed always give the same table. `patterns` (when/set) plant known
relationships on top, for the pipeline's "did the model learn it" check.

Each column draws from its own random stream, derived from the seed and the column's name:
adding, removing or reordering columns never changes the values of the others. Every column
is built with vectorized numpy/pyarrow operations (`checker.synth.columns`), so a million rows
take about a second. A contract that cannot be met raises SynthError with the column and why.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.config.schema import Pattern
from checker.contracts.model import Contract
from checker.synth.columns import arrow_type, generate_column
from checker.synth.patterns import apply_patterns, pattern_columns
from checker.synth.values import SynthError, to_column_type

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["SynthError", "arrow_type", "complete_rows", "synthesize", "write_table"]


def synthesize(contract: Contract, rows: int, seed: int = 0, patterns: Sequence[Pattern] = (),
               *, columns: Sequence[str] | None = None) -> pa.Table:
    """A table of `rows` rows satisfying `contract` (all columns, or only `columns`)."""
    import pyarrow as pa

    if rows < 0:
        raise SynthError(f"cannot generate {rows} rows")
    names = _selected(contract, columns)
    needed = [name for name in contract.columns if name in names or name in pattern_columns(patterns)]
    arrays = {name: generate_column(name, contract.columns[name], rows, column_rng(seed, name))
              for name in needed}
    if patterns and rows:
        apply_patterns(arrays, contract, patterns)
    return pa.table({name: arrays[name] for name in names})


def complete_rows(contract: Contract, partial: Sequence[Mapping[str, Any]], seed: int = 0,
                  *, columns: Sequence[str] | None = None) -> pa.Table:
    """Rows with the given values, every other column filled deterministically from the
    contract (the same seed gives the same fill, never null): for `expect` inputs and probe
    requests. Given values are converted to the column's type but not checked against its rules,
    so a probe can ask about any input."""
    import pyarrow as pa

    names = _selected(contract, columns)
    for number, row in enumerate(partial, start=1):
        unknown = [key for key in row if key not in contract.columns]
        if unknown:
            raise SynthError(f"row {number} names {', '.join(map(repr, unknown))}, "
                             "not a column of the contract")
    filled = _never_null(contract)
    fill = synthesize(filled, len(partial), seed, columns=names)
    data = {}
    for name in names:
        column = contract.columns[name]
        generated = fill.column(name).to_pylist()
        data[name] = pa.array(
            [to_column_type(row[name], column, f"row {i + 1}, column {name}") if name in row
             else generated[i] for i, row in enumerate(partial)],
            arrow_type(column.type))
    return pa.table(data) if names else pa.table({})


def column_rng(seed: int, name: str) -> np.random.Generator:
    import numpy as np

    return np.random.default_rng([seed % 2**64, zlib.crc32(name.encode("utf-8"))])


def _selected(contract: Contract, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return list(contract.columns)
    unknown = [name for name in columns if name not in contract.columns]
    if unknown:
        raise SynthError(f"{', '.join(map(repr, unknown))} not a column of the contract")
    return list(columns)


def _never_null(contract: Contract) -> Contract:
    columns = {name: column.model_copy(update={"nullable": False})
               for name, column in contract.columns.items()}
    return contract.model_copy(update={"columns": columns})


def write_table(table: pa.Table, dest: Path | IO[bytes], format: str | None = None) -> None:
    """Write CSV, Parquet or JSON Lines, by `format` or the destination's extension (a stream
    without `format` gets CSV)."""
    from checker.tables.reader import table_format

    if format is None:
        format = table_format(dest) if isinstance(dest, Path) else "csv"
    if isinstance(dest, Path):
        dest.parent.mkdir(parents=True, exist_ok=True)
    if format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, dest)
    elif format == "csv":
        _write_csv(table, dest)
    elif format == "jsonl":
        _write_jsonl(table, dest)
    else:
        raise ValueError(f"unknown table format {format!r}: expected csv, parquet or jsonl")


def _write_csv(table: pa.Table, dest: Path | IO[bytes]) -> None:
    import pyarrow.csv as pacsv

    if table.num_columns == 1 and table.column(0).null_count:
        _write_one_column_csv(table, dest)
    else:
        pacsv.write_csv(table, dest)


def _write_one_column_csv(table: pa.Table, dest: Path | IO[bytes]) -> None:
    """pyarrow writes a null as nothing, so a one-column row with a null is an empty line, which
    every CSV reader skips: the row would be lost. Each cell is quoted instead (`""` for null)."""
    import csv
    import io

    import pyarrow as pa

    text = io.StringIO(newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows([value] for value in table.column(0).cast(pa.string()).to_pylist())
    data = text.getvalue().encode("utf-8")
    if isinstance(dest, Path):
        dest.write_bytes(data)
    else:
        dest.write(data)


def _write_jsonl(table: pa.Table, dest: Path | IO[bytes]) -> None:
    import json

    def lines() -> Any:
        for batch in table.to_batches(max_chunksize=65536):
            for row in batch.to_pylist():
                yield (json.dumps(row, default=_json_default) + "\n").encode("utf-8")

    if isinstance(dest, Path):
        with dest.open("wb") as handle:
            handle.writelines(lines())
    else:
        dest.writelines(lines())


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
