"""The gates on what a pull request changed: compare.latency (how much slower each endpoint
answers than on the base branch) and compare.metrics (how far each configured metric moved the
wrong way). Each subject is one endpoint or one metric, so a result can be baselined, demoted
or turned off like any other check's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.checks.compare.deltas import latency_of, metrics_of
from checker.checks.registry import COMPARE_LATENCY, COMPARE_METRICS, ENDPOINT_LATENCY
from checker.config.compare_schema import LatencyGate, MetricGate
from checker.config.location import Location
from checker.record import record
from checker.results.compare import Base, change_pct
from checker.results.model import CheckResult, Status


@record
class GateInput:
    """What both gates read: the run's results so far, the base side and where the gate is set."""

    head: Sequence[CheckResult]
    base: Base
    location: Location | None = None


def latency(gate: LatencyGate, given: GateInput) -> list[CheckResult]:
    """One compare.latency result per endpoint the run measured."""
    ours = latency_of(given.head)
    if not ours:
        unmeasured = [_skip(COMPARE_LATENCY.id, c.subject,
                            f"{ENDPOINT_LATENCY.id} measured nothing: {c.summary}")
                      for c in given.head if c.id == ENDPOINT_LATENCY.id]
        return unmeasured or [_skip(COMPARE_LATENCY.id, "", f"no {ENDPOINT_LATENCY.id} result to compare")]
    if given.base.report is None:
        return [_skip(COMPARE_LATENCY.id, name, _no_base(given.base)) for name in ours]
    theirs = latency_of(given.base.report.checks)
    return [_latency_one(gate, name, values, theirs.get(name), given) for name, values in ours.items()]


def _latency_one(gate: LatencyGate, name: str, head: Mapping[str, float], base: Mapping[str, float] | None,
                 given: GateInput) -> CheckResult:
    if not base:
        return _skip(COMPARE_LATENCY.id, name, f"{given.base.source} has no latency for this endpoint")
    parts, over = [], []
    evidence: dict[str, object] = {}
    for key, limit in gate.limits.items():
        pct = change_pct(base.get(key), head.get(key))
        if pct is None:
            continue
        label = key.removesuffix("_ms")
        parts.append(f"{label} {base[key]:.0f} → {head[key]:.0f} ms ({pct:+.0f}%)")
        evidence[key] = {"base": base[key], "head": head[key], "delta_ms": round(head[key] - base[key], 3),
                         "delta_pct": round(pct, 2), "increase_max_pct": limit}
        if pct > limit:
            over.append(f"{label} {pct:+.0f}% is above +{limit:g}%")
    if not parts:
        return _skip(COMPARE_LATENCY.id, name, "no latency percentile on both sides")
    summary = "; ".join(over) + f": {', '.join(parts)}" if over else ", ".join(parts)
    return CheckResult(id=COMPARE_LATENCY.id, status=Status.FAIL if over else Status.PASS, subject=name,
                       summary=summary, evidence=evidence, location=given.location if over else None)


def metrics(gates: Mapping[str, MetricGate], given: GateInput) -> list[CheckResult]:
    """One compare.metrics result per configured metric."""
    if given.base.report is None:
        return [_skip(COMPARE_METRICS.id, name, _no_base(given.base)) for name in gates]
    ours, theirs = metrics_of(given.head), metrics_of(given.base.report.checks)
    return [_metric_one(name, gate, theirs.get(name), ours.get(name), given) for name, gate in gates.items()]


def _metric_one(name: str, gate: MetricGate, base: float | None, head: float | None,
                given: GateInput) -> CheckResult:
    if head is None:
        return _skip(COMPARE_METRICS.id, name, "the pipeline's metrics files have no such number")
    if base is None:
        return _skip(COMPARE_METRICS.id, name, f"{given.base.source} has no such metric")
    delta = head - base
    if gate.max_drop is not None:
        worse, limit, rule = -delta, gate.max_drop, "drop"
    else:
        worse, limit, rule = delta, gate.max_increase or 0.0, "increase"
    failed = worse > limit + 1e-12
    summary = f"{base:g} → {head:g} ({delta:+.4g})"
    if failed:
        summary = f"{rule} of {abs(delta):.4g} is above the allowed {limit:g}: {summary}"
    return CheckResult(id=COMPARE_METRICS.id, status=Status.FAIL if failed else Status.PASS, subject=name,
                       summary=summary, location=given.location if failed else None,
                       evidence={"base": base, "head": head, "delta": float(f"{delta:.12g}"),
                                 f"max_{rule}": limit})


def _no_base(base: Base) -> str:
    return f"no base results: {base.skipped}"


def _skip(check_id: str, subject: str, reason: str) -> CheckResult:
    return CheckResult(id=check_id, status=Status.SKIP, subject=subject, summary=reason)
