"""What a run changed against the base branch's results: new failures and fixed checks by
check id and subject, and the numbers both sides carry — latency per endpoint, the pipeline's
metrics, row counts per data file, PSI per drift feature.

The values are read from the check results (theirs come from a results.json of another run, so
only finite numbers are taken); the outcome is results.json's `compare` object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from checker.checks.registry import DATA_READABLE, DRIFT_PSI, ENDPOINT_LATENCY, PIPELINE_METRICS
from checker.results.compare import MAX_FEATURES, MAX_LISTED, Base, number, paired
from checker.results.model import CheckResult, Status

LATENCY_KEYS = ("p50_ms", "p95_ms")


def latency_of(checks: Iterable[CheckResult]) -> dict[str, dict[str, float]]:
    """{endpoint: {p50_ms, p95_ms}} from the endpoint.latency results that measured."""
    found: dict[str, dict[str, float]] = {}
    for check in _of(checks, ENDPOINT_LATENCY.id):
        values = {k: v for k in LATENCY_KEYS if (v := number(check.metrics.get(k))) is not None}
        if values:
            found[check.subject or check.id] = values
    return found


def metrics_of(checks: Iterable[CheckResult]) -> dict[str, float]:
    """{metric: value}: every number in the pipeline's metrics files (`metrics.numbers`), else
    (a results.json from an older mlsmoke) the configured keys (`metrics.values`)."""
    found: dict[str, float] = {}
    for check in _of(checks, PIPELINE_METRICS.id):
        numbers = check.metrics.get("numbers")
        if not isinstance(numbers, Mapping):
            values = check.metrics.get("values")
            values = values if isinstance(values, Mapping) else {}
            numbers = {str(k).split(": ", 1)[-1]: v for k, v in values.items()}
        found.update({str(k): v for k, raw in numbers.items() if (v := number(raw)) is not None})
    return found


def rows_of(checks: Iterable[CheckResult]) -> dict[str, float]:
    """{data file: rows read} from data.readable."""
    return {c.subject: v for c in _of(checks, DATA_READABLE.id)
            if (v := number(c.metrics.get("rows"))) is not None}


def psi_of(checks: Iterable[CheckResult]) -> dict[str, dict[str, float]]:
    """{drift entry: {feature: PSI}} from drift.psi."""
    found: dict[str, dict[str, float]] = {}
    for check in _of(checks, DRIFT_PSI.id):
        by_column = check.metrics.get("by_column")
        if isinstance(by_column, Mapping):
            found[check.subject] = {str(k): v for k, raw in by_column.items()
                                    if (v := number(raw)) is not None}
    return found


def _of(checks: Iterable[CheckResult], check_id: str) -> list[CheckResult]:
    return [c for c in checks if c.id == check_id and c.status is not Status.SKIP]


def summarize(head: Sequence[CheckResult], base: Base) -> dict[str, Any]:
    """results.json's `compare` object for the run's results `head` against `base`."""
    described = base.describe()
    if base.report is None:
        return {"base": described, "skipped": base.skipped, "new": [], "fixed": [], "deltas": {}}
    theirs = base.report.checks
    new, fixed = changes(head, theirs)
    return {"base": described, "skipped": None,
            "new": [_entry(c) for c in new[:MAX_LISTED]],
            "fixed": [_entry(c) for c in fixed[:MAX_LISTED]],
            "new_count": len(new), "fixed_count": len(fixed), "deltas": deltas(head, theirs)}


def changes(head: Sequence[CheckResult],
            base: Sequence[CheckResult]) -> tuple[list[CheckResult], list[CheckResult]]:
    """New failures (failing now, passing or absent on base) and fixed checks (failing on
    base, passing now), by check id and subject."""
    before = {(c.id, c.subject): c.status for c in base}
    def failed_before(check: CheckResult) -> bool:
        return before.get((check.id, check.subject), Status.PASS) >= Status.FAIL

    new = [c for c in head if c.status >= Status.FAIL and not failed_before(c)]
    fixed = [c for c in head if c.status is Status.PASS and failed_before(c)]
    return new, fixed


def deltas(head: Sequence[CheckResult], base: Sequence[CheckResult]) -> dict[str, Any]:
    """{latency: {endpoint: {p50_ms: {base, head}, p95_ms: …}}, metrics: {name: {base, head}},
    rows: {file: {base, head}}, psi: {entry: {feature: {base, head}}}}; empty parts left out."""
    ours, theirs = latency_of(head), latency_of(base)
    latency = {name: {k: {"base": theirs.get(name, {}).get(k), "head": ours.get(name, {}).get(k)}
                      for k in LATENCY_KEYS}
               for name in _names(ours, theirs)}
    ours_psi, theirs_psi = psi_of(head), psi_of(base)
    psi = {entry: dict(list(paired(theirs_psi.get(entry, {}), ours_psi.get(entry, {})).items())
                       [:MAX_FEATURES])
           for entry in _names(ours_psi, theirs_psi)}
    found = {"latency": latency, "metrics": paired(metrics_of(base), metrics_of(head)),
             "rows": paired(rows_of(base), rows_of(head)), "psi": psi}
    return {name: part for name, part in found.items() if part}


def _names(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys([*ours, *theirs]))[:MAX_LISTED]


def _entry(check: CheckResult) -> dict[str, Any]:
    return {"id": check.id, "subject": check.subject, "status": check.status.value,
            "summary": check.summary[:300]}
