"""Latency charts: the histogram of one endpoint's requests (bars over latency buckets, the
buckets over the budget in a second colour, p50 and p95 marked on their buckets) and, when a
base comparison exists, the base against the head."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from checker.record import record
from checker.render.charts.mermaid import MAX_BARS, Series, XYChart, clip
from checker.render.charts.view import ChartView, chart_view
from checker.results.chart_data import LATENCY_BUDGET, LATENCY_HISTOGRAM, chart_budget
from checker.results.compare import number
from checker.results.model import CheckResult

Pair = tuple[float | None, float | None]  # (base, head)


@record
class Marks:
    """What a histogram marks: the percentiles on their buckets, the budget by colour."""

    p50: float | None = None
    p95: float | None = None
    budget: float | None = None


def latency_charts(check: CheckResult) -> list[ChartView]:
    """The histogram of a check whose evidence carries one (a well-formed one), else none."""
    found = _histogram(check.evidence.get(LATENCY_HISTOGRAM))
    if found is None:
        return []
    edges, counts = found
    marks = Marks(number(check.metrics.get("p50_ms")), number(check.metrics.get("p95_ms")),
                  chart_budget(check.evidence.get(LATENCY_BUDGET)))
    return [latency_histogram(check.subject or check.id, edges, counts, marks)]


def base_latency_charts(check: CheckResult, deltas: Mapping[str, Any]) -> list[ChartView]:
    """p50 and p95 of a latency check's endpoint on the base and the head, when the comparison
    (`deltas`, results.json's `compare.deltas`) has the base side of it."""
    latency = deltas.get("latency")
    found = latency.get(check.subject or check.id) if isinstance(latency, Mapping) else None
    if not isinstance(found, Mapping) or number(check.metrics.get("p95_ms")) is None:
        return []
    p50, p95 = _pair(found.get("p50_ms")), _pair(found.get("p95_ms"))
    if p50[0] is None and p95[0] is None:
        return []
    budget = chart_budget(check.evidence.get(LATENCY_BUDGET))
    return [latency_vs_base(check.subject or check.id, p50, p95, budget)]


def _pair(value: Any) -> Pair:
    """(base, head) from a compare delta {"base", "head"}: finite numbers, or None."""
    value = value if isinstance(value, Mapping) else {}
    return number(value.get("base")), number(value.get("head"))


def latency_histogram(endpoint: str, edges: Sequence[float], counts: Sequence[int],
                      marked: Marks = Marks()) -> ChartView:
    """Requests per latency bucket [edges[i], edges[i+1]); the buckets from the budget up are
    a second bar series (a second colour). The chart names a bucket by its start (short labels
    do not overlap), the table by its range."""
    last = len(counts) - 1
    marks = [_marks(edges[i], edges[i + 1], marked, last=i == last) for i in range(len(counts))]
    within = tuple(float(c) if marked.budget is None or edges[i] < marked.budget else 0.0
                   for i, c in enumerate(counts))
    over = tuple(float(c) - w for c, w in zip(counts, within, strict=True))
    series = (Series("bar", within),) + ((Series("bar", over),) if any(over) else ())
    starts = [_ms(edges[i]) + ("+" if 0 < i == last else "") for i in range(len(counts))]
    chart = XYChart(title=f"{clip(endpoint, 36)}: {_figures(marked)}", x_title="latency (ms, bucket start)",
                    categories=tuple(f"{s} {m.removesuffix('over budget')}".strip()
                                     for s, m in zip(starts, marks, strict=True)),
                    y_title="requests", series=series)
    buckets = [f"{_ms(edges[i])}–{_ms(edges[i + 1])}" for i in range(len(counts))]
    rows = [(b, str(c), m) for b, c, m in zip(buckets, counts, marks, strict=True)]
    return chart_view(chart, f"Latency of {endpoint} as a table", ("latency (ms)", "requests", "note"), rows)


def _figures(marked: Marks) -> str:
    named = (("p50", marked.p50), ("p95", marked.p95), ("budget", marked.budget))
    shown = [f"{name} {_ms(v)}" for name, v in named if v is not None]
    return ", ".join(shown) + " ms" if shown else "latency"


def latency_vs_base(endpoint: str, p50: Pair, p95: Pair, budget: float | None = None) -> ChartView:
    """p50 and p95 of the base and the head side by side (a bar pair per percentile), the
    budget as a line. A percentile one side did not report is in the table only (not a 0 bar),
    unless neither percentile has both sides."""
    names = ("p50", "p95")
    pairs = (p50, p95)
    both = [(n, pair) for n, pair in zip(names, pairs, strict=True) if None not in pair]
    drawn = both or list(zip(names, pairs, strict=True))
    categories = tuple(f"{n} {side}" for n, _ in drawn for side in ("base", "head"))
    base = tuple(v for _, pair in drawn for v in (pair[0] or 0.0, 0.0))
    head = tuple(v for _, pair in drawn for v in (0.0, pair[1] or 0.0))
    series = [Series("bar", base), Series("bar", head)]
    if budget is not None:
        series.append(Series("line", (budget,) * len(categories)))
    title = f"{clip(endpoint, 30)}: base vs head" + (f" (line: budget {_ms(budget)} ms)" if budget else "")
    chart = XYChart(title=title, x_title="percentile", categories=categories, y_title="ms",
                    series=tuple(series))
    rows = [(n, _cell_ms(b), _cell_ms(h), _change(b, h)) for n, (b, h) in zip(names, pairs, strict=True)]
    return chart_view(chart, f"Latency of {endpoint}, base vs head, as a table",
                      ("percentile", "base", "head", "change"), rows)


def _marks(low: float, high: float, marked: Marks, last: bool) -> str:
    def inside(v: float | None) -> bool:
        return v is not None and low <= v and (v < high or (last and v <= high))
    found = [name for name, v in (("p50", marked.p50), ("p95", marked.p95)) if inside(v)]
    if marked.budget is not None and low >= marked.budget:
        found.append("over budget")
    return " ".join(found)


def _histogram(data: Any) -> tuple[list[float], list[int]] | None:
    """(edges, counts) from a results.json's evidence, or None when it is not well formed."""
    if not isinstance(data, Mapping):
        return None
    edges, counts = data.get("edges_ms"), data.get("counts")
    if not (isinstance(edges, list) and isinstance(counts, list) and 0 < len(counts) <= MAX_BARS
            and len(edges) == len(counts) + 1 and all(number(e) is not None for e in edges)
            and all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts)):
        return None
    if any(b < a for a, b in itertools.pairwise(edges)):
        return None
    return [float(e) for e in edges], list(counts)


def _ms(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def _cell_ms(value: float | None) -> str:
    return "–" if value is None else f"{_ms(value)} ms"


def _change(base: float | None, head: float | None) -> str:
    if base is None or head is None or base == 0:
        return "–"
    return f"{(head - base) / base:+.0%}"
