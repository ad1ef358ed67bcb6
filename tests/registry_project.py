"""A small scikit-learn project for the registry and parity tests, trained by the pipeline family
in the cached MLflow venv (tests/venvs.py), which is also the user's interpreter there: MLflow
is the user's dependency. The wine contract and features are tests/real_servers.py's."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import yaml
from helpers import write_config
from real_servers import CONTRACT
from venvs import ensure_venv, venv_env

# A scaler in front of the model, as the skew finding had it; seeded, so two trainings on the
# same synthetic data give the same model.
TRAIN = """
import sys
from pathlib import Path
import joblib
import pandas as pd
from sklearn.{module} import {estimator}
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = pd.read_parquet(sys.argv[sys.argv.index("--data") + 1])
out = Path(sys.argv[sys.argv.index("--out") + 1])
out.mkdir(parents=True, exist_ok=True)
features = data[["alcohol", "malic_acid", "hue"]]
model = make_pipeline(StandardScaler(), {estimator}({arguments})).fit(features, data["cultivar"])
joblib.dump(model, out / "model.joblib")
"""

FOREST = {"module": "ensemble", "estimator": "RandomForestClassifier",
          "arguments": "n_estimators=10, random_state=0"}
LOGISTIC = {"module": "linear_model", "estimator": "LogisticRegression", "arguments": "max_iter=1000"}
CONSTANT = {"module": "dummy", "estimator": "DummyClassifier", "arguments": "strategy='constant', constant=1"}


def mlflow_python() -> str:
    return str(ensure_venv("mlflow") / "bin" / "python")


def project(folder: Path, *, model: dict[str, str] = FOREST, python: str | None = None,
            registry: dict[str, Any] | None = None, endpoint: dict[str, Any] | None = None) -> Path:
    """A project folder whose pipeline trains `model` (and registers it with `registry`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.py").write_text(textwrap.dedent(TRAIN).format(**model), encoding="utf-8")
    pipeline: dict[str, Any] = {
        "contract": "wine", "rows": 150, "seed": 5, "python": python or mlflow_python(),
        "command": "python train.py --data {data} --out {out}", "timeout": "300s",
        "patterns": [{"when": {"alcohol": {"gt": 13}}, "set": {"cultivar": 2}}],
        "model": {"path": "{out}/model.joblib", "rows": 40, "timeout": "300s"}}
    if registry is not None:
        pipeline["registry"] = {"timeout": "400s", **registry}
    body: dict[str, Any] = {"version": 1, "contracts": CONTRACT, "pipeline": pipeline}
    if endpoint is not None:
        body["endpoint"] = endpoint
    return write_config(folder, yaml.safe_dump(body, sort_keys=False))


def user_environ() -> dict[str, str]:
    """The test's environment with the MLflow venv first on PATH (it execs uvicorn by name) and no
    telemetry calls (the network is 127.0.0.1 only)."""
    env = venv_env(ensure_venv("mlflow"))
    env.update(MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true")
    env.pop("MLFLOW_TRACKING_URI", None)
    return env


def environ_with(**extra: str) -> dict[str, str]:
    return {**user_environ(), **extra, "HOME": os.environ.get("HOME", "/tmp")}
