"""`malformed.allow` and the `checks:` policy against a real HTTP server on 127.0.0.1: an
allowed probe that misbehaves warns, the same probe not allowed fails, and an allowance whose
probe behaves is listed as no longer needed."""

from __future__ import annotations

from pathlib import Path

import yaml
from fake_model_server import Behavior, serving
from helpers import by_id, run_check, write_config
from real_servers import CONTRACT, FEATURES

from checker.results.model import CheckResult, Status


def _malformed(tmp_path: Path, accept_empty_rows: bool, allow: list[str] | None,
               checks: list[dict[str, str]] | None = None) -> CheckResult:
    with serving(Behavior(columns=FEATURES, max_rows=10, accept_empty_rows=accept_empty_rows)) as url:
        malformed: dict[str, object] = {"max_rows": 10, **({"allow": allow} if allow is not None else {})}
        endpoint = {"url": url, "contract": "wine", "rows": 3, "requests": 2, "concurrency": 1,
                    "request_timeout": "2s", "health": {"path": "/health", "timeout": "3s"},
                    "malformed": malformed}
        body = {"version": 1, "contracts": CONTRACT, "endpoint": endpoint,
                **({"checks": checks} if checks else {})}
        return by_id(run_check(write_config(tmp_path, yaml.safe_dump(body, sort_keys=False)), "endpoint"),
                     "endpoint.malformed")


def _probe(result: CheckResult, probe_id: str) -> dict[str, object]:
    return next(p for p in result.evidence["probes"] if p["id"] == probe_id)


def test_each_probe_has_its_stable_id_beside_its_name(tmp_path: Path) -> None:
    result = _malformed(tmp_path, accept_empty_rows=False, allow=None)
    assert result.status is Status.PASS
    assert [(p["id"], p["probe"]) for p in result.evidence["probes"]] == [
        ("missing_column", "missing column"), ("wrong_type", "wrong type"), ("empty_body", "empty body"),
        ("invalid_json", "invalid JSON"), ("wrong_content_type", "wrong content type"),
        ("empty_rows", "empty row list"), ("too_many_rows", "oversized batch")]
    assert "allowed" not in result.evidence


def test_an_allowed_probe_that_misbehaves_warns_saying_so(tmp_path: Path) -> None:
    result = _malformed(tmp_path, accept_empty_rows=True, allow=["empty_rows"])
    assert result.status is Status.WARN, result.summary
    assert "empty row list: HTTP 200" in result.summary and "(allowed by malformed.allow)" in result.summary
    assert _probe(result, "empty_rows")["verdict"] == "warn"
    assert result.evidence["no_longer_needed"] == []


def test_the_same_probe_not_allowed_fails(tmp_path: Path) -> None:
    result = _malformed(tmp_path, accept_empty_rows=True, allow=["empty_body"])
    assert result.status is Status.FAIL
    assert _probe(result, "empty_rows")["verdict"] == "fail"
    assert result.evidence["no_longer_needed"] == ["empty_body"]


def test_an_allowance_whose_probe_behaves_is_no_longer_needed(tmp_path: Path) -> None:
    result = _malformed(tmp_path, accept_empty_rows=False, allow=["empty_rows"])
    assert result.status is Status.PASS
    assert "malformed.allow no longer needed for empty_rows" in result.summary
    assert result.evidence["allowed"] == result.evidence["no_longer_needed"] == ["empty_rows"]


def test_a_checks_rule_demotes_the_whole_malformed_check_on_a_matching_subject(tmp_path: Path) -> None:
    rule = {"id": "endpoint.malformed", "severity": "warn", "subject": "http://127.0.0.1:*"}
    result = _malformed(tmp_path, accept_empty_rows=True, allow=None, checks=[rule])
    assert result.status is Status.WARN and "demoted by" in result.summary
    assert result.policy is not None and result.policy["severity"] == "warn"
