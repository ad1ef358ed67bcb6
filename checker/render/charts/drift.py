"""Drift charts for a drift result that fails or warns: PSI per feature against the threshold
(drift.psi), and each drifting column's reference and current distributions over the same bins
(numeric: the reference as bars, the current as a line; categorical: a bar pair per category)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from checker.render.charts.mermaid import MAX_BARS, Series, XYChart, clip
from checker.render.charts.view import ChartView, chart_view, is_number, share
from checker.results.chart_data import DISTRIBUTIONS
from checker.results.model import CheckResult, Status

Bin = tuple[str, float, float]  # label, reference share, current share
MAX_PAIRS = MAX_BARS // 2


def drift_charts(check: CheckResult) -> list[ChartView]:
    """The charts of a failing or warning drift result (what its evidence and metrics hold)."""
    columns = check.evidence.get(DISTRIBUTIONS)
    scores, threshold = check.metrics.get("by_column"), check.metrics.get("psi_max")
    if check.status < Status.WARN or not isinstance(columns, list):
        return []
    charts = []
    if isinstance(scores, Mapping) and isinstance(threshold, (int, float)):
        numbers = {str(k): float(v) for k, v in scores.items() if is_number(v) and math.isfinite(v)}
        if numbers:
            charts.append(psi_chart(numbers, float(threshold)))
    for column in columns:
        parsed = _distribution(column)
        if parsed is not None:
            charts.append(distribution_chart(*parsed))
    return charts


def psi_chart(by_column: Mapping[str, float], threshold: float) -> ChartView:
    """PSI of each feature (highest first, at most MAX_BARS), the threshold as a line."""
    ranked = sorted(by_column.items(), key=lambda item: -item[1])
    shown = ranked[:MAX_BARS]
    more = f", highest {len(shown)} of {len(ranked)}" if len(ranked) > len(shown) else ""
    chart = XYChart(title=f"PSI per feature (line: threshold {threshold:g}{more})", x_title="feature",
                    categories=tuple(name for name, _ in shown), y_title="PSI",
                    series=(Series("bar", tuple(v for _, v in shown)),
                            Series("line", (threshold,) * len(shown))))
    rows = [(name, f"{v:.4f}", "over" if v > threshold else "") for name, v in ranked]
    header = ("feature", "PSI", f"threshold {threshold:g}")
    return chart_view(chart, "PSI per feature as a table", header, rows)


def distribution_chart(column: str, kind: str, bins: Sequence[Bin]) -> ChartView:
    """`column`'s share of values per bin in the reference and the current data."""
    name = clip(column, 40)
    if kind == "categorical":
        shown = [b for b in bins if b[1] or b[2]][:MAX_PAIRS]
        more = f", {len(shown)} of {len(bins)} categories" if len(bins) > len(shown) else ""
        categories = tuple(f"{clip(b[0], 17)} {side}" for b in shown for side in ("ref", "cur"))
        series = (Series("bar", tuple(v for b in shown for v in (b[1] * 100, 0.0))),
                  Series("bar", tuple(v for b in shown for v in (0.0, b[2] * 100))))
        title = f"{name}: reference vs current{more}"
    else:
        categories = tuple(b[0] for b in bins)
        series = (Series("bar", tuple(b[1] * 100 for b in bins)),
                  Series("line", tuple(b[2] * 100 for b in bins)))
        title = f"{name}: reference (bars) vs current (line)"
    chart = XYChart(title=title, x_title="bin" if kind != "categorical" else "category",
                    categories=categories, y_title="percent of values", series=series)
    rows = [(b[0], share(b[1]), share(b[2])) for b in bins]
    return chart_view(chart, f"Distribution of {column} as a table", ("bin", "reference", "current"), rows)


def _distribution(data: Any) -> tuple[str, str, list[Bin]] | None:
    """(column, kind, bins) from a results.json's evidence, or None when it is not well formed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("bins"), list):
        return None
    bins = [(str(b.get("bin")), float(b["reference"]), float(b["current"])) for b in data["bins"]
            if isinstance(b, Mapping) and _share(b.get("reference")) and _share(b.get("current"))]
    if not bins or len(bins) != len(data["bins"]):
        return None
    return str(data.get("column", "")), str(data.get("kind", "")), bins


def _share(value: Any) -> bool:
    return is_number(value) and 0 <= value <= 1
