"""scikit-learn's bundled wine data (UCI Wine recognition, the same rows as
examples/wine-quality/data/wine.csv) with seeded faults whose counts per rule are known."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONTRACT = """
contracts:
  wine:
    columns:
      wine_id:              {type: int, unique: true, role: id}
      alcohol:              {type: float, min: 10.0, max: 15.5}
      malic_acid:           {type: float, min: 0.5, max: 6.5}
      ash:                  {type: float, min: 1.0, max: 3.5}
      alcalinity_of_ash:    {type: float, min: 10.0, max: 31.0}
      magnesium:            {type: float, min: 60, max: 170}
      total_phenols:        {type: float, min: 0.5, max: 4.0}
      flavanoids:           {type: float, min: 0.2, max: 5.5}
      nonflavanoid_phenols: {type: float, min: 0.1, max: 0.7}
      proanthocyanins:      {type: float, min: 0.3, max: 4.0}
      color_intensity:      {type: float, min: 1.0, max: 13.5}
      hue:                  {type: float, min: 0.4, max: 1.8}
      od280_od315:          {type: float, min: 1.0, max: 4.1}
      proline:              {type: float, min: 250, max: 1700}
      lot:                  {type: string, pattern: 'W-\\d{4}'}
      cultivar:             {type: int, allowed: [0, 1, 2], role: target}
    rows: {min: 100}
    extra_columns: error
"""

# row (0-based) → {column: value}: every fault is planted here, and the expected counts below
FAULTS: dict[int, dict[str, Any]] = {
    3: {"alcohol": None},
    10: {"alcohol": None, "ash": None},
    20: {"magnesium": 500.0},
    21: {"magnesium": 10.0, "hue": 5.0},
    30: {"hue": 0.1},
    40: {"cultivar": 7},
    41: {"cultivar": 9},
    51: {"wine_id": 51},  # row 50 holds id 51 too
    61: {"wine_id": 61},  # rows 60, 61 and 62 share id 61
    62: {"wine_id": 61},
    70: {"alcohol": "abc"},  # wrong type: not counted again as out of range
    71: {"proline": "lots"},
    80: {"lot": "X-0080"},
    81: {"lot": "W-12345"},
}
EXPECTED = {
    "nulls": (2, {"alcohol": 2, "ash": 1}),
    "ranges": (3, {"magnesium": 2, "hue": 2}),
    "allowed": (2, {"cultivar": 2}),
    "unique": (5, {"wine_id": 5}),
    "types": (2, {"alcohol": 1, "proline": 1}),
    "pattern": (2, {"lot": 2}),
}
FIRST_ROW = {"nulls": 3, "ranges": 20, "allowed": 40, "unique": 50, "types": 70, "pattern": 80}
TEXT_COLUMNS = ("alcohol", "proline")  # hold a wrong-typed value, so stored as text in Parquet


@dataclass(frozen=True)
class WineRows:
    columns: list[str]
    rows: list[dict[str, Any]] = field(repr=False)


def wine_rows(faults: bool = True) -> WineRows:
    from sklearn.datasets import load_wine

    bunch = load_wine()
    names = ["od280_od315" if n == "od280/od315_of_diluted_wines" else n for n in bunch.feature_names]
    rows = []
    for i, (features, target) in enumerate(zip(bunch.data, bunch.target, strict=True)):
        row: dict[str, Any] = {"wine_id": i + 1}
        row.update({n: round(float(v), 4) for n, v in zip(names, features, strict=True)})
        row.update({"lot": f"W-{i:04d}", "cultivar": int(target)})
        if faults:
            row.update(FAULTS.get(i, {}))
        rows.append(row)
    return WineRows(list(rows[0]), rows)


def write_wine(path: Path, data: WineRows, *, row_group_size: int | None = None) -> Path:
    """CSV, Parquet or JSON Lines by extension; Parquet keeps the text columns as text."""
    import json

    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in data.rows), encoding="utf-8")
        return path
    text = {c for c in TEXT_COLUMNS if any(isinstance(r[c], str) for r in data.rows)}
    arrays = {c: pa.array([_cell(r[c], c in text) for r in data.rows]) for c in data.columns}
    table = pa.table(arrays)
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=row_group_size)
    else:
        pacsv.write_csv(table, path)
    return path


def _cell(value: Any, as_text: bool) -> Any:
    return None if value is None else str(value) if as_text else value
