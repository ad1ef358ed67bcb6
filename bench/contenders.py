"""The programs the benchmark times, each run in its own process:

    python bench/contenders.py floor DATA        # pyarrow streams the whole file, nothing else
    python bench/contenders.py polars DATA       # one streaming lazy query counting every rule
    python bench/contenders.py duckdb DATA       # the same counts in SQL
    python bench/contenders.py pandera DATA      # pandas reads it, pandera validates lazily

Each prints one JSON line with what it found; polars and DuckDB count the violating rows of
each rule as mlsmoke does (`ranges`, `nulls` with NaN as missing, `allowed`, `unique`: rows
whose id another row has), so the benchmark checks their counts against the planted truth.
mlsmoke itself runs as `python -m checker`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def floor(path: Path) -> dict[str, int]:
    rows = 0
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=128 * 1024):
            rows += batch.num_rows
    else:
        import pyarrow.csv as pacsv

        with pacsv.open_csv(path) as reader:
            for batch in reader:
                rows += batch.num_rows
    return {"rows": rows}


def polars(path: Path) -> dict[str, int]:
    import polars as pl
    from generate import CATEGORIES, FLOATS

    frame = pl.scan_parquet(path) if path.suffix == ".parquet" else pl.scan_csv(path)
    floats = [pl.col(name) for name in FLOATS]
    target = pl.col("target")
    out_of_range = [(c < 0.0) | (c > 100.0) for c in floats] + [(target < 0) | (target > 9)]
    missing = [c.is_null() | c.is_nan() for c in floats]
    missing += [pl.col(name).is_null() for name in ("id", "category", "target")]
    category = pl.col("category")
    counts = frame.select(
        ranges=pl.any_horizontal(*out_of_range).fill_null(False).sum(),
        nulls=pl.any_horizontal(*missing).fill_null(False).sum(),
        allowed=(category.is_not_null() & ~category.is_in(CATEGORIES)).sum(),
        rows=pl.len(),
    )
    repeated = (frame.group_by("id").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
                .select(unique=pl.col("n").sum()))
    found, unique = pl.collect_all([counts, repeated], engine="streaming")
    return {**{k: int(v) for k, v in found.row(0, named=True).items()}, "unique": int(unique.item() or 0)}


def duckdb(path: Path) -> dict[str, int]:
    import duckdb as db
    from generate import CATEGORIES, FLOATS

    source = f"read_parquet('{path}')" if path.suffix == ".parquet" else f"read_csv('{path}')"
    out_of_range = " OR ".join([f"{c} < 0 OR {c} > 100" for c in FLOATS] + ["target < 0 OR target > 9"])
    missing = " OR ".join([f"{c} IS NULL OR isnan({c})" for c in FLOATS]
                          + [f"{c} IS NULL" for c in ("id", "category", "target")])
    allowed = ", ".join(f"'{c}'" for c in CATEGORIES)
    connection = db.connect()
    ranges, nulls, outside, rows = connection.execute(
        f"SELECT count(*) FILTER (WHERE {out_of_range}), count(*) FILTER (WHERE {missing}), "
        f"count(*) FILTER (WHERE category NOT IN ({allowed})), count(*) FROM {source}").fetchone()
    (unique,) = connection.execute(f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {source} "
                       "GROUP BY id HAVING count(*) > 1)").fetchone()
    return {"ranges": ranges, "nulls": nulls, "allowed": outside, "unique": int(unique), "rows": rows}


def pandera(path: Path) -> dict[str, int]:
    import pandas as pd
    import pandera.pandas as pdr
    from generate import CATEGORIES, FLOATS

    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    schema = pdr.DataFrameSchema(
        {
            "id": pdr.Column(int, unique=True),
            **{name: pdr.Column(float, pdr.Check.in_range(0.0, 100.0)) for name in FLOATS},
            "category": pdr.Column(str, pdr.Check.isin(CATEGORIES)),
            "target": pdr.Column(int, pdr.Check.in_range(0, 9)),
        },
        strict=True,
    )
    try:
        schema.validate(frame, lazy=True)
    except pdr.errors.SchemaErrors as errors:
        return {"rows": len(frame), "failure_cases": len(errors.failure_cases)}
    return {"rows": len(frame), "failure_cases": 0}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    name, data = sys.argv[1], Path(sys.argv[2])
    contenders = {"floor": floor, "polars": polars, "duckdb": duckdb, "pandera": pandera}
    print(json.dumps(contenders[name](data)))
