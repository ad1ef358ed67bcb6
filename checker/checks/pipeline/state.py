"""What the pipeline checks share while they run: the scratch copies, the synthetic table, the
artifacts found, the probe's answers, and the helpers to run the user's commands. The checks
themselves are in `checker.checks.pipeline.steps`; their order and what a failure skips are
in the registry."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, ExitStack
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.pipeline.commands import Placeholders, placeholders, resolve_python, user_environ
from checker.checks.pipeline.process import ProcessSetup, run_process
from checker.checks.pipeline.scratch import Scratch, scratch_copy
from checker.checks.pipeline.step_results import Budget, command_result
from checker.checks.registry import (
    PIPELINE_ARTIFACTS,
    PIPELINE_DETERMINISTIC,
    PIPELINE_EXPECT,
    PIPELINE_METRICS,
    PIPELINE_MODEL_LOAD,
    PIPELINE_PREDICT,
    PIPELINE_REGISTRY,
    PIPELINE_RUN,
    PIPELINE_SETUP,
    PIPELINE_SYNTHESIZE,
)
from checker.config.schema import Pipeline
from checker.contracts.model import Contract
from checker.record import record
from checker.results.model import CheckResult, Location, Status

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.checks.pipeline.artifacts import ArtifactState
    from checker.checks.pipeline.probing import ProbeAnswer
    from checker.run.context import RunContext


@record
class Trained:
    """Where one run of the pipeline happens: its scratch space, placeholders, environment."""

    scratch: Scratch
    values: Placeholders
    env: dict[str, str]


@record
class Rerun:
    """The second training of the determinism check."""

    trained: Trained
    result: CheckResult
    elapsed_s: float


@record(frozen=False)
class PipelineRun:
    pipeline: Pipeline
    contract: Contract
    ctx: RunContext
    scratches: ExitStack
    deadline_s: float
    python: str | None = None
    deadline: float = 0.0  # time.monotonic() when the family's time (or the run's) is up
    limit: Deadline = NO_DEADLINE
    first: Trained | None = None
    table: pa.Table | None = None
    artifact_states: list[ArtifactState] = field(default_factory=list)
    second: Rerun | None = None
    answers: list[ProbeAnswer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.python = resolve_python(self.pipeline.python, self.ctx.root, self.ctx.environ)
        self.limit = self.ctx.family_deadline("pipeline", self.deadline_s)
        self.deadline = self.limit.at
        self.first = self.prepare()

    @property
    def trained(self) -> Trained:
        assert self.first is not None
        return self.first

    @property
    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    @property
    def deadline_reason(self) -> str:
        return self.limit.reason

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult | None:
        """The engine's skips and errors; None for pipeline.registry when it is not configured
        (it is not reported then, as the endpoint's checks of what an entry lacks are not)."""
        if check_id == PIPELINE_REGISTRY.id and self.pipeline.registry is None:
            return None
        return self.plain(check_id, status, summary)

    def plain(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.subject(check_id),
                           summary=summary, location=self.location(check_id))

    def subject(self, check_id: str) -> str:
        pipeline = self.pipeline
        subjects = {
            PIPELINE_SYNTHESIZE.id: f"{self.contract.name}: {pipeline.rows} rows, seed {pipeline.seed}",
            PIPELINE_SETUP.id: pipeline.setup or pipeline.command,  # none: the pipeline it would set up
            PIPELINE_RUN.id: pipeline.command,
            PIPELINE_ARTIFACTS.id: ", ".join(a.path for a in pipeline.artifacts),
            PIPELINE_METRICS.id: ", ".join(a.path for a in pipeline.artifacts if a.json_),
        }
        if check_id == PIPELINE_REGISTRY.id and pipeline.registry:
            return f"models:/{pipeline.registry.name}@{pipeline.registry.alias}"
        return subjects.get(check_id, pipeline.model.path if pipeline.model else "")

    def location(self, check_id: str) -> Location:
        return self.ctx.location("pipeline", *_CONFIG_KEYS[check_id])

    def budget(self, step_timeout: float) -> tuple[float, bool]:
        """(seconds this step may take, whether the family deadline is what limits it)."""
        left = self.deadline - time.monotonic()
        return (left, True) if left < step_timeout else (step_timeout, False)

    def prepare(self) -> Trained:
        """A fresh scratch copy of the project to train in, removed when the family ends."""
        scratch = self.scratches.enter_context(self._scratch())
        values = placeholders(self.pipeline, scratch, self.python or self.pipeline.python)
        env = user_environ(self.pipeline, self.ctx.environ, self.python, values, self.pipeline.seed)
        return Trained(scratch, values, env)

    def shell(self, check_id: str, template: str, timeout_s: float, trained: Trained) -> CheckResult:
        allowed, cut = self.budget(timeout_s)
        setup = ProcessSetup(cwd=trained.scratch.work, env=trained.env, timeout_s=allowed,
                             log_dir=trained.scratch.logs, name=check_id.split(".")[1])
        outcome = run_process(trained.values.command(template), setup)
        result = command_result(check_id, outcome, template,
                                Budget(timeout_s, deadline_cut=cut and outcome.timed_out,
                                       whose=self.limit.whose),
                                self.location(check_id))
        return result.with_duration(outcome.wall_s)

    def _scratch(self) -> AbstractContextManager[Scratch]:
        return scratch_copy(self.ctx.root, exclude=(self.ctx.out_dir,))

    @staticmethod
    def path(trained: Trained, template: str) -> Path:
        return trained.values.path(template, trained.scratch.work)


_CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    PIPELINE_SYNTHESIZE.id: ("contract",), PIPELINE_SETUP.id: ("setup",), PIPELINE_RUN.id: ("command",),
    PIPELINE_ARTIFACTS.id: ("artifacts",), PIPELINE_METRICS.id: ("artifacts",),
    PIPELINE_MODEL_LOAD.id: ("model", "path"), PIPELINE_PREDICT.id: ("model", "output"),
    PIPELINE_EXPECT.id: ("model", "expect"), PIPELINE_DETERMINISTIC.id: ("model", "deterministic"),
    PIPELINE_REGISTRY.id: ("registry",),
}
