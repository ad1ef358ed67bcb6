"""compare.latency and compare.metrics on results a test builds, and the deltas and the
new/fixed checks results.json's `compare` object holds: each gate passes and fails."""

from __future__ import annotations

import math

import pytest

from checker.checks.compare import gates
from checker.checks.compare.deltas import changes, deltas, metrics_of, summarize
from checker.config.compare_schema import LatencyGate, MetricGate
from checker.results.compare import Base
from checker.results.model import CheckResult, Report, Status


def latency(subject: str, p50: float, p95: float) -> CheckResult:
    return CheckResult(id="endpoint.latency", status=Status.PASS, subject=subject, summary="",
                       metrics={"p50_ms": p50, "p95_ms": p95, "max_ms": p95})


def metrics(numbers: dict) -> CheckResult:
    return CheckResult(id="pipeline.metrics", status=Status.PASS, subject="python train.py", summary="",
                       metrics={"values": {}, "numbers": numbers})


def base_of(*checks: CheckResult, environment: dict | None = None) -> Base:
    return Base("base.json", Report(status=Status.PASS, checks=list(checks), started_at="", duration_s=0,
                                    environment=environment or {}))


GATE = LatencyGate(p95_increase_max=25)


def test_an_endpoint_half_again_as_slow_fails_compare_latency() -> None:
    given = gates.GateInput([latency("model", 40, 100)], base_of(latency("model", 40, 60)))
    [result] = gates.latency(GATE, given)
    assert result.status is Status.FAIL and result.subject == "model"
    assert "p95 +67% is above +25%" in result.summary
    assert result.summary == "p95 +67% is above +25%: p95 60 → 100 ms (+67%)"  # no nested brackets
    assert result.evidence["p95_ms"] == {"base": 60, "head": 100, "delta_ms": 40, "delta_pct": 66.67,
                                         "increase_max_pct": 25}


def test_an_endpoint_within_the_allowed_increase_passes() -> None:
    given = gates.GateInput([latency("model", 40, 70)], base_of(latency("model", 40, 60)))
    [result] = gates.latency(GATE, given)
    assert result.status is Status.PASS, result.summary


def test_p50_is_gated_only_when_configured() -> None:
    head, base = [latency("m", 80, 60)], base_of(latency("m", 40, 60))
    assert gates.latency(GATE, gates.GateInput(head, base))[0].status is Status.PASS
    both = LatencyGate(p50_increase_max="10%", p95_increase_max="25%")
    assert gates.latency(both, gates.GateInput(head, base))[0].status is Status.FAIL


def test_an_endpoint_the_base_did_not_measure_is_a_skip() -> None:
    [result] = gates.latency(GATE, gates.GateInput([latency("new", 1, 2)], base_of(latency("old", 1, 2))))
    assert result.status is Status.SKIP and "no latency for this endpoint" in result.summary


def test_no_base_skips_each_gate_with_the_reason() -> None:
    missing = Base.missing("artifact mlsmoke-results", "no unexpired artifact")
    [lat] = gates.latency(GATE, gates.GateInput([latency("model", 1, 2)], missing))
    [met] = gates.metrics({"accuracy": MetricGate(max_drop=0.1)}, gates.GateInput([], missing))
    for result in (lat, met):
        assert result.status is Status.SKIP
        assert result.summary == "no base results: no unexpired artifact"
    assert (lat.subject, met.subject) == ("model", "accuracy")


@pytest.mark.parametrize(("gate", "base", "head", "status"), [
    (MetricGate(max_drop=0.02), 0.90, 0.89, Status.PASS),
    (MetricGate(max_drop=0.02), 0.90, 0.85, Status.FAIL),
    (MetricGate(max_drop=0.02), 0.90, 0.99, Status.PASS),
    (MetricGate(max_increase=0.1), 0.30, 0.35, Status.PASS),
    (MetricGate(max_increase=0.1), 0.30, 0.50, Status.FAIL),
    (MetricGate(max_increase=0.1), 0.30, 0.01, Status.PASS),
])
def test_metric_gates_fail_only_the_wrong_way(gate: MetricGate, base: float, head: float,
                                             status: Status) -> None:
    given = gates.GateInput([metrics({"m": head})], base_of(metrics({"m": base})))
    [result] = gates.metrics({"m": gate}, given)
    assert result.status is status, result.summary
    assert result.evidence["base"] == base and result.evidence["head"] == head


def test_a_metric_delta_has_no_float_noise_in_the_evidence() -> None:
    given = gates.GateInput([metrics({"m": 0.96})], base_of(metrics({"m": 1.0})))
    [result] = gates.metrics({"m": MetricGate(max_drop=0.02)}, given)
    assert result.evidence["delta"] == -0.04  # not -0.040000000000000036


