"""Train a wine cultivar classifier: read a table, fit, write the model and its metrics.

    python train.py --data data/wine.csv --out models/

Reads CSV or Parquet (by extension). The target is `cultivar`; `wine_id` is an identifier and
is not a feature. Writes OUT/model.joblib and OUT/metrics.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

TARGET = "cultivar"
NOT_FEATURES = [TARGET, "wine_id"]
SEED = 42


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/wine.csv"))
    parser.add_argument("--out", type=Path, default=Path("models"))
    args = parser.parse_args()

    frame = read_table(args.data)
    features = frame.drop(columns=NOT_FEATURES)
    train_x, test_x, train_y, test_y = train_test_split(
        features, frame[TARGET], test_size=0.25, random_state=SEED, stratify=frame[TARGET])
    model = RandomForestClassifier(n_estimators=100, random_state=SEED, n_jobs=1)
    model.fit(train_x, train_y)

    accuracy = accuracy_score(test_y, model.predict(test_x))
    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out / "model.joblib")
    metrics = {"accuracy": round(float(accuracy), 4), "rows": {"train": len(train_x), "test": len(test_x)}}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"trained on {len(train_x)} rows, test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
