"""Real model servers from other projects, for the endpoint tests: the MLflow scoring server
and Seldon MLServer (scikit-learn runtime, V2 protocol), each from its own cached venv
(tests/venvs.py), serving a small scikit-learn model trained inside that venv."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from venvs import ensure_venv, venv_env

FEATURES = ("alcohol", "malic_acid", "hue")
CONTRACT = {"wine": {"columns": {
    "wine_id": {"type": "int", "unique": True, "role": "id"},
    "alcohol": {"type": "float", "min": 10, "max": 15},
    "malic_acid": {"type": "float", "min": 0.5, "max": 6.5},
    "hue": {"type": "float", "min": 0.4, "max": 1.8},
    "cultivar": {"type": "int", "allowed": [0, 1, 2], "role": "target"},
}}}

# Trains on the rule the tests know: cultivar 2 when alcohol > 13, else 0.
TRAIN = textwrap.dedent("""
    import sys
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"alcohol": rng.uniform(10, 15, 300), "malic_acid": rng.uniform(0.5, 6.5, 300),
                      "hue": rng.uniform(0.4, 1.8, 300)})
    y = np.where(X["alcohol"] > 13, 2, 0)
    model = LogisticRegression(max_iter=1000).fit(X.values if sys.argv[1] == "mlserver" else X, y)
    out = sys.argv[2]
    if sys.argv[1] == "mlflow":
        import mlflow.sklearn
        from mlflow.models import infer_signature
        mlflow.sklearn.save_model(model, out, signature=infer_signature(X, y))
    else:
        import joblib, os
        os.makedirs(out, exist_ok=True)
        joblib.dump(model, os.path.join(out, "model.joblib"))
""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def train(kind: str, out: Path) -> Path:
    venv = ensure_venv(kind)
    done = subprocess.run([str(venv / "bin" / "python"), "-c", TRAIN, kind, str(out)],
                          env=venv_env(venv), timeout=300, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"training the {kind} model failed:\n{done.stderr[-3000:]}")
    return out


@contextmanager
def process(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as output:
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def mlflow_server(workdir: Path) -> Iterator[str]:
    """`mlflow models serve --env-manager local` on a free port; yields its base URL."""
    model = train("mlflow", workdir / "mlflow-model")
    with mlflow_serving(str(model), workdir, f"file://{workdir}/mlruns") as url:
        yield url


@contextmanager
def mlflow_serving(model_uri: str, workdir: Path, tracking_uri: str) -> Iterator[str]:
    """`mlflow models serve -m MODEL_URI` (a folder, or `models:/name@alias` from `tracking_uri`);
    yields its base URL. The venv's bin comes first on PATH: mlflow execs `uvicorn` by name."""
    venv = ensure_venv("mlflow")
    port = free_port()
    env = venv_env(venv) | {"MLFLOW_TRACKING_URI": tracking_uri, "MLFLOW_DISABLE_TELEMETRY": "true"}
    args = [str(venv / "bin" / "mlflow"), "models", "serve", "-m", model_uri, "--env-manager", "local",
            "-h", "127.0.0.1", "-p", str(port), "-w", "1"]
    with process(args, env, workdir, workdir / f"mlflow-serve-{port}.log"):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def mlflow_tracking_server(workdir: Path) -> Iterator[str]:
    """`mlflow server` with a SQLite backend and a local artifact root, one worker, on a free
    port of 127.0.0.1; yields its URL once /health answers (bounded: 180 s)."""
    import time
    import urllib.request

    venv = ensure_venv("mlflow")
    port = free_port()
    args = [str(venv / "bin" / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{workdir}/mlflow.db",
            "--default-artifact-root", str(workdir / "artifacts"), "-h", "127.0.0.1", "-p", str(port),
            "--workers", "1"]
    url = f"http://127.0.0.1:{port}"
    # no job executor: MLflow 3 starts seven huey consumer processes for server-side jobs otherwise
    env = venv_env(venv) | {"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    with process(args, env, workdir, workdir / "mlflow-server.log") as proc:
        until = time.monotonic() + 180
        while time.monotonic() < until and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            log = (workdir / "mlflow-server.log").read_text()[-3000:]
            raise RuntimeError(f"mlflow server did not come up:\n{log}")
        yield url


@dataclass(frozen=True)
class MLServer:
    url: str  # the V2 REST API
    metrics_url: str  # its Prometheus page, on the separate metrics_port


# `wine` and `fresh` serve the same model; `fresh` is for the tests that need a model nothing
# has called yet (MLServer's labelled counters appear only after a model's first inference).
MLSERVER_MODELS = ("wine", "fresh")


@contextmanager
def mlserver_instance(workdir: Path) -> Iterator[MLServer]:
    """`mlserver start` with the scikit-learn models MLSERVER_MODELS."""
    venv = ensure_venv("mlserver")
    folder = workdir / "mlserver"
    train("mlserver", folder / "wine")
    port, metrics_port = free_port(), free_port()
    (folder / "settings.json").write_text(json.dumps({
        "host": "127.0.0.1", "http_port": port, "grpc_port": free_port(), "metrics_port": metrics_port,
        "parallel_workers": 0, "debug": False}))
    for name in MLSERVER_MODELS:
        (folder / name).mkdir(exist_ok=True)
        if name != "wine":
            shutil.copy(folder / "wine" / "model.joblib", folder / name / "model.joblib")
        (folder / name / "model-settings.json").write_text(json.dumps({
            "name": name, "implementation": "mlserver_sklearn.SKLearnModel",
            "parameters": {"uri": "./model.joblib"}}))
    args = [str(venv / "bin" / "mlserver"), "start", str(folder)]
    with process(args, venv_env(venv), folder, workdir / "mlserver.log"):
        yield MLServer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}/metrics")

