"""The first endpoint configs a new user writes, against a real server on 127.0.0.1: one `url:`
and nothing else, then a contract, then a protocol; none of them has a latency budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_model_server import Behavior, serving
from helpers import run_check, write_config
from real_servers import CONTRACT, FEATURES

from checker.results.model import Status

MODEL_CHECKS = ("endpoint.health", "endpoint.predict", "endpoint.latency", "endpoint.errors")
FIRST_CONFIGS = {
    "url only": ({}, ("endpoint.health",)),
    "url and contract": ({"contract": "wine"}, MODEL_CHECKS),
    "url and protocol": ({"contract": "wine", "protocol": "tfserving", "model": "wine"}, MODEL_CHECKS),
}


def run_first(tmp_path: Path, url: str, extra: dict[str, Any]) -> dict[str, Status]:
    body = {"version": 1, "contracts": CONTRACT, "endpoint": {"url": url, **extra}}
    config = write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))
    results = run_check(config, "endpoint", environ={})
    return {r.id: r.status for r in results}


@pytest.mark.parametrize("name", list(FIRST_CONFIGS))
def test_a_first_config_runs_every_check_and_passes(tmp_path: Path, name: str) -> None:
    extra, checks = FIRST_CONFIGS[name]
    with serving(Behavior(columns=FEATURES)) as url:
        statuses = run_first(tmp_path, url, extra)
    assert statuses == {check: Status.PASS for check in checks}


@pytest.mark.parametrize("name", list(FIRST_CONFIGS)[1:])
def test_a_first_config_against_a_failing_model_fails_instead_of_crashing(tmp_path: Path, name: str) -> None:
    extra, _ = FIRST_CONFIGS[name]
    with serving(Behavior(columns=FEATURES, redirect_to="http://elsewhere.invalid")) as url:
        statuses = run_first(tmp_path, url, extra)
    assert statuses == {"endpoint.health": Status.PASS, "endpoint.predict": Status.FAIL,
                        "endpoint.latency": Status.FAIL, "endpoint.errors": Status.FAIL}


def test_a_first_config_against_nothing_fails_health(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES)) as url:
        pass  # the port is free again
    statuses = run_first(tmp_path, url, {"health": {"timeout": "1s"}})
    assert statuses == {"endpoint.health": Status.FAIL}


def _health_against_a_static_site(tmp_path: Path, health: dict[str, str]) -> str:
    """endpoint.health's summary for a first config against a real web server with no /health."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from fake_model_server import running

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>a model service without a health route</p>")
    with running(ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))) as url:
        body = {"version": 1, "endpoint": {"url": url, "health": {"timeout": "1s", **health}}}
        results = run_check(write_config(tmp_path, yaml.safe_dump(body, sort_keys=False)), "endpoint",
                            environ={})
    [result] = results
    assert result.id == "endpoint.health" and result.status is Status.FAIL
    return result.summary


def test_a_404_at_the_default_health_path_says_to_set_health_path(tmp_path: Path) -> None:
    summary = _health_against_a_static_site(tmp_path, {})
    assert summary.endswith("/health → HTTP 404 (/health is mlsmoke's default for the mlflow protocol:"
                            " set endpoint.health.path to the service's health route)")


def test_a_404_at_a_health_path_the_config_names_gives_no_such_advice(tmp_path: Path) -> None:
    summary = _health_against_a_static_site(tmp_path, {"path": "/ping"})
    assert summary.endswith("/ping → HTTP 404")
