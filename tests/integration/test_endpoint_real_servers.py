"""endpoint.* against real model servers from other projects: the MLflow scoring server and
Seldon MLServer (scikit-learn runtime, V2 protocol), each installed into its own cached venv
(the first run builds them: about 1.5 min for mlflow and 1 min for mlserver on 2 cores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import by_id, run_check, write_config
from real_servers import CONTRACT, FEATURES, MLServer

from checker.results.model import CheckResult, Status

pytestmark = pytest.mark.slow

assert tuple(c for c in CONTRACT["wine"]["columns"] if c in FEATURES) == FEATURES


@pytest.fixture
def mlserver_url(mlserver: MLServer) -> str:
    return mlserver.url


def run(tmp_path: Path, **endpoint: object) -> list[CheckResult]:
    body = {"version": 1, "contracts": CONTRACT, "endpoint": {
        "contract": "wine", "rows": 5, "requests": 40, "concurrency": 4,
        "health": {"timeout": "120s"} | dict(endpoint.pop("health", {})),  # type: ignore[arg-type]
        "latency": {"p95_ms": 2000},
        "response": {"output": {"type": "int", "allowed": [0, 1, 2]}}, "malformed": {"max_rows": 1000},
        **endpoint}}
    return run_check(write_config(tmp_path, yaml.safe_dump(body, sort_keys=False)), "endpoint")


def probe_verdicts(malformed: CheckResult) -> dict[str, str]:
    return {p["probe"]: p["verdict"] for p in malformed.evidence["probes"]}


def test_mlflow_scoring_server(tmp_path: Path, mlflow_url: str) -> None:
    results = run(tmp_path, url=mlflow_url, protocol="mlflow")
    for check in ("endpoint.health", "endpoint.predict", "endpoint.latency", "endpoint.errors"):
        assert by_id(results, check).status is Status.PASS, by_id(results, check).to_dict()
    assert by_id(results, "endpoint.latency").metrics["requests"] == 40
    # MLflow 3.17 answers an empty batch with a 400 whose body carries `stack_trace` (a Python
    # traceback), and echoes the submitted values in its errors: real findings.
    malformed = by_id(results, "endpoint.malformed")
    assert malformed.status is Status.FAIL
    assert probe_verdicts(malformed) == {
        "missing column": "pass", "wrong type": "warn", "empty body": "pass", "invalid JSON": "warn",
        "wrong content type": "pass", "empty row list": "fail", "oversized batch": "fail"}, malformed.evidence
    assert "empty row list: HTTP 400, but the body carries a Python traceback" in malformed.summary


def test_mlflow_predictions_outside_the_output_spec_fail(tmp_path: Path, mlflow_url: str) -> None:
    results = run(tmp_path, url=mlflow_url, protocol="mlflow", requests=0, malformed=False,
                  response={"output": {"type": "int", "allowed": [0, 1]}})
    predict = by_id(results, "endpoint.predict")
    assert predict.status is Status.FAIL
    assert "break response.output: not one of [0, 1]" in predict.summary


def test_mlserver_v2_protocol(tmp_path: Path, mlserver_url: str) -> None:
    results = run(tmp_path, url=mlserver_url, protocol="kserve-v2", model="wine")
    for check in ("endpoint.health", "endpoint.predict", "endpoint.latency", "endpoint.errors"):
        assert by_id(results, check).status is Status.PASS, by_id(results, check).to_dict()
    health = by_id(results, "endpoint.health")
    assert [a["url"].split("/", 3)[3] for a in health.evidence["attempts"][-3:]] == [
        "v2/health/ready", "v2/models/wine/ready", "v2/models/wine"]
    predict = by_id(results, "endpoint.predict")
    assert predict.metrics["predictions"] == 5
    # MLServer's scikit-learn runtime turns a mis-shaped or mistyped tensor into a 500.
    malformed = by_id(results, "endpoint.malformed")
    assert malformed.status is Status.FAIL
    assert probe_verdicts(malformed) == {
        "missing column": "fail", "wrong type": "fail", "empty body": "pass", "invalid JSON": "pass",
        "wrong content type": "warn", "empty row list": "fail", "oversized batch": "fail"}, malformed.evidence
    assert "missing column, wrong type, empty row list: HTTP 500: a server error instead of a 4xx" \
        in malformed.summary


def test_mlserver_unknown_model_is_not_healthy(tmp_path: Path, mlserver_url: str) -> None:
    results = run(tmp_path, url=mlserver_url, protocol="kserve-v2", model="no-such-model",
                  health={"timeout": "2s"})
    health = by_id(results, "endpoint.health")
    assert health.status is Status.FAIL
    assert "v2/models/no-such-model/ready" in health.summary
    # MLServer 1.7.1 answers /v2/health/ready with 200 and the unknown model's readiness with a 404
    assert health.summary.startswith(
        f"server is up, model no-such-model is not loaded/ready: {mlserver_url}/v2/models/no-such-model/ready"
        " → HTTP 404 (retried for 2s)"), health.summary
    assert (health.evidence["server"], health.evidence["model"]) == ("up", "not loaded/ready")
    assert 'Model no-such-model not found' in health.evidence["last_response"]["body"]
    assert by_id(results, "endpoint.predict").status is Status.SKIP
    assert json.dumps([r.to_dict() for r in results])
