"""The pipeline family: run the user's training pipeline end to end on synthetic data from
the contract, in a scratch copy of the project, and probe the model it writes.

The checks are in `checker.checks.pipeline.steps`, run in registry order by the engine: a
step that fails turns the steps that need it into `skip` results naming the cause, and once
the family's deadline passes the remaining steps are skipped; every id is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

from checker.checks.engine import run_checks
from checker.checks.pipeline.state import PipelineRun
from checker.checks.registry import checks_of
from checker.config.schema import Config, Pipeline
from checker.results.model import CheckResult

if TYPE_CHECKING:
    from checker.run.context import RunContext

DEADLINE_SLACK_S = 60.0


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    pipeline = config.pipeline
    assert pipeline is not None, "the registry runs this group only with a pipeline section"
    with ExitStack() as scratches:
        ctx.handoff.pipeline_ran = True
        state = PipelineRun(pipeline, config.contract(pipeline.contract), ctx, scratches,
                            pipeline.deadline or default_deadline(pipeline))
        yield from run_checks(checks_of("pipeline"), state, state.limit, turned_off=ctx.turned_off)
        if ctx.handoff.pipeline_model is not None:  # endpoint.parity loads it: keep the scratch copy
            ctx.handoff.keep(scratches.pop_all())


def default_deadline(pipeline: Pipeline) -> float:
    """The sum of every step's own budget, plus slack for copying and synthesizing."""
    runs = 2 if pipeline.model and pipeline.model.deterministic else 1
    probe_s = pipeline.model.timeout if pipeline.model else 0.0  # one probe run loads every model
    setup_s = pipeline.setup_timeout if pipeline.setup else 0.0
    registry_s = pipeline.registry.timeout if pipeline.registry else 0.0
    return setup_s + runs * pipeline.timeout + probe_s + registry_s + DEADLINE_SLACK_S
