"""endpoint.* against real HTTP servers on 127.0.0.1 started by the tests: every check has a
passing server and a failing twin."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from fake_model_server import Behavior, serving
from helpers import by_id, cli, run_check, write_config
from real_servers import CONTRACT, FEATURES

from checker.results.model import Status

COLUMNS = FEATURES
SECRET = "s3cr3t-token-value-4242"


def endpoint_config(tmp_path: Path, url: str | list, **overrides: object) -> Path:
    endpoint = {
        "url": url, "headers": {"Authorization": "Bearer ${MODEL_TOKEN}"}, "protocol": "mlflow",
        "contract": "wine", "rows": 4, "requests": 20, "concurrency": 2, "request_timeout": "2s",
        "health": {"path": "/health", "timeout": "3s"}, "latency": {"p50_ms": 150, "p95_ms": 250},
        "response": {"output": {"type": "float", "min": 0, "max": 1}}, "malformed": {"max_rows": 10},
        **overrides,
    }
    body = {"version": 1, "contracts": CONTRACT, "endpoint": url if isinstance(url, list) else endpoint}
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def run(tmp_path: Path, url: str | list, staging_url: str | None = None, **overrides: object) -> list:
    return run_check(endpoint_config(tmp_path, url, **overrides), "endpoint",
                     environ={"MODEL_TOKEN": SECRET}, staging_url=staging_url)


def good() -> Behavior:
    return Behavior(columns=COLUMNS, max_rows=10)


def run_with(tmp_path: Path, faults: dict[str, object], **overrides: object) -> list:
    """Run the endpoint checks against a server with these faults switched on."""
    with serving(Behavior(columns=COLUMNS, max_rows=10, **faults)) as url:  # type: ignore[arg-type]
        return run(tmp_path, url, **overrides)


def test_a_healthy_model_server_passes_every_check(tmp_path: Path) -> None:
    behavior = good()
    with serving(behavior) as url:
        results = run(tmp_path, url)
    statuses = {r.id: r.status for r in results}
    assert statuses == {"endpoint.health": Status.PASS, "endpoint.predict": Status.PASS,
                        "endpoint.latency": Status.PASS, "endpoint.malformed": Status.PASS,
                        "endpoint.errors": Status.PASS}, [r.to_dict() for r in results]
    latency = by_id(results, "endpoint.latency")
    assert latency.metrics["requests"] == 20
    assert {"p50_ms", "p95_ms", "max_ms"} <= set(latency.metrics)
    assert by_id(results, "endpoint.errors").metrics == {
        "requests": 21, "errors": 0, "error_rate": 0.0, "error_rate_max": 0.0}
    malformed = by_id(results, "endpoint.malformed")
    probes = [p["probe"] for p in malformed.evidence["probes"]]
    assert probes == ["missing column", "wrong type", "empty body", "invalid JSON",
                      "wrong content type", "empty row list", "oversized batch"]
    assert all(r.subject == url for r in results)
    # the auth header reached the server, and never the results
    assert any(h.get("Authorization") == f"Bearer {SECRET}" for h in behavior.received_headers)
    assert SECRET not in json.dumps([r.to_dict() for r in results])


def test_a_traceback_on_bad_input_fails_malformed(tmp_path: Path) -> None:
    results = run_with(tmp_path, {"traceback_on_bad_input": True})
    malformed = by_id(results, "endpoint.malformed")
    assert malformed.status is Status.FAIL
    assert "HTTP 500" in malformed.summary
    probe = malformed.evidence["probes"][1]
    assert probe["probe"] == "wrong type" and probe["verdict"] == "fail"
    assert probe["status"] == 500  # the report's probes table shows it
    assert "Traceback" in probe["response"]
    assert by_id(results, "endpoint.predict").status is Status.PASS


def test_an_error_body_echoing_the_input_is_a_warning(tmp_path: Path) -> None:
    malformed = by_id(run_with(tmp_path, {"echo_input": True}), "endpoint.malformed")
    assert malformed.status is Status.WARN
    assert malformed.summary == (
        "4 of 7 probes: missing column, wrong type, invalid JSON: HTTP 400, but the error body echoes "
        "the submitted values; wrong content type: HTTP 415, but the error body echoes the submitted values")


def test_a_slow_server_fails_the_latency_budget(tmp_path: Path) -> None:
    results = run_with(tmp_path, {"delay_s": 0.3}, requests=6)
    latency = by_id(results, "endpoint.latency")
    assert latency.status is Status.FAIL
    assert "over budget" in latency.summary and "p50" in latency.summary
    assert latency.metrics["p50_ms"] >= 300
    assert latency.evidence["budget_ms"] == {"p50_ms": 150, "p95_ms": 250}
    histogram = latency.evidence["latency_histogram"]  # for the report's chart
    assert sum(histogram["counts"]) == 6 and histogram["edges_ms"][0] <= latency.metrics["p50_ms"]
    assert histogram["edges_ms"][-1] >= latency.metrics["max_ms"]


def test_a_wrong_number_of_predictions_fails_predict(tmp_path: Path) -> None:
    predict = by_id(run_with(tmp_path, {"drop_predictions": 1}), "endpoint.predict")
    assert predict.status is Status.FAIL
    assert predict.summary == "3 predictions for 4 rows sent"


def test_predictions_outside_the_output_spec_fail_predict(tmp_path: Path) -> None:
    predict = by_id(run_with(tmp_path, {"prediction": 7.5}), "endpoint.predict")
    assert predict.status is Status.FAIL
    assert "4 of 4 predictions break response.output: above the maximum 1" in predict.summary
    assert predict.evidence["violations"][0] == {"row": 0, "value": 7.5, "reason": "above the maximum 1.0"}


def test_a_json_schema_is_enforced(tmp_path: Path) -> None:
    schema = {"type": "object", "required": ["predictions", "model_version"]}
    (tmp_path / "response.json").write_text(json.dumps(schema))
    with serving(good()) as url:
        predict = by_id(run(tmp_path, url, response={"schema": "response.json"}), "endpoint.predict")
    assert predict.status is Status.FAIL, predict.to_dict()
    assert "'model_version' is a required property" in predict.summary


def test_a_non_json_content_type_fails_predict(tmp_path: Path) -> None:
    predict = by_id(run_with(tmp_path, {"content_type": "text/html"}), "endpoint.predict")
    assert predict.status is Status.FAIL
    assert "content type 'text/html'" in predict.summary


def test_a_huge_answer_is_capped_not_read_whole(tmp_path: Path) -> None:
    predict = by_id(run_with(tmp_path, {"huge_body": True}), "endpoint.predict")
    assert predict.status is Status.FAIL
    assert "larger than 1048576 bytes" in predict.summary


def test_a_server_that_never_becomes_healthy_fails_within_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    results = run_with(tmp_path, {"unhealthy": True})
    assert time.monotonic() - started < 8
    health = by_id(results, "endpoint.health")
    assert health.status is Status.FAIL
    assert "not healthy within 3s" in health.summary and "HTTP 503" in health.summary
    attempts = health.evidence["attempts"]
    assert len(attempts) >= 3 and attempts[0]["outcome"] == "HTTP 503"
    for check in ("endpoint.predict", "endpoint.latency", "endpoint.malformed", "endpoint.errors"):
        skipped = by_id(results, check)
        assert skipped.status is Status.SKIP and "health check failed" in skipped.summary


def test_health_retries_while_the_server_warms_up(tmp_path: Path) -> None:
    health = by_id(run_with(tmp_path, {"healthy_after_s": 1.0}), "endpoint.health")
    assert health.status is Status.PASS
    assert health.metrics["attempts"] >= 2
    assert health.evidence["attempts"][0]["outcome"] == "HTTP 503"


def test_connection_refused_is_a_clear_failure(tmp_path: Path) -> None:
    with serving(good()) as url:
        pass  # the port is free again now
    health = by_id(run(tmp_path, url), "endpoint.health")
    assert health.status is Status.FAIL
    assert "connection refused" in health.summary


def test_an_unknown_host_is_a_dns_failure(tmp_path: Path) -> None:
    health = by_id(run(tmp_path, "http://no-such-host.invalid:8080"), "endpoint.health")
    assert health.status is Status.FAIL
    assert "DNS lookup failed" in health.summary


def test_tls_to_a_plain_http_server_is_a_tls_failure(tmp_path: Path) -> None:
    with serving(good()) as url:
        health = by_id(run(tmp_path, url.replace("http://", "https://")), "endpoint.health")
    assert health.status is Status.FAIL
    assert "TLS handshake failed" in health.summary


def test_a_redirect_to_another_host_is_not_followed_and_auth_never_leaks(tmp_path: Path) -> None:
    elsewhere = good()
    with serving(elsewhere) as other_url:
        behavior = good()
        behavior.redirect_to = other_url.replace("127.0.0.1", "localhost")
        with serving(behavior) as url:
            results = run(tmp_path, url)
    predict = by_id(results, "endpoint.predict")
    assert predict.status is Status.FAIL
    assert "redirected to another host" in predict.summary
    assert elsewhere.received_headers == []  # nothing, let alone the token, reached the other host
    assert by_id(results, "endpoint.errors").status is Status.FAIL


def test_errors_over_the_run_are_counted_against_the_limit(tmp_path: Path) -> None:
    errors = by_id(run_with(tmp_path, {"redirect_to": "http://elsewhere.invalid"}, error_rate_max=0.5),
                   "endpoint.errors")
    assert errors.status is Status.FAIL
    assert errors.metrics["requests"] == 21 and errors.metrics["errors"] == 21


def test_staging_url_overrides_the_configured_url(tmp_path: Path) -> None:
    with serving(good()) as url:
        results = run(tmp_path, "http://127.0.0.1:9", staging_url=url)
    assert by_id(results, "endpoint.predict").status is Status.PASS


def test_an_ancillary_service_gets_only_a_health_check(tmp_path: Path) -> None:
    with serving(good()) as url:
        results = run(tmp_path, [
            {"name": "feature-store", "url": url, "health": {"path": "/ping", "timeout": "2s"}},
            {"name": "catalog", "url": "http://127.0.0.1:9", "health": {"timeout": "1s"}},
        ])
    assert [(r.id, r.subject, r.status) for r in results] == [
        ("endpoint.health", "feature-store", Status.PASS), ("endpoint.health", "catalog", Status.FAIL)]


@pytest.mark.parametrize("url, shown", [  # credentials in a URL are refused (test_config_endpoint)
    ("http://127.0.0.1:9/api?key=abc123&x=1", "http://127.0.0.1:9/api?key=***&x=***"),
])
def test_the_subject_is_the_url_without_credentials(tmp_path: Path, url: str, shown: str) -> None:
    results = run(tmp_path, url)
    assert {r.subject for r in results} == {shown}


def test_a_server_that_hangs_on_bad_input_fails_malformed(tmp_path: Path) -> None:
    malformed = by_id(run_with(tmp_path, {"hang_on_invalid_json_s": 3}, request_timeout="1s", requests=0),
                      "endpoint.malformed")
    assert malformed.status is Status.FAIL
    assert "the server hangs on bad input" in malformed.summary
    verdicts = {p["probe"]: p["verdict"] for p in malformed.evidence["probes"]}
    assert verdicts["invalid JSON"] == "fail" and verdicts["missing column"] == "pass"


def test_the_deadline_bounds_the_whole_entry(tmp_path: Path) -> None:
    started = time.monotonic()
    results = run_with(tmp_path, {"delay_s": 0.2}, deadline="2s", requests=100, concurrency=1,
                       latency={"p95_ms": 1000})
    assert time.monotonic() - started < 6
    latency = by_id(results, "endpoint.latency")
    assert latency.status is Status.FAIL
    assert "the deadline stopped the run after" in latency.summary and "of 100 requests" in latency.summary
    malformed = by_id(results, "endpoint.malformed")
    assert malformed.status is Status.FAIL
    assert "deadline has passed" in json.dumps(malformed.evidence)


def test_the_run_deadline_cuts_the_entry_short_and_says_so(tmp_path: Path) -> None:
    with serving(Behavior(columns=COLUMNS, max_rows=10, delay_s=0.2)) as url:  # type: ignore[arg-type]
        config = endpoint_config(tmp_path, url, deadline="60s", requests=100, concurrency=1)
        body = yaml.safe_load(config.read_text(encoding="utf-8")) | {"deadlines": {"run": "1.5s"}}
        config.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        started = time.monotonic()
        results = run_check(config, "endpoint", environ={"MODEL_TOKEN": SECRET})
    assert time.monotonic() - started < 6
    assert by_id(results, "endpoint.latency").status is Status.FAIL
    assert any("the run's deadline (1.5s)" in r.summary for r in results), [r.summary for r in results]


def test_a_header_secret_never_reaches_results_report_or_output(tmp_path: Path) -> None:
    behavior = good()
    behavior.echo_auth = True  # the server reflects the Authorization header into its answer
    with serving(behavior) as url:
        config = endpoint_config(tmp_path, url, headers={"Authorization": "Bearer ${MODEL_TOKEN}",
                                                         "X-Api-Key": "${MODEL_TOKEN}-key"})
        done = cli("run", "--config", str(config), "--out", str(tmp_path / "out"), "--no-publish",
                   env={"MODEL_TOKEN": SECRET, "GITHUB_ACTIONS": ""}, timeout=120)
    assert any(h.get("X-Api-Key") == f"{SECRET}-key" for h in behavior.received_headers)
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    predict = next(c for c in results["checks"] if c["id"] == "endpoint.predict")
    assert predict["evidence"]["response"]["body"].endswith('"auth_seen": "***"}'), done.stderr
    written = [p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"results.json", "report.md", "junit.xml"}
    for text in [*written, done.stdout, done.stderr]:
        assert SECRET not in text


def test_the_json_protocol_with_a_template_and_pointer(tmp_path: Path) -> None:
    template = {"body": {"dataframe_split": {"columns": "{columns}", "data": "{matrix}"}},
                "predictions": "$.predictions"}
    with serving(good()) as url:
        results = run(tmp_path, url, protocol="json", json=template, predict={"path": "/invocations"})
    assert by_id(results, "endpoint.predict").status is Status.PASS
    assert by_id(results, "endpoint.malformed").status is Status.PASS
    with serving(good()) as url:
        wrong = run(tmp_path, url, protocol="json", json={**template, "predictions": "$.scores"},
                    predict={"path": "/invocations"}, requests=0, malformed=False)
    predict = by_id(wrong, "endpoint.predict")
    assert predict.status is Status.FAIL and "$.scores: no key 'scores'" in predict.summary


def test_a_contract_without_features_is_an_error_not_a_crash(tmp_path: Path) -> None:
    contract = {"ids": {"columns": {"wine_id": {"type": "int", "role": "id"},
                                    "cultivar": {"type": "int", "role": "target"}}}}
    body = {"version": 1, "contracts": contract, "endpoint": {"url": "URL", "contract": "ids",
                                                             "health": {"timeout": "2s"}}}
    with serving(good()) as url:
        config = write_config(tmp_path, yaml.safe_dump(body).replace("URL", url))
        results = run_check(config, "endpoint")
    predict = by_id(results, "endpoint.predict")
    assert predict.status is Status.ERROR
    assert "contract 'ids' has no feature columns" in predict.summary
    assert [(r.id, r.status) for r in results[2:]] == [("endpoint.latency", Status.SKIP),
                                                      ("endpoint.errors", Status.SKIP)]


def test_the_tfserving_protocol(tmp_path: Path) -> None:
    with serving(good()) as url:
        results = run(tmp_path, url, protocol="tfserving", model="wine", health={"timeout": "3s"})
    assert {r.id: r.status for r in results} == {check: Status.PASS for check in (
        "endpoint.health", "endpoint.predict", "endpoint.latency", "endpoint.malformed", "endpoint.errors")}
    assert by_id(results, "endpoint.health").evidence["attempts"][0]["url"].endswith("/v1/models/wine")
