"""Mermaid charts in the report, each with a table fallback, built from what the checks record
in their evidence (checker.results.chart_data) and from results.json's `compare` object:
latency histograms, drift distributions and PSI per feature, and latency and pipeline metrics
against the base branch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.results.chart_data import CHART_KEYS

if TYPE_CHECKING:  # the chart records and builders are imported only when there is a chart to draw
    from checker.render.charts.view import ChartView
    from checker.results.model import CheckResult, Report

MAX_PER_FAMILY = 8


def charts_by_family(report: Report) -> dict[str, tuple[ChartView, ...]]:
    """The charts under each family's heading: {family: charts}."""
    grouped: dict[str, list[CheckResult]] = {}
    for check in report.checks:
        grouped.setdefault(check.family, []).append(check)
    deltas = (report.compare or {}).get("deltas")
    deltas = deltas if isinstance(deltas, Mapping) else {}
    if not deltas and not any(CHART_KEYS & check.evidence.keys() for check in report.checks):
        return {}  # nothing to draw: neither the chart builders nor their records are imported
    return {name: charts for name, checks in grouped.items() if (charts := family_charts(checks, deltas))}


def family_charts(checks: Sequence[CheckResult], deltas: Mapping[str, Any] | None = None
                  ) -> tuple[ChartView, ...]:
    """The charts of one family's results, in their order, each once (drift.psi and drift.ks
    both record a column that drifts by both), at most MAX_PER_FAMILY; `deltas` (the
    comparison's) add base-against-head charts: latency per endpoint, the pipeline's metrics."""
    from checker.render.charts.drift import drift_charts
    from checker.render.charts.latency import base_latency_charts, latency_charts
    from checker.render.charts.pipeline import base_metrics_charts

    deltas = deltas or {}
    found = [chart for check in checks
             for chart in (*latency_charts(check), *base_latency_charts(check, deltas), *drift_charts(check))]
    if checks and checks[0].family == "pipeline":
        found += base_metrics_charts(deltas)
    once = list({chart.block: chart for chart in found}.values())
    return tuple(once[:MAX_PER_FAMILY])
