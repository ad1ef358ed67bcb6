"""Health polling with exponential backoff: a fresh deploy warms up, so a refused connection or
a 503 early on is retried until the health timeout. Every attempt is kept for the evidence."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from checker.checks.endpoint.http import Exchange, HttpClient, join_url, public_url
from checker.record import record

FIRST_DELAY_S = 0.2
MAX_DELAY_S = 2.0
MIN_ATTEMPT_S = 1.0
KEEP_FIRST, KEEP_LAST = 5, 10


@record
class HealthOutcome:
    healthy: bool
    waited_s: float
    attempts: list[dict[str, Any]] = field(default_factory=list)
    last: Exchange | None = None
    failed_at: int | None = None  # the index in `paths` of the path that answered last, not ready
    reason: str = ""  # why that answer did not count as ready

    def attempts_evidence(self) -> list[Any]:
        """The first and last attempts: enough to see how warm-up went without 100 lines."""
        if len(self.attempts) <= KEEP_FIRST + KEEP_LAST:
            return list(self.attempts)
        skipped = len(self.attempts) - KEEP_FIRST - KEEP_LAST
        return [*self.attempts[:KEEP_FIRST], f"… {skipped} more attempts …", *self.attempts[-KEEP_LAST:]]


def not_2xx(answer: Exchange) -> str | None:
    """Why `answer` does not count as healthy (None when it is a 2xx)."""
    return None if answer.ok else answer.outcome()


def wait_healthy(client: HttpClient, base_url: str, paths: Sequence[str], timeout: float,
                 not_ready: Callable[[Exchange], str | None] = not_2xx) -> HealthOutcome:
    """GET every path until all are ready (`not_ready` finds no reason) in one round, or
    `timeout` (or the deadline) passes."""
    started = time.monotonic()
    until = min(started + timeout, client.deadline)
    attempts: list[dict[str, Any]] = []
    delay = FIRST_DELAY_S
    last: Exchange | None = None
    failed_at, reason = None, ""
    while True:
        for index, path in enumerate(paths):
            # the last attempt, right at the timeout, still gets a fair second to answer
            budget = max(min(MIN_ATTEMPT_S, client.timeout), min(client.timeout, until - time.monotonic()))
            last = client.request("GET", join_url(base_url, path), timeout=budget)
            why = not_ready(last)
            attempts.append({"attempt": len(attempts) + 1, "at_s": round(time.monotonic() - started, 2),
                             "url": public_url(last.url), "outcome": why or last.outcome()})
            if why is not None:
                failed_at, reason = index, why
                break
        else:
            return HealthOutcome(True, time.monotonic() - started, attempts, last)
        remaining = until - time.monotonic()
        if remaining <= 0:
            return HealthOutcome(False, time.monotonic() - started, attempts, last, failed_at, reason)
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY_S)
