"""The latency histogram the latency check records for its chart."""

from __future__ import annotations

import random

import pytest

from checker.checks.endpoint.histogram import MAX_BUCKETS, histogram, latency_chart_data
from checker.checks.endpoint.load import LoadResult, Sample
from checker.results.chart_data import LATENCY_BUDGET, LATENCY_HISTOGRAM


def lognormal(n: int, seed: int, mu: float = 4.0) -> list[float]:
    rng = random.Random(seed)
    return sorted(rng.lognormvariate(mu, 0.5) for _ in range(n))


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("budget", [None, 10.0, 60.0, 5000.0])
def test_buckets_are_bounded_and_hold_every_latency(seed: int, budget: float | None) -> None:
    rng = random.Random(seed)
    values = sorted(lognormal(rng.randint(1, 400), seed, mu=rng.uniform(-2, 8))
                    + [rng.uniform(0, 10) ** 4] * rng.randint(0, 2))
    found = histogram(values, budget)
    edges, counts = found["edges_ms"], found["counts"]
    assert len(counts) == len(edges) - 1 <= MAX_BUCKETS + 1  # + the slow tail
    assert sum(counts) == len(values)
    assert edges == sorted(edges) and edges[0] <= values[0] and edges[-1] >= values[-1]
    if budget is not None and edges[0] <= budget <= edges[-2]:
        assert budget in edges


def test_a_budget_inside_the_range_is_a_bucket_edge() -> None:
    found = histogram(lognormal(500, 1), budget_ms=70.0)
    assert 70.0 in found["edges_ms"]
    over = sum(c for e, c in zip(found["edges_ms"], found["counts"], strict=False) if e >= 70.0)
    assert over == sum(1 for v in lognormal(500, 1) if v >= 70.0)


def test_one_far_outlier_gets_a_bucket_of_its_own() -> None:
    values = [*lognormal(200, 2), 60_000.0]
    found = histogram(values)
    assert found["edges_ms"][-1] == 60_000.0 and found["counts"][-1] == 1
    assert found["edges_ms"][-2] < 1000  # the other buckets stay narrow


def test_equal_latencies_and_no_latencies() -> None:
    assert histogram([5.0] * 10) == {"edges_ms": [5.0, 5.5], "counts": [10]}
    assert histogram([]) == {}


def test_the_check_records_the_histogram_of_successful_requests_and_its_budget() -> None:
    samples = (Sample(0.010, 200), Sample(0.020, 200), Sample(0.5, 500), Sample(0.03, None, "timeout"))
    data = latency_chart_data(LoadResult(samples, 4, 1.0), {"p95_ms": 25.0})
    assert sum(data[LATENCY_HISTOGRAM]["counts"]) == 2
    assert data[LATENCY_BUDGET] == {"p95_ms": 25.0}
    assert latency_chart_data(LoadResult((Sample(0.5, 500),), 1, 1.0), {}) == {}
    assert LATENCY_BUDGET not in latency_chart_data(LoadResult(samples[:1], 1, 1.0), {})
