"""The evidence keys that charts are drawn from: the checks write them, the report reads them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# endpoint latency: {"edges_ms": [e0, …, en], "counts": [c0, …, cn-1]} over successful requests;
# bucket i holds latencies in [e_i, e_i+1), the last one its upper edge too
LATENCY_HISTOGRAM = "latency_histogram"
LATENCY_BUDGET = "budget_ms"  # {"p50_ms": 100, "p95_ms": 300, …}: the budget the check applied
# drift.psi and drift.ks: [{"column", "kind", "reference_n", "current_n", "bins": [{"bin",
# "reference", "current"}]}] (shares of values) for each column the check finds drifting
DISTRIBUTIONS = "distributions"


def chart_budget(limits: object) -> float | None:
    """The one latency limit a histogram marks: p95's, else the maximum's, else p50's."""
    if not isinstance(limits, dict):
        return None
    found = (limits.get(key) for key in ("p95_ms", "max_ms", "p50_ms"))
    return next((float(v) for v in found if isinstance(v, (int, float)) and not isinstance(v, bool)), None)


CHART_KEYS = frozenset({LATENCY_HISTOGRAM, DISTRIBUTIONS})


def without_chart_data(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """`evidence` less what the charts draw (results.json keeps it; the report shows it as charts)."""
    return {key: value for key, value in evidence.items() if key not in CHART_KEYS}
