"""endpoint.health for kserve-v2: the model's readiness and metadata must answer after the
server's, whatever health.path says; "server is up, model wine is not loaded/ready" is told
apart from a server that is down or not ready."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fake_model_server import Behavior, serving
from helpers import by_id, run_check, write_config
from real_servers import free_port

from checker.results.model import CheckResult, Status

NOT_LOADED = "server is up, model wine is not loaded/ready: "


def health(tmp_path: Path, url: str, **entry: object) -> CheckResult:
    body = {"version": 1, "endpoint": {"url": url, "protocol": "kserve-v2", "model": "wine",
                                       "health": {"timeout": "1s"} | dict(entry.pop("health", {})),  # type: ignore[arg-type]
                                       **entry}}
    return by_id(run_check(write_config(tmp_path, yaml.safe_dump(body)), "endpoint"), "endpoint.health")


def paths(result: CheckResult) -> list[str]:
    return ["/" + attempt["url"].split("/", 3)[3] for attempt in result.evidence["attempts"]]


def test_a_ready_server_with_its_model_ready_passes(tmp_path: Path) -> None:
    with serving(Behavior()) as url:
        result = health(tmp_path, url)
    assert result.status is Status.PASS, result.to_dict()
    assert paths(result) == ["/v2/health/ready", "/v2/models/wine/ready", "/v2/models/wine"]


@pytest.mark.parametrize(("state", "said"), [
    ("absent", "/v2/models/wine/ready → HTTP 404"),
    ("says_false", '/v2/models/wine/ready → HTTP 200, but the body says "ready": false'),
    ("no_metadata", "/v2/models/wine → HTTP 500"),
])
def test_a_ready_server_without_its_model_fails_saying_so(tmp_path: Path, state: str, said: str) -> None:
    with serving(Behavior(v2_model=state)) as url:
        result = health(tmp_path, url)
    assert result.status is Status.FAIL
    assert result.summary.startswith(NOT_LOADED), result.summary
    assert f"{said} (retried for 1s)" in result.summary
    assert (result.evidence["server"], result.evidence["model"]) == ("up", "not loaded/ready")


def test_health_path_does_not_drop_the_model_readiness(tmp_path: Path) -> None:
    with serving(Behavior(v2_model="absent")) as url:
        result = health(tmp_path, url, health={"path": "/health"})
    assert result.status is Status.FAIL
    assert result.summary.startswith(NOT_LOADED)
    assert paths(result)[:2] == ["/health", "/v2/models/wine/ready"]
    with serving(Behavior()) as url:
        ready = health(tmp_path, url, health={"path": "/health"})
    assert ready.status is Status.PASS
    assert paths(ready) == ["/health", "/v2/models/wine/ready", "/v2/models/wine"]


def test_a_model_that_finishes_loading_within_the_timeout_passes(tmp_path: Path) -> None:
    with serving(Behavior(v2_model="loading", model_ready_after_s=0.5)) as url:
        result = health(tmp_path, url, health={"timeout": "10s"})
    assert result.status is Status.PASS, result.to_dict()
    assert '"ready": false' in result.evidence["attempts"][1]["outcome"]


def test_a_server_that_is_down_is_not_a_model_problem(tmp_path: Path) -> None:
    result = health(tmp_path, f"http://127.0.0.1:{free_port()}")
    assert result.status is Status.FAIL
    assert result.summary.startswith("server is down: "), result.summary
    assert "/v2/health/ready → connection refused" in result.summary
    assert result.evidence["server"] == "down" and "model" not in result.evidence


def test_a_server_that_answers_not_ready_is_not_ready(tmp_path: Path) -> None:
    with serving(Behavior(unhealthy=True)) as url:
        result = health(tmp_path, url, health={"path": "/health"})
    assert result.status is Status.FAIL
    assert result.summary.startswith("server is not ready: "), result.summary
    assert "/health → HTTP 503" in result.summary and result.evidence["server"] == "not ready"


def test_other_protocols_keep_their_wording(tmp_path: Path) -> None:
    with serving(Behavior(unhealthy=True)) as url:
        body = {"version": 1, "endpoint": {"url": url, "health": {"timeout": "1s"}}}
        results = run_check(write_config(tmp_path, yaml.safe_dump(body)), "endpoint")
    result = by_id(results, "endpoint.health")
    assert result.summary.startswith("not healthy within 1s: ") and "server" not in result.evidence
