"""Benchmark data: a seeded table with a dozen float columns with ranges, an int target, a
string category column and a unique id column; about 0.01 % of the rows break a rule (out of
range, null, disallowed category, duplicated id). Written a million rows at a time (one row
group each), so making 100M rows takes little memory. Floats are rounded to two decimals, as
measurements are, so Parquet dictionary-encodes them and 100M rows take about 3 GB on disk. The
exact count of violating rows per rule goes to a JSON file next to the data, so the benchmark
can confirm every contender found them all (a duplicated id repeats its neighbour in the same
million rows, so the truth is counted chunk by chunk)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

FLOATS = [f"f{i}" for i in range(12)]
CATEGORIES = ["red", "white", "rose"]
CHUNK = 1_000_000
FAULT_RATE = 1e-4

CONTRACT = {
    "columns": {
        "id": {"type": "int", "unique": True, "role": "id"},
        **{name: {"type": "float", "min": 0.0, "max": 100.0} for name in FLOATS},
        "category": {"type": "string", "allowed": CATEGORIES},
        "target": {"type": "int", "min": 0, "max": 9, "role": "target"},
    },
    "extra_columns": "error",
}


def chunk_table(start: int, rows: int, seed: int,
                fault_rate: float = FAULT_RATE) -> tuple[pa.Table, dict[str, int]]:
    rng = np.random.default_rng([seed, start])
    ids = np.arange(start, start + rows, dtype=np.int64)
    floats = {name: np.round(rng.uniform(0.0, 100.0, rows), 2) for name in FLOATS}
    category = rng.choice(np.array(CATEGORIES, dtype=object), rows)
    target = rng.integers(0, 10, rows)
    faulty = rng.choice(np.arange(1, rows), int(rows * fault_rate), replace=False)
    kinds = rng.integers(0, 4, len(faulty))
    columns = rng.integers(0, len(FLOATS), len(faulty))
    null_masks = {name: np.zeros(rows, bool) for name in FLOATS}
    for row, kind, column in zip(faulty, kinds, columns, strict=True):
        name = FLOATS[column]
        if kind == 0:
            floats[name][row] = round(100.0 + rng.uniform(0.1, 50.0), 2)
        elif kind == 1:
            null_masks[name][row] = True
        elif kind == 2:
            category[row] = "blue"
        else:
            ids[row] = ids[row - 1]
    arrays = {"id": pa.array(ids)}
    arrays |= {name: pa.array(values, mask=null_masks[name]) for name, values in floats.items()}
    arrays |= {"category": pa.array(category, pa.string()), "target": pa.array(target)}
    out_of_range = np.zeros(rows, bool)
    for values in floats.values():
        out_of_range |= values > 100.0
    nulls = np.zeros(rows, bool)
    for mask in null_masks.values():
        nulls |= mask
    counts = {"ranges": int((out_of_range & ~nulls).sum()), "nulls": int(nulls.sum()),
              "allowed": int((category == "blue").sum()), "unique": _repeated(ids)}
    return pa.table(arrays), counts


def _repeated(ids: np.ndarray) -> int:
    """Rows whose id another row of the chunk has (ids never repeat across chunks)."""
    ordered = np.sort(ids)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    return int(np.isin(ids, repeated).sum())


def config_path(data: Path) -> Path:
    """Where mlsmoke's config for a data file lies: beside it."""
    return data.with_name(data.name + ".mlsmoke.yml")


def write_config(data: Path) -> Path:
    """mlsmoke's config for `data`: the bench's contract over that one file."""
    config = {"version": 1, "contracts": {"bench": CONTRACT},
              "data": [{"contract": "bench", "files": data.name}]}
    path = config_path(data)
    path.write_text(yaml.safe_dump(config))
    return path


def generate(folder: Path, rows: int, seed: int = 7, csv: bool = False) -> Path:
    """Write `data-{rows}.parquet` (or .csv) and its expected counts; reuse them when present."""
    suffix = "csv" if csv else "parquet"
    path = folder / f"data-{rows}.{suffix}"
    expected_path = path.with_name(path.name + ".expected.json")
    if path.exists() and expected_path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    totals = {"ranges": 0, "nulls": 0, "allowed": 0, "unique": 0}
    writer = None
    partial = path.with_suffix(".partial")
    try:
        for start in range(0, rows, CHUNK):
            table, counts = chunk_table(start, min(CHUNK, rows - start), seed)
            totals = {k: totals[k] + counts[k] for k in totals}
            if writer is None:
                writer = (pacsv.CSVWriter(partial, table.schema) if csv
                          else pq.ParquetWriter(partial, table.schema))
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    partial.rename(path)
    expected_path.write_text(json.dumps(totals, indent=2) + "\n")
    return path
