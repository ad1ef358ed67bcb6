"""The gates against real model servers (each in its own cached venv, started once per session):
MLflow 3.17 with `malformed: {allow: [empty_rows]}` and MLServer 1.7.1 with a baseline made by
`mlsmoke baseline` are green, and a new fault on top of either is red, naming only the new one;
endpoint.metrics on MLServer's own metrics port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import by_id, cli_in_process, run_check, write_config
from real_servers import CONTRACT, MLServer

from checker.results.model import CheckResult, Status

pytestmark = pytest.mark.slow

OUTPUT = {"type": "int", "allowed": [0, 1, 2]}
WRONG_OUTPUT = {"type": "int", "allowed": [0, 1]}  # both servers predict 2 for alcohol > 13
SENT = 1 + 10  # endpoint.predict's request and the latency run's


def write(tmp_path: Path, **endpoint: Any) -> Path:
    body = {"version": 1, "contracts": CONTRACT, "endpoint": {
        "contract": "wine", "rows": 5, "requests": 10, "concurrency": 2,
        "health": {"timeout": "120s"}, "response": {"output": OUTPUT}, **endpoint}}
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def run(tmp_path: Path) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any]]:
    """`mlsmoke run` in tmp_path: its exit code, its checks by id and results.json."""
    done = cli_in_process("run", "--no-publish", cwd=tmp_path)
    data = json.loads((tmp_path / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
    return done.returncode, {c["id"]: c for c in data["checks"] if c["id"].startswith("endpoint.")}, data


def verdicts(malformed: dict[str, Any]) -> dict[str, str]:
    return {p["id"]: p["verdict"] for p in malformed["evidence"]["probes"]}


MLFLOW_PROBES = {"missing_column": "pass", "wrong_type": "warn", "empty_body": "pass", "invalid_json": "warn",
                 "wrong_content_type": "pass", "empty_rows": "warn"}


def mlflow(tmp_path: Path, url: str, **endpoint: Any) -> Path:
    return write(tmp_path, **{"name": "mlflow", "url": url, "protocol": "mlflow",
                               "malformed": {"allow": ["empty_rows"]}, **endpoint})


def test_mlflow_with_its_known_fault_allowed_is_green(tmp_path: Path, mlflow_url: str) -> None:
    mlflow(tmp_path, mlflow_url)
    code, checks, _ = run(tmp_path)
    assert code == 0, {k: (c["status"], c["summary"]) for k, c in checks.items()}
    assert {k: c["status"] for k, c in checks.items()} == {
        "endpoint.health": "pass", "endpoint.predict": "pass", "endpoint.latency": "pass",
        "endpoint.malformed": "warn", "endpoint.errors": "pass"}
    malformed = checks["endpoint.malformed"]
    # the empty row list still gets a 400 carrying a `stack_trace`: allowed, so a warning; the
    # wrong type and invalid JSON answers echo the submitted values (warnings of their own)
    assert verdicts(malformed) == MLFLOW_PROBES
    empty = next(p for p in malformed["evidence"]["probes"] if p["id"] == "empty_rows")
    assert empty["reason"].endswith("(allowed by malformed.allow)")
    evidence = malformed["evidence"]
    assert (evidence["allowed"], evidence["no_longer_needed"]) == (["empty_rows"], [])


def test_mlflow_a_wrong_prediction_on_top_of_the_allowed_fault_is_red(tmp_path: Path,
                                                                      mlflow_url: str) -> None:
    mlflow(tmp_path, mlflow_url, response={"output": WRONG_OUTPUT})
    code, checks, _ = run(tmp_path)
    assert code == 1
    assert [k for k, c in checks.items() if c["status"] == "fail"] == ["endpoint.predict"]
    assert "break response.output: not one of [0, 1]" in checks["endpoint.predict"]["summary"]
    assert verdicts(checks["endpoint.malformed"]) == MLFLOW_PROBES


def test_mlflow_a_probe_not_allowed_is_red(tmp_path: Path, mlflow_url: str) -> None:
    mlflow(tmp_path, mlflow_url, malformed={"allow": ["empty_rows"], "max_rows": 1000})
    code, checks, _ = run(tmp_path)
    assert code == 1
    malformed = checks["endpoint.malformed"]
    assert malformed["status"] == "fail"
    assert verdicts(malformed) == {**MLFLOW_PROBES, "too_many_rows": "fail"}
    assert [k for k, c in checks.items() if c["status"] == "fail"] == ["endpoint.malformed"]


def mlserver_config(tmp_path: Path, server: MLServer, **endpoint: Any) -> Path:
    return write(tmp_path, **{"name": "mlserver", "url": server.url, "protocol": "kserve-v2", "model": "wine",
                               "malformed": True, **endpoint})


# MLServer's scikit-learn runtime answers a mis-shaped or mistyped tensor with a 500
MLSERVER_FAILING = ["empty row list", "missing column", "wrong type"]


def test_mlserver_with_a_baseline_is_green_and_a_new_fault_is_red(tmp_path: Path, mlserver: MLServer) -> None:
    mlserver_config(tmp_path, mlserver)
    code, checks, _ = run(tmp_path)
    assert code == 1 and [k for k, c in checks.items() if c["status"] == "fail"] == ["endpoint.malformed"]
    assert cli_in_process("baseline", cwd=tmp_path).returncode == 0
    entries = json.loads((tmp_path / ".mlsmoke" / "baseline.json").read_text())["entries"]
    assert [(e["check"], e["subject"], e["fingerprint"]) for e in entries] == [
        ("endpoint.malformed", "mlserver", {"probes": MLSERVER_FAILING})]

    code, checks, data = run(tmp_path)
    assert code == 0, {k: (c["status"], c["summary"]) for k, c in checks.items()}
    assert checks["endpoint.malformed"]["baseline"] == "known"
    assert {k: v for k, v in data["baseline"].items() if k != "file"} == {
        "known": 1, "new": 0, "fixed": [], "stale": []}

    mlserver_config(tmp_path, mlserver, response={"output": WRONG_OUTPUT})  # a new fault on top
    code, checks, data = run(tmp_path)
    assert code == 1
    assert {k: c.get("baseline") for k, c in checks.items() if c["status"] == "fail"} == {
        "endpoint.predict": "new", "endpoint.malformed": "known"}
    assert (data["baseline"]["known"], data["baseline"]["new"]) == (1, 1)

    mlserver_config(tmp_path, mlserver, malformed={"max_rows": 1000})  # one more probe fails: new
    code, checks, data = run(tmp_path)
    assert code == 1
    assert checks["endpoint.malformed"]["baseline"] == "new"
    assert {p["probe"] for p in checks["endpoint.malformed"]["evidence"]["probes"]
            if p["verdict"] == "fail"} == {*MLSERVER_FAILING, "oversized batch"}


def mlserver_metrics(tmp_path: Path, server: MLServer, model: str, metrics: dict[str, Any]) -> CheckResult:
    config = write(tmp_path, url=server.url, protocol="kserve-v2", model=model, malformed=True,
                   metrics={"url": server.metrics_url, **metrics})
    results = run_check(config, "endpoint")
    assert by_id(results, "endpoint.predict").status is Status.PASS
    return by_id(results, "endpoint.metrics")


def test_mlserver_metrics_count_the_predictions_and_the_provoked_errors(tmp_path: Path,
                                                                        mlserver: MLServer) -> None:
    result = mlserver_metrics(tmp_path, mlserver, "fresh", {
        "require": ["model_infer_request_success_total", "rest_server_requests_total"],
        "requests": "model_infer_request_success_total", "errors": "model_infer_request_failure_total",
        "labels": {"model": "fresh"}})
    assert result.status is Status.PASS, result.to_dict()
    # `fresh` had no inference before: its labelled counters were absent, counted as 0
    assert result.evidence["requests"] == {"series": "model_infer_request_success_total", "before": 0,
                                           "after": SENT, "grew": SENT, "expected_growth_at_least": SENT}
    errors = result.evidence["errors"]
    assert (errors["before"], errors["provoked"]) == (0, {"malformed_probes": 6, "failed_predictions": 0})
    assert errors["after"] == errors["grew"] == MLSERVER_ERRORS_COUNTED, errors


# MLServer's failure counter counts the probes that reach the model and fail there: the three
# answered with a 500 (MLSERVER_FAILING); its 422s (empty body, invalid JSON, wrong content type)
# are refused by request validation before any model runs
MLSERVER_ERRORS_COUNTED = len(MLSERVER_FAILING)


def test_mlserver_metrics_a_missing_series_and_a_label_filter_matching_nothing_fail(
        tmp_path: Path, mlserver: MLServer) -> None:
    result = mlserver_metrics(tmp_path, mlserver, "wine", {
        "require": ["model_infer_request_success_total", "model_load_seconds"],
        "requests": "model_infer_request_success_total", "labels": {"model": "wine", "version": "1"}})
    assert result.status is Status.FAIL
    # MLServer labels an unversioned model version="None"
    assert result.summary == (
        "required series missing after the run: model_load_seconds; "
        f'model_infer_request_success_total{{model="wine",version="1"}} is not on the metrics page after '
        f"{SENT} prediction requests")
