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
