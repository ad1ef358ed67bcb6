"""Synthetic-data and inference benchmark: `checker.synth.rows.synthesize` on a 15-column contract
with two planted patterns, against the floor of drawing as many random floats with numpy; then
`checker.contracts.infer.infer_contract` on that table written as Parquet and as CSV.

    python3 bench/synth_speed.py [--rows 100000 1000000] [--repeats 3]

Prints Markdown tables (median wall time of `repeats` runs, and this process's peak RSS). The
machine is shared and noisy: compare the ratio to the floor, not absolute times.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.config.schema import Pattern
from checker.contracts.infer import infer_contract
from checker.contracts.model import Contract
from checker.synth.rows import synthesize, write_table

CONTRACT = Contract.model_validate({"columns": {
    "fixed_acidity": {"type": "float", "min": 3.0, "max": 16.0},
    "volatile_acidity": {"type": "float", "min": 0, "max": 2, "nullable": True},
    "citric_acid": {"type": "float", "min": 0},
    "residual_sugar": {"type": "float", "max": 60},
    "chlorides": {"type": "float", "min": 0.01, "max": 0.6},
    "sulfur": {"type": "int", "min": 1, "max": 300},
    "density": {"type": "float", "min": 0.99, "max": 1.01},
    "pH": {"type": "float", "min": 0, "max": 14},
    "alcohol": {"type": "float", "min": 0, "max": 20},
    "color": {"type": "string", "allowed": ["red", "white"]},
    "wine_id": {"type": "int", "unique": True},
    "harvested": {"type": "datetime", "nullable": True, "min": "2020-01-01"},
    "lot": {"type": "string", "pattern": r"[A-Z]{3}-\d{4}"},
    "organic": {"type": "bool"},
    "quality": {"type": "int", "min": 0, "max": 10, "role": "target"},
}})
PATTERNS = [Pattern.model_validate(p) for p in (
    {"when": {"alcohol": {"gt": 12}}, "set": {"quality": 8}},
    {"when": {"alcohol": {"le": 12}, "color": {"in": ["red"]}}, "set": {"quality": 4}},
)]


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    columns = len(CONTRACT.columns)
    lines = ["| rows | synthesize (s) | numpy floor (s) | ratio | peak RSS (MiB) |", "|---|---|---|---|---|"]
    inferred = ["| rows | infer Parquet (s) | infer CSV (s) |", "|---|---|---|"]
    for rows in args.rows:
        synth = median_seconds(partial(synthesize, CONTRACT, rows, 7, PATTERNS), args.repeats)
        floor = median_seconds(partial(np.random.default_rng(7).random, (columns, rows)), args.repeats)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines.append(f"| {rows:,} | {synth:.3f} | {floor:.3f} | {synth / floor:.1f}× | {peak:.0f} |")
        with tempfile.TemporaryDirectory() as scratch:
            table = synthesize(CONTRACT, rows, 7, PATTERNS)
            times = []
            for suffix in (".parquet", ".csv"):
                path = Path(scratch) / f"sample{suffix}"
                write_table(table, path)
                times.append(median_seconds(partial(infer_contract, [path]), args.repeats))
        inferred.append(f"| {rows:,} | {times[0]:.3f} | {times[1]:.3f} |")
    print(f"{columns} columns, 2 patterns, median of {args.repeats}\n")
    print("\n".join(lines) + "\n\n" + "\n".join(inferred))

if __name__ == "__main__":
    main()
