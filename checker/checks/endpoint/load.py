"""The latency driver: `requests` POSTs of one prepared body over `concurrency` persistent
keep-alive connections, so the driver measures the server rather than connection set-up.
Latency is the time from the request's first byte written to the answer's last byte read.

The connections are multiplexed by one thread over non-blocking sockets (checker.checks.endpoint.loop,
checker.checks.endpoint.wire) rather than one thread per connection: thread hand-offs under the GIL
added ~1 ms to every percentile next to wrk (bench/endpoint_driver.py, bench/RESULTS.md). Like
the rest of the family it never follows a redirect (a 3xx is a failed request), uses no proxy,
reads at most MAX_BODY bytes of an answer and applies a timeout to every request.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import field

from checker.checks.endpoint.http import USER_AGENT
from checker.checks.endpoint.loop import Loop, Sample
from checker.checks.endpoint.transport import Target
from checker.checks.endpoint.wire import serialise_request
from checker.record import record

__all__ = ["LoadPlan", "LoadResult", "Post", "Sample", "drive", "percentile"]


@record
class Post:
    """The one request the driver repeats."""

    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    verify: bool = True  # TLS certificates


@record
class LoadPlan:
    """How many requests, how many at once, each one's timeout, and when to stop early."""

    requests: int
    concurrency: int
    timeout: float
    deadline: float | None = None


@record
class LoadResult:
    samples: tuple[Sample, ...]
    planned: int
    wall_s: float
    statuses: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok_latencies_ms(self) -> list[float]:
        return sorted(s.latency_s * 1000 for s in self.samples
                      if s.error is None and s.status is not None and 200 <= s.status < 300)

    @property
    def failures(self) -> list[Sample]:
        return [s for s in self.samples if s.error is not None or not (200 <= (s.status or 0) < 300)]

    @property
    def requests_per_s(self) -> float:
        return len(self.samples) / self.wall_s if self.wall_s > 0 else 0.0

    def percentiles(self) -> dict[str, float]:
        latencies = self.ok_latencies_ms
        if not latencies:
            return {}
        return {"p50_ms": round(percentile(latencies, 50), 2), "p95_ms": round(percentile(latencies, 95), 2),
                "max_ms": round(latencies[-1], 2)}


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def drive(post: Post, plan: LoadPlan) -> LoadResult:
    """Send `plan.requests` of `post`; stop early (what was sent counts) at `plan.deadline`."""
    requests, concurrency, timeout, deadline = plan.requests, plan.concurrency, plan.timeout, plan.deadline
    target = Target.parse(post.url, post.verify)
    fields = {"User-Agent": USER_AGENT, **post.headers, "Content-Type": post.content_type}
    try:
        request = serialise_request("POST", target.authority, target.path, fields, post.body)
    except ValueError as exc:
        failed = Sample(0.0, None, f"not sent: {exc}")
        return LoadResult((failed,), requests, 0.0, {failed.error or "": 1})
    started = time.perf_counter()
    samples = Loop(target, request, requests=requests, timeout=timeout, deadline=deadline).run(concurrency)
    wall = time.perf_counter() - started
    statuses = Counter(str(s.status) if s.error is None else s.error for s in samples)
    return LoadResult(tuple(samples), requests, wall, dict(statuses))