def test_a_metric_missing_on_either_side_is_a_skip() -> None:
    given = gates.GateInput([metrics({"a": 1.0})], base_of(metrics({"b": 1.0})))
    found = gates.metrics({"a": MetricGate(max_drop=0.1), "b": MetricGate(max_drop=0.1)}, given)
    assert [(r.subject, r.status) for r in found] == [("a", Status.SKIP), ("b", Status.SKIP)]
    assert "has no such metric" in found[0].summary
    assert "metrics files have no such number" in found[1].summary


def test_metrics_from_an_older_results_file_come_from_the_configured_values() -> None:
    old = CheckResult(id="pipeline.metrics", status=Status.PASS, summary="",
                      metrics={"values": {"metrics.json: accuracy": 0.9, "metrics.json: name": "x"}})
    assert metrics_of([old]) == {"accuracy": 0.9}


def test_only_finite_numbers_are_taken_from_the_base() -> None:
    hostile = metrics({"a": math.nan, "b": True, "c": "9", "d": 1e400, "e": 2, "f": 10**400})
    assert metrics_of([hostile]) == {"e": 2}


def fail(check_id: str, subject: str = "s") -> CheckResult:
    return CheckResult(id=check_id, status=Status.FAIL, subject=subject, summary="bad")


def passed(check_id: str, subject: str = "s") -> CheckResult:
    return CheckResult(id=check_id, status=Status.PASS, subject=subject, summary="ok")


def test_new_failures_and_fixed_checks_are_by_id_and_subject() -> None:
    head = [fail("data.nulls"), fail("data.ranges"), passed("data.unique"), fail("data.pattern", "other"),
            passed("data.rows")]
    base = [passed("data.nulls"), fail("data.ranges"), fail("data.unique"), fail("data.pattern", "s")]
    new, fixed = changes(head, base)
    assert [(c.id, c.subject) for c in new] == [("data.nulls", "s"), ("data.pattern", "other")]
    assert [c.id for c in fixed] == ["data.unique"]


def test_deltas_pair_both_sides_and_keep_what_one_side_lacks() -> None:
    rows = CheckResult(id="data.readable", status=Status.PASS, subject="wine: a.csv", summary="",
                       metrics={"rows": 12})
    psi = CheckResult(id="drift.psi", status=Status.PASS, subject="wine", summary="",
                      metrics={"by_column": {"ph": 0.1}})
    found = deltas([latency("m", 1, 2), rows, psi, metrics({"acc": 0.8})],
                   [latency("m", 1, 1), metrics({"acc": 0.9, "old": 1})])
    assert found["latency"] == {"m": {"p50_ms": {"base": 1, "head": 1}, "p95_ms": {"base": 1, "head": 2}}}
    assert found["metrics"] == {"acc": {"base": 0.9, "head": 0.8}, "old": {"base": 1, "head": None}}
    assert found["rows"] == {"wine: a.csv": {"base": None, "head": 12}}
    assert found["psi"] == {"wine": {"ph": {"base": None, "head": 0.1}}}


def test_the_summary_names_the_base_and_says_why_nothing_was_compared() -> None:
    compared = summarize([fail("data.nulls")], base_of(environment={"commit": "abc1234",
                                                                    "run_url": "https://x/runs/1"}))
    assert compared["base"] == {"source": "base.json", "commit": "abc1234", "run_url": "https://x/runs/1"}
    assert compared["skipped"] is None and compared["new_count"] == 1
    assert compared["new"] == [{"id": "data.nulls", "subject": "s", "status": "fail", "summary": "bad"}]
    skipped = summarize([fail("data.nulls")], Base.missing("artifact x", "first pull request"))
    assert skipped["skipped"] == "first pull request" and skipped["new"] == [] and skipped["deltas"] == {}


def test_a_run_url_that_is_not_http_is_dropped() -> None:
    assert base_of(environment={"run_url": "javascript:alert(1)"}).run_url is None


def test_a_compare_gate_is_baselined_by_its_check_and_subject() -> None:
    from checker.results.baseline import apply, entries_for

    slow = CheckResult(id="compare.latency", status=Status.FAIL, subject="model", summary="p95 +60%")
    entries = entries_for([slow])
    assert [(e.check, e.subject, dict(e.fingerprint)) for e in entries] == [("compare.latency", "model", {})]
    assert apply([slow], entries, "b.json").checks[0].baseline == "known"
    other = CheckResult(id="compare.latency", status=Status.FAIL, subject="other", summary="p95 +60%")
    assert apply([other], entries, "b.json").checks[0].baseline == "new"


def test_an_endpoint_whose_latency_was_not_measured_is_named_in_the_skip() -> None:
    skipped = CheckResult(id="endpoint.latency", status=Status.SKIP, subject="model",
                          summary="skipped: the service did not start")
    given = gates.GateInput([skipped], base_of(latency("model", 40, 60)))
    [result] = gates.latency(GATE, given)
    assert (result.status, result.subject) == (Status.SKIP, "model")
    assert result.summary == "endpoint.latency measured nothing: skipped: the service did not start"
    [alone] = gates.latency(GATE, gates.GateInput([], base_of()))
    assert alone.summary == "no endpoint.latency result to compare"
