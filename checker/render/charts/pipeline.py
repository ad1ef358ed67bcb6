"""Pipeline metrics of the base against the head: a bar pair per metric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.render.charts.mermaid import MAX_BARS, Series, XYChart, clip
from checker.render.charts.view import ChartView, chart_view
from checker.results.compare import number

Pair = tuple[float | None, float | None]  # (base, head); None: the side did not report it
SCALE = 10  # how many times larger or smaller than the first metric a drawn one may be


def base_metrics_charts(deltas: Mapping[str, Any]) -> list[ChartView]:
    """The pipeline's metrics on the base and the head, from the comparison's `deltas`."""
    metrics = deltas.get("metrics")
    if not isinstance(metrics, Mapping):
        return []
    pairs = {str(name): (number(v.get("base")), number(v.get("head")))
             for name, v in metrics.items() if isinstance(v, Mapping)}
    chart = metrics_vs_base(pairs)
    return [chart] if chart is not None else []


def metrics_vs_base(metrics: Mapping[str, Pair]) -> ChartView | None:
    """Base and head of each metric (at most MAX_BARS / 2 in the chart, all in the table);
    None when no metric has both sides. A metric below 0 is in the table only (Mermaid cannot
    draw a bar down from 0), and so is one more than SCALE times larger or smaller than the first
    metric drawn (one axis would show it, or the first, as an invisible bar)."""
    compared = [(name, (b, h)) for name, (b, h) in metrics.items() if b is not None and h is not None]
    plotted = _same_scale([(name, (b, h)) for name, (b, h) in compared if min(b, h) >= 0])
    if not plotted:
        return None
    shown = plotted[: MAX_BARS // 2]
    more = f" ({len(shown)} of {len(compared)}, all in the table)" if len(compared) > len(shown) else ""
    categories = tuple(f"{clip(name, 17)} {side}" for name, _ in shown for side in ("base", "head"))
    base = tuple(v for _, (b, _h) in shown for v in (b, 0.0))
    head = tuple(v for _, (_b, h) in shown for v in (0.0, h))
    chart = XYChart(title=f"Pipeline metrics: base vs head{more}", x_title="metric",
                    categories=categories, y_title="value",
                    series=(Series("bar", base), Series("bar", head)))
    rows = [(name, _value(b), _value(h), _delta(b, h)) for name, (b, h) in metrics.items()]
    return chart_view(chart, "Pipeline metrics, base vs head, as a table",
                      ("metric", "base", "head", "change"), rows)


def _same_scale(metrics: list[tuple[str, tuple[float, float]]]) -> list[tuple[str, tuple[float, float]]]:
    """The metrics on the scale of the first one that is not 0 (a 0 fits any scale)."""
    anchor = next((max(pair) for _, pair in metrics if max(pair) > 0), None)
    if anchor is None:
        return metrics
    return [(name, pair) for name, pair in metrics
            if max(pair) == 0 or anchor / SCALE <= max(pair) <= anchor * SCALE]


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def _delta(base: float | None, head: float | None) -> str:
    return "–" if base is None or head is None else f"{head - base:+.4g}"
