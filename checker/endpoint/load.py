"""The latency driver: `requests` POSTs of one prepared body from `concurrency` worker threads,
each with its own `requests.Session` (its own connection pool, kept alive), so the driver
measures the server rather than connection set-up. Latency is time to the last body byte.

bench/endpoint_driver.py compares it with wrk on the same server (bench/RESULTS.md).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from checker.endpoint.http import MAX_BODY, USER_AGENT, describe_failure, new_session, read_capped


@dataclass(frozen=True)
class Sample:
    latency_s: float
    status: int | None
    error: str | None = None


@dataclass(frozen=True)
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


def drive(url: str, body: bytes, *, requests: int, concurrency: int, timeout: float,
          headers: Mapping[str, str] | None = None, deadline: float | None = None,
          content_type: str = "application/json", verify: bool | str = True) -> LoadResult:
    """Send `requests` POSTs of `body` to `url`; stop early (what was sent counts) at `deadline`."""
    counter = itertools.count()
    samples: list[Sample] = []
    lock = threading.Lock()
    request_headers = {"User-Agent": USER_AGENT, **(headers or {}), "Content-Type": content_type}

    def worker() -> None:
        import requests as rq

        session = new_session()
        prepared = session.prepare_request(rq.Request("POST", url, data=body, headers=request_headers))
        mine: list[Sample] = []
        try:
            while next(counter) < requests:
                limit = timeout if deadline is None else min(timeout, deadline - time.monotonic())
                if limit <= 0:
                    break
                mine.append(_one(session, prepared, limit, verify))
        finally:
            session.close()
            with lock:
                samples.extend(mine)

    threads = [threading.Thread(target=worker, name=f"mlsmoke-load-{i}", daemon=True)
               for i in range(max(1, min(concurrency, requests)))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    statuses = Counter(str(s.status) if s.error is None else s.error for s in samples)
    return LoadResult(tuple(samples), requests, wall, dict(statuses))


def _one(session: object, prepared: object, limit: float, verify: bool | str) -> Sample:
    import requests as rq

    started = time.perf_counter()
    try:
        response = session.send(prepared, timeout=limit, allow_redirects=False,  # type: ignore[attr-defined]
                                stream=True, verify=verify)
        with response:
            read_capped(response, MAX_BODY)
            status = response.status_code
    except rq.RequestException as exc:
        return Sample(time.perf_counter() - started, None, describe_failure(exc, limit)[1])
    return Sample(time.perf_counter() - started, status)
