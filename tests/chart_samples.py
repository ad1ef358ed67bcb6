"""Reports with charts: a failing drift and latency case, and the same with hostile labels.
The evidence comes from the producers the checks use (the latency histogram, drift's
distributions), so the golden reports show what a run writes."""

from __future__ import annotations

import random

from checker.checks.drift.chart_data import distributions
from checker.checks.drift.measure import ColumnDrift
from checker.checks.endpoint.histogram import histogram
from checker.checks.endpoint.load import percentile
from checker.results.chart_data import LATENCY_BUDGET, LATENCY_HISTOGRAM
from checker.results.model import CheckResult, Location, Report, Status

HOSTILE_LABELS = (
    'say "hi"', "x]y[z", '%%{init: {"theme": "dark"}}%%', "a --> b", "line1\nline2", "`tick`",
    "<!-- mlsmoke:x -->", "#quot; &lt; $$x$$", "end\n```\n<b>x</b>", "a; b: c, d", "",
)
DRIFT_SUBJECT = "wine: data/reference.csv → data/current.csv"
_NUMERIC_BINS = ["< 2.9", "[2.9, 3.1)", "[3.1, 3.2)", "[3.2, 3.3)", "[3.3, 3.4)", "[3.4, 3.6]", "> 3.6"]
_REFERENCE = [0.0, 0.18, 0.22, 0.25, 0.2, 0.15, 0.0]
_CURRENT = [0.02, 0.05, 0.08, 0.15, 0.25, 0.3, 0.15]


def _latencies(seed: int = 7, n: int = 200) -> list[float]:
    rng = random.Random(seed)
    return sorted([rng.lognormvariate(5.5, 0.35) for _ in range(n - 2)] + [900.0, 1400.0])


def latency_check(endpoint: str, budget_ms: float = 300.0) -> CheckResult:
    latencies = _latencies()
    p50, p95 = round(percentile(latencies, 50), 2), round(percentile(latencies, 95), 2)
    status = Status.FAIL if p95 > budget_ms else Status.PASS
    return CheckResult(
        id="endpoint.latency", status=status, subject=endpoint,
        summary=f"over budget: p95 {p95:g} ms > {budget_ms:g} ms ({len(latencies)} requests)",
        metrics={"p50_ms": p50, "p95_ms": p95, "max_ms": latencies[-1], "requests": len(latencies),
                 "failed": 0, "concurrency": 4},
        evidence={"outcomes": {"200": len(latencies)}, LATENCY_HISTOGRAM: histogram(latencies, budget_ms),
                  LATENCY_BUDGET: {"p95_ms": budget_ms}},
        location=Location("mlsmoke.yml", 40), duration_s=2.5)


def psi_check(numeric: str, categorical: str, categories: tuple[str, ...]) -> CheckResult:
    shares = [0.4, 0.3, 0.2, 0.1, 0.0][: len(categories)] + [0.0] * max(0, len(categories) - 5)
    moved = list(reversed(shares))
    drifting = [
        ColumnDrift(numeric, "numeric", 178, 120, psi=0.412,
                    bins=list(zip(_NUMERIC_BINS, _REFERENCE, _CURRENT, strict=True))),
        ColumnDrift(categorical, "categorical", 178, 120, psi=0.318,
                    bins=[*zip(categories, shares, moved, strict=True), ("(unseen in reference)", 0.0, 0.0)]),
    ]
    by_column = {numeric: 0.412, categorical: 0.318, "alcohol": 0.031, "color_intensity": 0.012}
    return CheckResult(
        id="drift.psi", status=Status.FAIL, subject=DRIFT_SUBJECT,
        summary=f"PSI above 0.2 in 2 of 4 columns: {numeric} 0.412, {categorical} 0.318",
        metrics={"psi": 0.412, "column": numeric, "psi_max": 0.2, "by_column": by_column},
        evidence={"reference": "data/reference.csv", "current": "data/current.csv",
                  **distributions(drifting)},
        location=Location("mlsmoke.yml", 21), duration_s=0.3)


def _report(checks: list[CheckResult], title: str = "ML smoke checks") -> Report:
    return Report(status=Status.FAIL, checks=checks, started_at="2026-11-23T10:00:00Z", duration_s=4.2,
                  environment={"commit": "1111111", "run_url": "https://github.com/acme/wine/actions/runs/42"},
                  title=title, mlsmoke_version="0.1.0")


def charted_report() -> Report:
    """A failing drift case (a numeric and a categorical column) and a latency over budget."""
    passing = CheckResult(id="drift.ks", status=Status.PASS, subject=DRIFT_SUBJECT,
                          summary="no column drifts", duration_s=0.1)
    return _report([psi_check("pH", "region", ("north", "south", "east", "west")), passing,
                    latency_check("http://127.0.0.1:8080")])


def hostile_chart_report() -> Report:
    """Hostile column names, category values and endpoint names in every chart label."""
    return _report([psi_check(HOSTILE_LABELS[0] + " " + HOSTILE_LABELS[2], HOSTILE_LABELS[3], HOSTILE_LABELS),
                    latency_check("http://h/" + " ".join(HOSTILE_LABELS))], title="Smoke --> %%{init}")
