"""Fit a nearest-centroid classifier on the wine sample (standardized features) and write it
as JSON. Standard library only, so the serving image needs nothing from a package index."""

from __future__ import annotations

import csv
import json
import statistics
import sys

FEATURES = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
            "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
            "od280_od315", "proline"]
TARGET = "cultivar"


def train(rows: list[dict[str, str]]) -> dict:
    columns = {f: [float(r[f]) for r in rows] for f in FEATURES}
    means = {f: statistics.fmean(v) for f, v in columns.items()}
    scales = {f: statistics.pstdev(v) or 1.0 for f, v in columns.items()}
    centroids: dict[str, list[float]] = {}
    for label in sorted({r[TARGET] for r in rows}):
        members = [r for r in rows if r[TARGET] == label]
        centroids[label] = [statistics.fmean((float(r[f]) - means[f]) / scales[f] for r in members)
                            for f in FEATURES]
    return {"features": FEATURES, "means": means, "scales": scales, "centroids": centroids}


if __name__ == "__main__":
    source, target = sys.argv[1], sys.argv[2]
    with open(source, newline="", encoding="utf-8") as handle:
        model = train(list(csv.DictReader(handle)))
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(model, handle)
    print(f"trained on {source}: {len(model['centroids'])} classes -> {target}")
