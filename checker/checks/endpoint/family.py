"""The endpoint family: for each `endpoint` entry, optionally start it (`serve`), then
`endpoint.health`, and for a model endpoint (one with a contract) `endpoint.predict`,
`endpoint.latency`, `endpoint.malformed` and `endpoint.errors` (the checks are in
`checker.checks.endpoint.steps`, run in registry order by the engine), and with `metrics:`
`endpoint.metrics` (`checker.checks.endpoint.metrics`).

Each entry has a deadline that bounds every request, retry and the container build; header
values are never recorded (the runner redacts every result against the config's secrets as
well). A container started here is always stopped and removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack

from checker.checks.endpoint.entry import EntryCheck
from checker.checks.endpoint.http import public_url
from checker.checks.engine import run_checks
from checker.checks.registry import checks_of
from checker.config.endpoint_schema import Endpoint
from checker.config.schema import Config
from checker.results.model import CheckResult
from checker.run.context import RunContext


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
    contract = config.contract(entry.contract) if entry.contract is not None else None
    with ExitStack() as stack:
        subject = EntryCheck(ctx, index, entry, subject_of(entry, url), url, contract, stack)
        yield from run_checks(checks_of("endpoint"), subject, ctx.deadline, turned_off=ctx.turned_off)
