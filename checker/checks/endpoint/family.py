"""The endpoint family: for each `endpoint` entry, optionally start it (`serve`), then
`endpoint.health`, and for a model endpoint (one with a contract) `endpoint.predict`,
`endpoint.latency`, `endpoint.malformed` and `endpoint.errors`.

Each entry has a deadline that bounds every request, retry and the container build; header
values are never recorded (the runner redacts every result against the config's secrets as
well). A container started here is always stopped and removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack

from checker.checks.endpoint import steps
from checker.checks.endpoint.http import HttpClient, public_url
from checker.checks.endpoint.request import PredictRequest, Tally
from checker.config.schema import Config, Endpoint
from checker.results.model import CheckResult, Status
from checker.run.context import RunContext

MODEL_CHECKS = ("endpoint.predict", "endpoint.latency", "endpoint.malformed", "endpoint.errors")


def run(config: Config, ctx: RunContext) -> Iterable[CheckResult]:
    for index, entry in enumerate(config.endpoint):  # --staging-url is already in its entry
        yield from _entry_results(config, ctx, index, entry, entry.url)


def subject_of(entry: Endpoint, url: str | None) -> str:
    if entry.name:
        return entry.name
    if url:
        return public_url(url)
    return f"serve {entry.serve.build or entry.serve.image}" if entry.serve else "endpoint"


def _entry_results(config: Config, ctx: RunContext, index: int, entry: Endpoint,
                   url: str | None) -> Iterator[CheckResult]:
    deadline = time.monotonic() + entry.deadline
    subject = subject_of(entry, url)
    step = steps.Step(ctx=ctx, index=index, entry=entry, subject=subject)
    with ExitStack() as stack:
        if entry.serve is not None and url is None:
            session = steps.new_serve_session(entry, ctx, deadline)
            stack.callback(session.close)
            serve_result, url = step.serve(session)
            yield serve_result
            if url is None:
                yield from _skipped(step, ("endpoint.health", *_model_checks(entry)),
                                    "the service did not start")
                return
            step = step.with_logs(session.logs)
        elif entry.serve is not None:
            yield step.skip("endpoint.serve", "--staging-url given: testing the deployed service instead")
        assert url is not None
        client = HttpClient(dict(entry.headers), entry.request_timeout, deadline)
        health = step.health(client, url)
        yield health
        if health.status is not Status.PASS:
            late = " (the endpoint deadline ran out during it)" if client.remaining() <= 0 else ""
            yield from _skipped(step, _model_checks(entry), f"the health check failed{late}")
            return
        if entry.health_only:
            return
        yield from _model_results(config, step, client, url)


def _model_results(config: Config, step: steps.Step, client: HttpClient, url: str) -> Iterator[CheckResult]:
    entry = step.entry
    assert entry.contract is not None
    try:
        request = PredictRequest.build(config.contract(entry.contract), entry)
    except ValueError as exc:
        yield step.result(CheckResult("endpoint.predict", Status.ERROR, f"cannot make request rows: {exc}",
                                      location=step.location("contract")))
        yield from _skipped(step, _model_checks(entry)[1:], "no request rows could be made from the contract")
        return
    tally = Tally()
    planned: list[tuple[str, Callable[[], CheckResult]]] = [
        ("endpoint.predict", lambda: step.predict(client, url, request, tally)),
        ("endpoint.latency", lambda: step.latency(client, url, request, tally))]
    if entry.malformed is not None:
        planned.append(("endpoint.malformed", lambda: step.malformed(client, url, request)))
    for position, (_, run_check) in enumerate(planned):
        if client.remaining() <= 0:
            ran_out_during = planned[position - 1][0] if position else "making the request rows"
            left = [c for c, _ in planned[position:]] + ([] if tally.total else ["endpoint.errors"])
            yield from _out_of_time(step, left, ran_out_during)
            if not tally.total:
                return
            break
        yield run_check()
    yield step.errors(tally)


def _model_checks(entry: Endpoint) -> tuple[str, ...]:
    if entry.health_only:
        return ()
    return MODEL_CHECKS if entry.malformed is not None else tuple(c for c in MODEL_CHECKS
                                                                  if c != "endpoint.malformed")


def _out_of_time(step: steps.Step, check_ids: Iterable[str], ran_out_during: str) -> Iterator[CheckResult]:
    """Checks the deadline left no time for: failed, naming what was running when it hit."""
    deadline = step.entry.deadline
    for check_id in check_ids:
        yield step.result(CheckResult(
            check_id, Status.FAIL,
            f"not run: the endpoint deadline ({deadline:g}s) ran out during {ran_out_during}",
            evidence={"reason": "the endpoint checks' deadline has passed", "ran_out_during": ran_out_during},
            location=step.location("deadline")))


def _skipped(step: steps.Step, check_ids: Iterable[str], reason: str) -> Iterator[CheckResult]:
    for check_id in check_ids:
        yield step.skip(check_id, f"skipped: {reason}")
