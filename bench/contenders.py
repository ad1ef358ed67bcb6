"""The programs the benchmark times, each run in its own process:

    python bench/contenders.py floor DATA        # pyarrow streams the whole file, nothing else
    python bench/contenders.py pandera DATA      # pandas reads it, pandera validates lazily

Each prints one JSON line with what it found. mlsmoke itself runs as `python -m checker`.
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
    print(json.dumps({"floor": floor, "pandera": pandera}[name](data)))
