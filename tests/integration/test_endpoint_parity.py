"""endpoint.parity against a small serving app (the MLflow protocol, on 127.0.0.1) that scales
one feature differently from training, and its twin that does not. The app and the offline
probe both run in the cached MLflow venv (scikit-learn, joblib), the probe as the user's
interpreter (`parity.python`)."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import by_id, run_check, write_config
from real_servers import CONTRACT, free_port, process
from registry_project import mlflow_python, user_environ

from checker.results.model import CheckResult, Status

pytestmark = pytest.mark.slow

MAKE_MODEL = """
import joblib, numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
rng = np.random.default_rng(1)
X = pd.DataFrame({"alcohol": rng.uniform(10, 15, 400), "malic_acid": rng.uniform(0.5, 6.5, 400),
                  "hue": rng.uniform(0.4, 1.8, 400)})
y = np.where(X["alcohol"] + 2 * X["hue"] > 14.3, 2, np.where(X["malic_acid"] > 3.5, 1, 0))
joblib.dump(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y), "model.joblib")
"""

# The serving side: the same model file, but `hue` multiplied by FACTOR before predicting
# (a unit or preprocessing mismatch); answers classes or probabilities.
APP = """
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import joblib, pandas as pd
model = joblib.load(sys.argv[1])
port, factor, output = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.answer(200, {"status": "ok"})

    def do_POST(self):
        split = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["dataframe_split"]
        frame = pd.DataFrame(split["data"], columns=split["columns"])
        frame["hue"] = frame["hue"] * factor
        found = model.predict_proba(frame) if output == "proba" else model.predict(frame)
        self.answer(200, {"predictions": found.tolist()})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parity")
    (folder / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    subprocess.run([mlflow_python(), "-c", textwrap.dedent(MAKE_MODEL)], cwd=folder, check=True,
                   timeout=300, env=user_environ())
    return folder


@contextmanager
def serving(folder: Path, factor: float, output: str) -> Iterator[str]:
    port = free_port()
    args = [mlflow_python(), str(folder / "app.py"), str(folder / "model.joblib"), str(port), str(factor),
            output]
    with process(args, user_environ(), folder, folder / f"app-{port}.log"):
        yield f"http://127.0.0.1:{port}"


def run_endpoint(folder: Path, url: str, entry: dict[str, Any] | None = None,
                 **parity: Any) -> list[CheckResult]:
    body = {"version": 1, "contracts": CONTRACT, "endpoint": {
        "url": url, "protocol": "mlflow", "contract": "wine", "requests": 0,
        "health": {"path": "/health", "timeout": "120s"},
        "parity": {"model": "model.joblib", "python": mlflow_python(), "rows": 200, **parity},
        **(entry or {})}}
    config = write_config(folder, yaml.safe_dump(body, sort_keys=False))
    return run_check(config, "endpoint", environ=user_environ())


def run_parity(folder: Path, url: str, **parity: Any) -> CheckResult:
    return by_id(run_endpoint(folder, url, **parity), "endpoint.parity")


def test_a_feature_scaled_differently_when_served_fails_naming_the_rows(model_folder: Path) -> None:
    with serving(model_folder, 10.0, "proba") as url:
        parity = run_parity(model_folder, url)
    assert parity.status is Status.FAIL, parity.to_dict()
    assert parity.metrics["compared"] == "predict_proba" and parity.metrics["rows"] == 200
    differing = parity.metrics["mismatches"]
    assert differing > 100, parity.metrics  # every probability moves, not only the classes
    assert f"{differing} of 200 rows differ from the offline model's predict_proba" in parity.summary
    first = parity.evidence["mismatches"][0]
    assert f"rows {first['row']}, " in parity.summary
    assert set(first) == {"row", "input", "offline", "served"} and set(first["input"]) == {
        "alcohol", "malic_acid", "hue"}
    assert len(first["offline"]) == len(first["served"]) == 3


def test_the_twin_that_scales_like_training_passes(model_folder: Path) -> None:
    with serving(model_folder, 1.0, "proba") as url:
        results = run_endpoint(model_folder, url, {"malformed": {"max_rows": 64, "allow": ["empty_rows"]}})
    parity = by_id(results, "endpoint.parity")
    assert parity.status is Status.PASS, parity.to_dict()
    assert parity.metrics["mismatches"] == 0 and parity.metrics["compared"] == "predict_proba"
    assert "0 rows differ" in parity.summary
    # the 200 rows went in batches of at most max_rows: 4 requests, after predict's one
    assert by_id(results, "endpoint.errors").metrics["requests"] == 5


def test_classes_only_still_counts_the_rows_that_differ_and_says_the_test_is_weak(model_folder: Path) -> None:
    with serving(model_folder, 10.0, "classes") as url:
        parity = run_parity(model_folder, url)
    assert parity.metrics["compared"] == "predict"
    assert "weak test of skew" in parity.details
    if parity.metrics["mismatches"]:
        assert parity.status is Status.FAIL and "exactly, as classes" in parity.summary
    else:
        assert parity.status is Status.PASS and "0 rows differ" in parity.summary


def test_a_missing_offline_model_fails_without_a_request_to_the_model(model_folder: Path) -> None:
    with serving(model_folder, 1.0, "proba") as url:
        parity = run_parity(model_folder, url, model="absent.joblib")
    assert parity.status is Status.FAIL and "absent.joblib does not exist" in parity.summary
