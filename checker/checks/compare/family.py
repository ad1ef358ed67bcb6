"""The compare group: the gates the `compare:` section sets, judged on the results of the
groups that ran before it against the base branch's results (found by checker.run.compare
before any check ran). Without a gate it reports nothing: the deltas are in results.json's
`compare` object either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checker.checks.compare import gates
from checker.results.compare import Base
from checker.results.model import CheckResult

if TYPE_CHECKING:
    from checker.config.schema import Config
    from checker.run.context import RunContext


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    settings = config.compare
    if settings is None:
        return
    base = ctx.compare_base or Base.missing(settings.artifact, "the base results were not looked for")
    if settings.latency and settings.latency.limits:
        yield from gates.latency(settings.latency,
                                 gates.GateInput(ctx.earlier, base, ctx.location("compare", "latency")))
    if settings.metrics:
        yield from gates.metrics(settings.metrics,
                                 gates.GateInput(ctx.earlier, base, ctx.location("compare", "metrics")))
