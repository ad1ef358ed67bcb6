"""The latency driver: `requests` POSTs of one prepared body from `concurrency` worker threads,
each holding its own persistent connection (its own pool of one, kept alive), so the driver
measures the server rather than connection set-up. Latency is time to the last body byte.

It speaks HTTP/1.1 through the standard library's http.client rather than a requests.Session:
requests costs ~450 µs of CPU per call, which under the GIL inflated percentiles by 30 % next to
wrk; http.client costs a fraction of that (bench/endpoint_driver.py, bench/RESULTS.md). Like
the rest of the family it never follows a redirect (a 3xx is a failed request), reads at most
MAX_BODY bytes of an answer and applies a timeout to every request.
"""

from __future__ import annotations

import http.client
import itertools
import ssl
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from checker.endpoint.http import MAX_BODY, USER_AGENT, describe_failure


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
          content_type: str = "application/json", verify: bool = True) -> LoadResult:
    """Send `requests` POSTs of `body` to `url`; stop early (what was sent counts) at `deadline`."""
    counter = itertools.count()
    samples: list[Sample] = []
    lock = threading.Lock()
    target = _Target.parse(url, {"User-Agent": USER_AGENT, **(headers or {}), "Content-Type": content_type,
                                 "Content-Length": str(len(body))}, verify)

    def worker() -> None:
        mine: list[Sample] = []
        connection = None
        try:
            while next(counter) < requests:
                limit = timeout if deadline is None else min(timeout, deadline - time.monotonic())
                if limit <= 0:
                    break
                connection = connection or target.connect(limit)
                sample, keep = _one(connection, target, body, limit)
                mine.append(sample)
                if not keep:
                    connection.close()
                    connection = None
        finally:
            if connection is not None:
                connection.close()
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


@dataclass(frozen=True)
class _Target:
    https: bool
    host: str
    port: int | None
    path: str
    headers: Mapping[str, str]
    context: ssl.SSLContext | None

    @classmethod
    def parse(cls, url: str, headers: Mapping[str, str], verify: bool) -> _Target:
        parts = urlsplit(url)
        https = parts.scheme == "https"
        context = None
        if https:
            context = ssl.create_default_context()
            if not verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(https, parts.hostname or "", parts.port, path, dict(headers), context)

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def _one(connection: http.client.HTTPConnection, target: _Target, body: bytes,
         limit: float) -> tuple[Sample, bool]:
    """One request; (its sample, whether the connection can be reused)."""
    started = time.perf_counter()
    try:
        if connection.sock is not None:
            connection.sock.settimeout(limit)
        connection.request("POST", target.path, body=body, headers=dict(target.headers))
        response = connection.getresponse()
        content = response.read(MAX_BODY + 1)
        keep = len(content) <= MAX_BODY and not response.will_close
        if not keep:
            response.close()
        return Sample(time.perf_counter() - started, response.status), keep
    except (OSError, http.client.HTTPException) as exc:
        return Sample(time.perf_counter() - started, None, describe_failure(exc, limit)[1]), False
