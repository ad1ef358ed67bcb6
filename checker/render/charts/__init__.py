"""Mermaid charts in the report, each with a table fallback, built from what the checks record
in their evidence (checker.results.chart_data): latency histograms, drift distributions and PSI
per feature; builders for base-against-head charts take plain values."""

from __future__ import annotations

from collections.abc import Sequence

from checker.render.charts.drift import drift_charts
from checker.render.charts.latency import latency_charts
from checker.render.charts.view import ChartView as ChartView  # re-exported for the view model
from checker.results.model import CheckResult

MAX_PER_FAMILY = 8


def family_charts(checks: Sequence[CheckResult]) -> tuple[ChartView, ...]:
    """The charts of one family's results, in their order, each once (drift.psi and drift.ks
    both record a column that drifts by both), at most MAX_PER_FAMILY."""
    found = [chart for check in checks for chart in (*latency_charts(check), *drift_charts(check))]
    once = list({chart.block: chart for chart in found}.values())
    return tuple(once[:MAX_PER_FAMILY])
