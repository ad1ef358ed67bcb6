"""The latency histogram the latency check records: at most MAX_BUCKETS equal buckets with
round edges (one of them on the budget, when the budget lies among them), plus one bucket for
the slow tail when it lies far beyond p95 (so one outlier does not squeeze the other bars)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from typing import Any

from checker.checks.endpoint.load import LoadResult, percentile
from checker.results.chart_data import LATENCY_BUDGET, LATENCY_HISTOGRAM, chart_budget

MAX_BUCKETS = 12
_TARGET = 10


def latency_chart_data(measured: LoadResult, limits: Mapping[str, float]) -> dict[str, Any]:
    """The latency check's evidence for its chart: the histogram and the budget it applied."""
    found = histogram(measured.ok_latencies_ms, chart_budget(dict(limits)))
    if not found:
        return {}
    return {LATENCY_HISTOGRAM: found, **({LATENCY_BUDGET: dict(limits)} if limits else {})}


def histogram(sorted_ms: Sequence[float], budget_ms: float | None = None) -> dict[str, Any]:
    """{"edges_ms": [...], "counts": [...]} of `sorted_ms` (ascending); {} when it is empty."""
    if not sorted_ms:
        return {}
    low, high = sorted_ms[0], sorted_ms[-1]
    tail_from = percentile(sorted_ms, 95) * 2
    grid_top = min(high, tail_from)
    step = _nice_step((grid_top - low) / _TARGET or max(low * 0.1, 0.01))
    anchor = budget_ms if budget_ms is not None and budget_ms <= high else 0.0  # the budget on the grid
    while True:  # rounding at both ends can add two buckets: then wider ones
        start = anchor + math.floor((low - anchor) / step) * step
        count = max(1, math.floor((grid_top - start) / step) + 1)
        if count <= MAX_BUCKETS:
            break
        step *= 2
    edges = [round(start + i * step, 6) for i in range(count + 1)]
    if high > edges[-1]:
        edges.append(math.ceil(high * 1000) / 1000)  # rounded up: the slowest stays inside
    return {"edges_ms": edges, "counts": _counts(sorted_ms, edges)}


def _counts(sorted_ms: Sequence[float], edges: list[float]) -> list[int]:
    cuts = [bisect.bisect_left(sorted_ms, edge) for edge in edges[1:-1]]
    bounds = [0, *cuts, len(sorted_ms)]
    return [bounds[i + 1] - bounds[i] for i in range(len(edges) - 1)]


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is at least `raw`."""
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9)))
