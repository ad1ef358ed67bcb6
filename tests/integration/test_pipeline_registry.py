"""pipeline.registry against a real MLflow tracking server (`mlflow server`, SQLite backend, a
local artifact root, one worker, on 127.0.0.1) from the cached MLflow venv, which is also the
user's interpreter: the pipeline trains there and the round trip runs there. Then
endpoint.parity against real MLflow serving the registered model (`mlflow models serve -m
models:/wine@candidate`), with `model: "{pipeline}"`: the pipeline trains it again in the same
run and the served predictions must be its own."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from helpers import by_id, run_check, run_report
from real_servers import free_port, mlflow_serving, mlflow_tracking_server
from registry_project import CONSTANT, project, user_environ
from user_env import user_venv

from checker.results.model import CheckResult, Status

pytestmark = pytest.mark.slow

TOKEN = "mlflow-test-token-5d41402abc4b2a76"  # sent by the MLflow client, never reported


@pytest.fixture(scope="module")
def tracking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with mlflow_tracking_server(tmp_path_factory.mktemp("tracking")) as url:
        yield url


def environ() -> dict[str, str]:
    return {**user_environ(), "MLFLOW_TRACKING_TOKEN": TOKEN}


def registry_result(folder: Path, **kwargs: object) -> tuple[CheckResult, Path]:
    config = project(folder, **kwargs)  # type: ignore[arg-type]
    out = folder / "mlsmoke-out"
    result = by_id(run_check(config, "pipeline", environ=environ(), out_dir=out), "pipeline.registry")
    return result, out


def assert_no_token(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.fixture(scope="module")
def registered(tracking: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckResult, Path]:
    """The forest project's model registered as models:/wine@candidate."""
    return registry_result(tmp_path_factory.mktemp("forest"),
                           registry={"tracking_uri": tracking, "name": "wine", "alias": "candidate"})


def test_a_trained_model_is_registered_reloaded_by_alias_and_equal(
        registered: tuple[CheckResult, Path]) -> None:
    result, out = registered
    assert result.status is Status.PASS, result.to_dict()
    assert result.subject == "models:/wine@candidate"
    assert result.metrics["version"] == result.metrics["alias_version"] == "1"
    assert len(result.metrics["run_id"]) == 32 and result.metrics["rows"] == 40
    assert result.evidence["source"].startswith("models:/m-")  # MLflow 3: a logged model, not a run path
    assert f"run {result.metrics['run_id']}" in result.summary
    assert_no_token(out)


@contextmanager
def alias_swallowing_proxy(upstream: str) -> Iterator[str]:
    """The tracking server behind a proxy that answers 'alias set' without setting it: as if
    another writer kept the alias on its own version."""

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.forward()

        def do_POST(self) -> None:
            if self.path.endswith("/registered-models/alias"):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                return self.reply(200, b"{}", "application/json")
            self.forward()

        def do_PATCH(self) -> None:
            self.forward()

        def forward(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("content-type", "authorization")}
            request = urllib.request.Request(upstream + self.path, data=body, headers=headers,
                                             method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    self.reply(answer.status, answer.read(), answer.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as exc:
                self.reply(exc.code, exc.read(), exc.headers.get("Content-Type", ""))

        def reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_different_model_under_the_alias_fails_with_the_rows(tracking: str, tmp_path: Path) -> None:
    first, _ = registry_result(tmp_path / "constant", model=CONSTANT,
                               registry={"tracking_uri": tracking, "name": "wine-swap"})
    assert first.status is Status.PASS and first.metrics["version"] == "1", first.to_dict()
    with alias_swallowing_proxy(tracking) as proxied:
        result, out = registry_result(tmp_path / "forest",
                                      registry={"tracking_uri": proxied, "name": "wine-swap"})
    assert result.status is Status.FAIL, result.to_dict()
    assert result.metrics["version"] == "2" and result.metrics["alias_version"] == "1"
    assert ("models:/wine-swap@candidate resolves to version 1, not version 2 registered by this run"
            in result.summary)
    assert "the reloaded model disagrees with the model file on" in result.summary
    mismatch = result.evidence["mismatches"][0]
    assert set(mismatch) == {"row", "local", "registry"} and mismatch["registry"] == 1
    assert_no_token(out)


def test_a_dead_tracking_server_fails_in_bounded_time(tmp_path: Path) -> None:
    result, out = registry_result(tmp_path, registry={"tracking_uri": f"http://127.0.0.1:{free_port()}",
                                                      "name": "wine"})
    assert result.status is Status.FAIL, result.to_dict()
    assert result.summary.startswith("failed while logging the model to the tracking server: "), \
        result.summary
    assert result.duration_s < 150  # MLflow alone retries for about 4 minutes
    assert result.evidence["step"] == "log" and "traceback" in result.evidence
    assert_no_token(out)


def test_without_mlflow_in_the_users_environment_the_cause_is_named(tmp_path: Path) -> None:
    python = str(user_venv() / "bin" / "python")  # the example's requirements: no mlflow
    result, _ = registry_result(tmp_path, python=python,
                                registry={"tracking_uri": "http://127.0.0.1:9", "name": "wine"})
    assert result.status is Status.FAIL
    assert result.summary == (f"the user's environment ({python}) has no module 'mlflow': install mlflow "
                              "there (setup or requirements) for pipeline.registry")


def test_parity_against_real_mlflow_serving_the_pipelines_model(
        registered: tuple[CheckResult, Path], tracking: str, tmp_path: Path) -> None:
    assert registered[0].status is Status.PASS
    with mlflow_serving("models:/wine@candidate", tmp_path, tracking) as url:
        config = project(tmp_path / "project", endpoint={
            "url": url, "protocol": "mlflow", "contract": "wine", "requests": 0,
            "health": {"path": "/health", "timeout": "240s"}, "parity": {"model": "{pipeline}"}})
        report = run_report(config, environ=environ())
    parity = by_id(report.checks, "endpoint.parity")
    assert parity.status is Status.PASS, parity.to_dict()
    assert parity.metrics == {"rows": 100, "mismatches": 0, "compared": "predict", "tolerance": 1e-6}
    assert "weak test of skew" in parity.details
    results = json.loads((tmp_path / "project" / "mlsmoke-out" / "results.json").read_text())
    assert {c["id"] for c in results["checks"]} >= {"pipeline.model_load", "endpoint.parity"}
