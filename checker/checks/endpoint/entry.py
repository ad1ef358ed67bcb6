"""One `endpoint` entry while its checks run: where it answers, the HTTP client, the request
every model check shares, the tally behind endpoint.errors (and endpoint.metrics), and what to
close at the end."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import field, replace
from typing import Any

from checker.checks.endpoint.exposition import Scrape
from checker.checks.endpoint.http import HttpClient
from checker.checks.endpoint.request import PredictRequest, Tally
from checker.checks.registry import (
    ENDPOINT_HEALTH,
    ENDPOINT_MALFORMED,
    ENDPOINT_METRICS,
    ENDPOINT_PARITY,
    ENDPOINT_SERVE,
)
from checker.config.endpoint_schema import Endpoint
from checker.contracts.model import Contract
from checker.record import record
from checker.results.clip import clip_tail
from checker.results.model import CheckResult, Location, Status, truncate
from checker.run.context import RunContext

LOG_CHARS = 1800


@record(frozen=False)
class EntryCheck:
    ctx: RunContext
    index: int
    entry: Endpoint
    subject: str
    url: str | None  # None until `serve` starts the service
    contract: Contract | None
    stack: ExitStack
    deadline: float = 0.0  # time.monotonic() bounding every request, retry and the build
    logs: Callable[[], str] | None = None  # once serve started a container: its logs
    request: PredictRequest | None = None
    tally: Tally = field(default_factory=Tally)
    probes_sent: int = 0  # endpoint.malformed's requests: errors mlsmoke provoked on purpose
    metrics_before: Scrape | None = None  # the metrics page once health passed (endpoint.metrics)
    ran_out_during: str = "making the request rows"  # the model check that ran last
    _client: HttpClient | None = None

    def __post_init__(self) -> None:
        self.deadline = min(time.monotonic() + self.entry.deadline, self.ctx.deadline.at)  # the run's too

    def applies(self, check_id: str) -> bool:
        if check_id == ENDPOINT_SERVE.id:
            return self.entry.serve is not None
        if check_id == ENDPOINT_HEALTH.id:
            return True
        if check_id == ENDPOINT_METRICS.id:
            return self.entry.metrics is not None  # an ancillary service's metrics too
        if self.entry.health_only:
            return False
        if check_id == ENDPOINT_PARITY.id:
            return self.entry.parity is not None
        return check_id != ENDPOINT_MALFORMED.id or self.entry.malformed is not None

    def client(self) -> HttpClient:
        if self._client is None:
            self._client = HttpClient(dict(self.entry.headers), self.entry.request_timeout, self.deadline)
        return self._client

    def out_of_time(self, check_id: str) -> CheckResult | None:
        """A failed result for a model check the endpoint deadline left no time for, naming the
        step that was running when it hit; None while there is time."""
        if self.client().remaining() > 0:
            return None
        during, deadline = self.ran_out_during, self.entry.deadline
        whose = (f"the endpoint deadline ({deadline:g}s)" if self.deadline < self.ctx.deadline.at
                 else self.ctx.deadline.whose)
        summary = f"not run: {whose} ran out during {during}"
        evidence = {"reason": "the endpoint checks' deadline has passed", "ran_out_during": during}
        return self.result(CheckResult(id=check_id, status=Status.FAIL, summary=summary, evidence=evidence,
                                       location=self.location("deadline")))

    def begin(self, check_id: str) -> CheckResult | None:
        """Start a model check: its out-of-time failure when the deadline has passed, else None
        with `check_id` noted as the check now running."""
        late = self.out_of_time(check_id)
        if late is None:
            self.ran_out_during = check_id
        return late

    def location(self, *keys: Any) -> Location:
        return self.ctx.location("endpoint", self.index, *keys)

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult | None:
        if not self.applies(check_id):
            return None
        return CheckResult(id=check_id, status=status, summary=summary, subject=self.subject,
                           location=self.location())

    def result(self, result: CheckResult) -> CheckResult:
        """`result` as this entry reports it: with the entry as subject, the entry's location
        unless the check names one, and the tail of the container's logs on a failure."""
        found = dict(result.evidence)
        if result.status in (Status.FAIL, Status.ERROR) and self.logs is not None:
            found["container_logs"] = tail(self.logs())
        return replace(result, subject=self.subject, metrics=dict(result.metrics), evidence=truncate(found),
                       location=result.location or self.location())


def tail(text: str) -> str:
    return clip_tail(text, LOG_CHARS)
