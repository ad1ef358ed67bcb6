"""endpoint.* against servers that misbehave on the wire (tests/misbehaving_server.py): each
fault ends in the right failed check within the deadline plus a small margin, the outputs are
written, and nothing secret reaches them. Runs `mlsmoke run` in-process, as a user does."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fake_model_server import Behavior, serving
from misbehaving_server import misbehaving
from real_servers import CONTRACT, FEATURES

from checker.checks.endpoint.load import LoadPlan, Post, drive
from checker.cli import main

SECRET = "s3cr3t-token-value-4242"
TIMEOUT_S, DEADLINE_S, MARGIN_S = 0.5, 8.0, 3.0
OUTPUTS = ("results.json", "report.md", "junit.xml")


def run_cli(tmp_path: Path, url: str, **overrides: Any) -> tuple[dict[str, Any], float]:
    """`mlsmoke run` on one endpoint entry; (results.json, seconds it took)."""
    endpoint = {"url": url, "headers": {"Authorization": "Bearer ${MODEL_TOKEN}"}, "contract": "wine",
                "rows": 2, "requests": 2, "concurrency": 1, "request_timeout": f"{TIMEOUT_S}s",
                "deadline": f"{DEADLINE_S}s", "health": {"timeout": "2s"}, "malformed": True, **overrides}
    config = tmp_path / "mlsmoke.yml"
    body = {"version": 1, "contracts": CONTRACT, "endpoint": endpoint}
    config.write_text(yaml.safe_dump(body, sort_keys=False))
    out = tmp_path / "out"
    started = time.monotonic()
    done = CliRunner().invoke(main, ["run", "--config", str(config), "--only", "endpoint", "--out", str(out),
                                     "--no-publish"],
                              env={"MODEL_TOKEN": SECRET, "GITHUB_ACTIONS": ""})
    took = time.monotonic() - started
    assert done.exit_code in (0, 1), done.output
    assert {p.name for p in out.iterdir()} >= set(OUTPUTS)
    for name in OUTPUTS:
        assert SECRET not in (out / name).read_text()
    assert SECRET not in done.output
    return json.loads((out / "results.json").read_text()), took


def check(results: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for c in results["checks"] if c["id"] == check_id)


FAULTS = {  # fault → (status of endpoint.predict, words in its summary)
    "stall_in_headers": ("fail", "stopped while reading the status line and headers"),
    "stall_in_body": ("fail", "stopped while reading the body"),
    "dribble": ("fail", "stopped while reading the body"),
    "infinite_chunked": ("fail", "larger than 1048576 bytes; mlsmoke read only the start"),
    "huge_body": ("fail", "larger than 1048576 bytes; mlsmoke read only the start"),
    "redirect_loop": ("fail", "more than 5 redirects"),
    "reset_mid_answer": ("fail", "connection failed"),
    "invalid_utf8": ("fail", "the response is not valid JSON"),
    "traceback_500": ("fail", "answered HTTP 500, expected 200"),
    "reflect_authorization": ("pass", "2 predictions for 2 rows"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_misbehaving_endpoint_fails_the_right_check_in_bounded_time(tmp_path: Path, fault: str) -> None:
    with misbehaving(fault) as (url, seen):
        results, took = run_cli(tmp_path, url)
    assert took < DEADLINE_S + MARGIN_S, f"{fault} took {took:.1f}s"
    status, words = FAULTS[fault]
    predict = check(results, "endpoint.predict")
    assert (predict["status"], words in predict["summary"]) == (status, True), predict
    assert check(results, "endpoint.health")["status"] == "pass"
    assert any(r["headers"].get("authorization") == f"Bearer {SECRET}" for r in seen)
    if status == "fail":
        assert results["status"] == "fail"


def test_a_reflected_authorization_header_is_redacted_in_the_evidence(tmp_path: Path) -> None:
    with misbehaving("reflect_authorization") as (url, _):
        results, _ = run_cli(tmp_path, url, malformed=False)
    body = check(results, "endpoint.predict")["evidence"]["response"]["body"]
    assert json.loads(body)["auth_seen"] == "***"


def test_a_traceback_in_a_500_is_shown_as_evidence(tmp_path: Path) -> None:
    with misbehaving("traceback_500") as (url, _):
        results, _ = run_cli(tmp_path, url)
    body = check(results, "endpoint.predict")["evidence"]["response"]["body"]
    assert "Traceback (most recent call last)" in body
    assert "HTTP 500: a server error" in check(results, "endpoint.malformed")["summary"]


def test_invalid_utf8_is_shown_with_replacement_characters(tmp_path: Path) -> None:
    with misbehaving("invalid_utf8") as (url, _):
        results, _ = run_cli(tmp_path, url, malformed=False)
    assert "\ufffd" in check(results, "endpoint.predict")["evidence"]["response"]["body"]


def test_the_deadline_stops_a_dribbling_endpoint_and_fails_what_is_left(tmp_path: Path) -> None:
    with misbehaving("dribble") as (url, _):
        results, took = run_cli(tmp_path, url, request_timeout="60s", deadline="6s")
    assert took < 6 + MARGIN_S
    predict = check(results, "endpoint.predict")
    assert predict["status"] == "fail"
    assert ("(what was left of the endpoint checks' deadline), stopped while reading the body"
            in predict["summary"])
    for check_id in ("endpoint.latency", "endpoint.malformed"):
        left = check(results, check_id)
        assert left["status"] == "fail"
        assert left["summary"] == "not run: the endpoint deadline (6s) ran out during endpoint.predict"
    assert check(results, "endpoint.errors")["status"] == "fail"


def test_a_well_behaved_endpoint_passes_with_the_same_config(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, max_rows=10)) as url:
        results, took = run_cli(tmp_path, url)
    assert {c["id"]: c["status"] for c in results["checks"]} == {check_id: "pass" for check_id in (
        "endpoint.health", "endpoint.predict", "endpoint.latency", "endpoint.malformed", "endpoint.errors")}
    assert took < DEADLINE_S + MARGIN_S


@pytest.mark.parametrize("where", ["config", "--staging-url"])
def test_credentials_in_the_url_are_a_usage_error_that_never_echoes_them(tmp_path: Path, where: str) -> None:
    with serving(Behavior(columns=FEATURES, max_rows=10)) as url:
        with_credentials = url.replace("http://", f"http://ci:{SECRET}@")
        config = tmp_path / "mlsmoke.yml"
        endpoint = {"url": with_credentials if where == "config" else url, "contract": "wine"}
        config.write_text(yaml.safe_dump({"version": 1, "contracts": CONTRACT, "endpoint": endpoint},
                                         sort_keys=False))
        staging = ["--staging-url", with_credentials] if where == "--staging-url" else []
        done = CliRunner().invoke(main, ["run", "--config", str(config), "--out", str(tmp_path / "out"),
                                         "--no-publish", *staging], env={"GITHUB_ACTIONS": ""})
    assert done.exit_code == 2, done.output
    assert "must not carry credentials" in done.output
    assert SECRET not in done.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("fault", ["stall_in_headers", "stall_in_body", "dribble"])
def test_the_health_check_is_capped_the_same_way(tmp_path: Path, fault: str) -> None:
    with misbehaving(fault, on_get=True) as (url, _):
        results, took = run_cli(tmp_path, url, health={"timeout": "1s"})
    assert took < 1 + TIMEOUT_S + MARGIN_S
    health = check(results, "endpoint.health")
    assert health["status"] == "fail"
    assert "not healthy within 1s" in health["summary"]
    assert check(results, "endpoint.predict")["status"] == "skip"


@pytest.mark.parametrize("fault", ["stall_in_headers", "stall_in_body", "dribble"])
def test_the_latency_driver_caps_each_request_by_the_wall_clock(fault: str) -> None:
    with misbehaving(fault) as (url, _):
        started = time.monotonic()
        measured = drive(Post(f"{url}/invocations", b"{}"), LoadPlan(3, concurrency=1, timeout=TIMEOUT_S))
        took = time.monotonic() - started
    assert took < 3 * TIMEOUT_S + 1.0
    assert measured.statuses == {f"no answer within {TIMEOUT_S:.1f}s (timed out)": 3}


def test_a_header_value_with_a_line_break_is_a_config_error_and_never_sent(tmp_path: Path) -> None:
    with misbehaving("reflect_authorization") as (url, seen):
        config = tmp_path / "mlsmoke.yml"
        endpoint = {"url": url, "headers": {"X-Api-Key": "${MODEL_TOKEN}"}}
        config.write_text(yaml.safe_dump({"version": 1, "endpoint": endpoint}, sort_keys=False))
        done = CliRunner().invoke(main, ["run", "--config", str(config), "--out", str(tmp_path / "out"),
                                         "--no-publish"],
                                  env={"MODEL_TOKEN": f"{SECRET}\r\nX-Injected: 1", "GITHUB_ACTIONS": ""})
    assert done.exit_code == 2, done.output
    assert f"{config}:5: endpoint.headers.X-Api-Key:" in done.output
    assert "line break" in done.output and SECRET not in done.output and "X-Injected" not in done.output
    assert seen == []
