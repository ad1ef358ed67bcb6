"""endpoint.metrics against a model server instrumented with prometheus_client on 127.0.0.1:
a live hook passes; a counter that does not move, a missing required series, errors it did not
provoke, and a dead, hostile, huge or stalling metrics page each fail with the cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fake_model_server import Behavior, serving
from helpers import by_id, run_check, write_config
from metrics_app import Hook, instrumented
from misbehaving_server import misbehaving
from real_servers import CONTRACT, FEATURES, free_port

from checker.results.model import CheckResult, Status

SERVER = Behavior(columns=FEATURES, max_rows=100)
LIVE = {"require": ["http_requests_total", "model_loaded"], "requests": "http_requests_total",
        "errors": "prediction_errors_total", "labels": {"handler": "/invocations"}}
SENT = 1 + 8  # endpoint.predict's request and the latency run's
PROBES = 6  # endpoint.malformed without max_rows


def metrics_check(tmp_path: Path, url: str, metrics: object, **entry: object) -> CheckResult:
    body = {"version": 1, "contracts": CONTRACT, "endpoint": {
        "url": url, "contract": "wine", "rows": 3, "requests": 8, "concurrency": 2,
        "request_timeout": "2s", "health": {"path": "/health", "timeout": "5s"}, "malformed": True,
        "metrics": metrics, **entry}}
    results = run_check(write_config(tmp_path, yaml.safe_dump(body, sort_keys=False)), "endpoint")
    for check in ("endpoint.health", "endpoint.predict", "endpoint.malformed", "endpoint.errors"):
        assert by_id(results, check).status is Status.PASS, by_id(results, check).to_dict()
    return by_id(results, "endpoint.metrics")


def test_a_live_hook_passes_with_before_and_after_values(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook()) as url:
        result = metrics_check(tmp_path, url, {"path": "/metrics", **LIVE})
    assert result.status is Status.PASS, result.to_dict()
    # every POST counts, the probes too: at least the prediction requests is what is asked
    assert result.summary == (f"http_requests_total +{SENT + PROBES}, prediction_errors_total +{PROBES}, "
                              "2 required series present")
    # the labelled children appear with the first request: absent before is 0; `_created`
    # (a timestamp near 1.7e9) is not a count
    assert result.evidence["requests"] == {"series": "http_requests_total", "before": 0,
                                           "after": SENT + PROBES, "grew": SENT + PROBES,
                                           "expected_growth_at_least": SENT}
    assert result.evidence["errors"] == {"series": "prediction_errors_total", "before": 0, "after": PROBES,
                                         "grew": PROBES,
                                         "provoked": {"malformed_probes": PROBES, "failed_predictions": 0}}
    assert result.evidence["required"] == {"http_requests_total": "present", "model_loaded": "present"}
    assert result.metrics == {"series": 5, "requests_growth": SENT + PROBES, "errors_growth": PROBES}


def test_a_counter_named_as_the_parser_names_it_is_the_same_series(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook()) as url:
        result = metrics_check(tmp_path, url, {"requests": "http_requests", "errors": "prediction_errors",
                                               "require": ["http_requests"]})
    assert result.status is Status.PASS, result.to_dict()
    assert result.evidence["requests"]["grew"] == SENT + PROBES


def test_the_smallest_config_checks_that_the_page_parses(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook()) as url:
        result = metrics_check(tmp_path, url, True)
    assert result.status is Status.PASS
    assert result.summary.startswith("the metrics page parses (")
    with serving(SERVER) as url:  # no /metrics at all
        dead = metrics_check(tmp_path, url, True)
    assert dead.status is Status.FAIL
    assert dead.summary == ("the metrics scrape before the run failed: "
                            f"GET {url}/metrics: answered HTTP 404, expected 200")


def test_a_counter_that_does_not_move_fails(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook(count_requests=False)) as url:
        result = metrics_check(tmp_path, url, LIVE)
    assert result.status is Status.FAIL
    assert result.summary == (f'http_requests_total{{handler="/invocations"}} grew by 0, expected at least '
                              f"{SENT} (the prediction requests the service answered)")
    assert (result.evidence["requests"]["before"], result.evidence["requests"]["after"]) == (0, 0)


def test_a_missing_required_series_fails(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook()) as url:
        result = metrics_check(tmp_path, url, {"require": ["http_requests_total", "model_version_info"]})
    assert result.status is Status.FAIL
    assert result.summary == "required series missing after the run: model_version_info"
    assert result.evidence["required"] == {"http_requests_total": "present", "model_version_info": "missing"}


def test_errors_mlsmoke_did_not_provoke_fail(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook(every_request_fails=True)) as url:
        result = metrics_check(tmp_path, url, LIVE)
    assert result.status is Status.FAIL
    assert result.summary == (f'prediction_errors_total{{handler="/invocations"}} grew by {SENT + PROBES}, '
                              f"more than the {PROBES} errors mlsmoke provoked ({PROBES} malformed probes, "
                              "0 failed prediction requests)")


def test_a_label_filter_that_matches_nothing_fails(tmp_path: Path) -> None:
    with instrumented(SERVER, Hook()) as url:
        result = metrics_check(tmp_path, url, {"requests": "http_requests_total",
                                               "labels": {"handler": "/x"}})
    assert result.status is Status.FAIL
    assert result.summary == f'http_requests_total{{handler="/x"}} is not on the metrics page after {SENT} ' \
                             "prediction requests"


@pytest.mark.parametrize(("hook", "cause"), [
    (Hook(page=b"<html><body>Not here</body></html>"), "not Prometheus text (invalid metric name:<html>"),
    (Hook(page=b"<html></html>", page_type="text/html"), "not Prometheus text (content type 'text/html')"),
    (Hook(page=b'{"status": "ok"}', page_type="application/json"),
     "not Prometheus text (content type 'application/json')"),
    (Hook(page=b'up{job="a} 1\n'), "not Prometheus text ("),
    (Hook(page=b"# only a comment\n"), "no series on the page"),
    (Hook(huge=True), "the page is larger than 4194304 bytes; mlsmoke read only the start"),
])
def test_a_page_that_is_not_a_prometheus_exposition_fails_cleanly(tmp_path: Path, hook: Hook,
                                                                   cause: str) -> None:
    with instrumented(SERVER, hook) as url:
        result = metrics_check(tmp_path, url, {"require": ["up"]})
    assert result.status is Status.FAIL
    before = f"the metrics scrape before the run failed: GET {url}/metrics: "
    assert result.summary.startswith(before + cause), result.summary


def test_a_dead_metrics_url_fails(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/metrics"
    with serving(SERVER) as url:
        result = metrics_check(tmp_path, url, {"url": dead, "requests": "http_requests_total"})
    assert result.status is Status.FAIL
    assert result.summary == (f"the metrics scrape before the run failed: GET {dead}: connection refused: "
                              "nothing is listening on that host and port")


def test_a_stalling_metrics_page_is_cut_off_by_request_timeout(tmp_path: Path) -> None:
    with misbehaving("stall_in_body", on_get=True) as (stalling, _), serving(SERVER) as url:
        result = metrics_check(tmp_path, url, {"url": f"{stalling}/metrics"}, request_timeout="1s")
    assert result.status is Status.FAIL
    assert "no complete answer within 1.0s (request_timeout), stopped while reading the body" \
        in result.summary


def test_the_endpoint_headers_go_only_to_a_metrics_page_on_its_own_origin(tmp_path: Path) -> None:
    token = "s3cr3t-metrics-token-value"
    model, elsewhere = Behavior(columns=FEATURES), Behavior()
    with instrumented(model, Hook()) as url, instrumented(elsewhere, Hook()) as other:
        headers = {"Authorization": f"Bearer {token}"}
        metrics_check(tmp_path, url, True, headers=headers)
        metrics_check(tmp_path, url, {"url": f"{other}/metrics", "headers": {"X-Scrape": "yes-please"}},
                      headers=headers)
    scrapes = [h for h in model.received_headers if h.get("Accept", "").startswith("text/plain")]
    assert len(scrapes) == 2
    assert scrapes and all(h["Authorization"] == f"Bearer {token}" for h in scrapes)
    assert len(elsewhere.received_headers) == 2  # before and after
    assert all("Authorization" not in h and h["X-Scrape"] == "yes-please" for h in elsewhere.received_headers)


def test_a_page_echoing_a_secret_is_redacted(tmp_path: Path) -> None:
    token, scrape_token = "s3cr3t-metrics-token-value", "an0ther-scrape-only-token"
    with instrumented(SERVER, Hook(page=f"<p>{token}{scrape_token}</p>\n".encode())) as url:
        result = metrics_check(tmp_path, url, {"headers": {"X-Scrape-Token": scrape_token}},
                               headers={"Authorization": f"Bearer {token}"})
    assert result.status is Status.FAIL
    shown = json.dumps(result.to_dict())
    assert token not in shown and scrape_token not in shown and "***" in result.summary
