"""The pipeline family: run the user's training pipeline end to end on synthetic data from
the contract, in a scratch copy of the project, and probe the model it writes.

Order: synthesize → setup → run → artifacts, metrics → model_load → predict, expect →
deterministic (a second run in a second scratch copy). A step that fails turns the steps
that need it into `skip` results naming the cause; every id is reported once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.checks.pipeline.artifacts import check_metrics, inspect
from checker.checks.pipeline.commands import (
    Placeholders,
    data_format,
    placeholders,
    resolve_python,
    user_environ,
)
from checker.checks.pipeline.model_inputs import expect_rows, fresh_rows
from checker.checks.pipeline.model_results import (
    deterministic_result,
    expect_result,
    load_result,
    predict_result,
)
from checker.checks.pipeline.probing import ModelToProbe, ProbeAnswer, ProbeRequest, run_probe
from checker.checks.pipeline.process import ProcessSetup, run_process
from checker.checks.pipeline.scratch import Scratch, scratch_copy
from checker.checks.pipeline.step_results import Budget, artifacts_result, command_result, metrics_result
from checker.config.paths import PathRefusedError
from checker.config.schema import Config, ModelSpec, Pipeline
from checker.contracts.model import Contract
from checker.results.model import CheckResult, Location, Status, stopwatch, truncate

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.run.context import RunContext

CHECK_IDS = ("pipeline.synthesize", "pipeline.setup", "pipeline.run", "pipeline.artifacts",
             "pipeline.metrics", "pipeline.model_load", "pipeline.predict", "pipeline.expect",
             "pipeline.deterministic")
DEADLINE_SLACK_S = 60.0


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    pipeline = config.pipeline
    assert pipeline is not None, "the registry runs this group only with a pipeline section"
    family = Family(pipeline, config.contract(pipeline.contract), ctx)
    yield from family.run()


class Blocked(Exception):
    """A step failed: the remaining checks are skipped with this reason."""


@dataclass(frozen=True)
class Trained:
    """Where one run of the pipeline happens: its scratch space, placeholders, environment."""

    scratch: Scratch
    values: Placeholders
    env: dict[str, str]


@dataclass(frozen=True)
class Rerun:
    """The second training of the determinism check."""

    trained: Trained
    result: CheckResult
    elapsed_s: float


class Family:
    def __init__(self, pipeline: Pipeline, contract: Contract, ctx: RunContext):
        self.pipeline, self.contract, self.ctx = pipeline, contract, ctx
        self.python = resolve_python(pipeline.python, ctx.root, ctx.environ)
        self.deadline_s = pipeline.deadline or default_deadline(pipeline)
        self.deadline = time.monotonic() + self.deadline_s
        self.done: list[str] = []
        self.blocked: str | None = None
        self.table: pa.Table | None = None

    def run(self) -> Iterator[CheckResult]:
        try:
            yield from self._steps()
        except Blocked as blocked:
            yield from self._skip_rest(str(blocked))

    def _steps(self) -> Iterator[CheckResult]:
        with ExitStack() as scratches:
            first = self._prepare(scratches.enter_context(self._scratch()))
            yield self._emit(self._synthesize(first))
            yield self._emit(self._setup(first))
            yield self._emit(self._command(first, "pipeline.run"))
            yield from self._outputs(first)
            yield from self._refused_model(first)
            model = self._model_or_block(first)
            # the second training runs before the probe, so one probe loads both models and
            # the user's libraries are imported once
            second = self._rerun(scratches) if model.deterministic else None
            yield from self._model_checks(model, first, second)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _emit(self, result: CheckResult) -> CheckResult:
        """Record a result; a failed step blocks the steps after it."""
        self.done.append(result.id)
        if result.status >= Status.FAIL and result.id in _BLOCKING:
            self.blocked = f"{result.id} failed: {result.summary}"
        return result

    def _check_blocked(self) -> None:
        if self.blocked:
            raise Blocked(self.blocked)
        if time.monotonic() > self.deadline:
            raise Blocked(f"the pipeline family's deadline ({self.deadline_s:g}s) passed")

    def _skip_rest(self, reason: str) -> Iterator[CheckResult]:
        for check_id in CHECK_IDS:
            if check_id not in self.done:
                yield self._emit(self._result(check_id, Status.SKIP, reason))

    def _result(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self._subject(check_id),
                           summary=summary, location=self._location(check_id))

    def _subject(self, check_id: str) -> str:
        pipeline = self.pipeline
        subjects = {
            "pipeline.synthesize": f"{self.contract.name}: {pipeline.rows} rows, seed {pipeline.seed}",
            "pipeline.setup": pipeline.setup or "",
            "pipeline.run": pipeline.command,
            "pipeline.artifacts": ", ".join(a.path for a in pipeline.artifacts),
            "pipeline.metrics": ", ".join(a.path for a in pipeline.artifacts if a.json_),
        }
        return subjects.get(check_id, pipeline.model.path if pipeline.model else "")

    def _location(self, check_id: str) -> Location:
        return self.ctx.location("pipeline", *_CONFIG_KEYS[check_id])

    def _budget(self, step_timeout: float) -> tuple[float, bool]:
        """(seconds this step may take, whether the family deadline is what limits it)."""
        left = self.deadline - time.monotonic()
        return (left, True) if left < step_timeout else (step_timeout, False)

    # -- running the user's code ------------------------------------------------------------------

    def _prepare(self, scratch: Scratch) -> Trained:
        values = placeholders(self.pipeline, scratch, self.python or self.pipeline.python)
        env = user_environ(self.pipeline, self.ctx.environ, self.python, values, self.pipeline.seed)
        return Trained(scratch, values, env)

    def _synthesize(self, trained: Trained) -> CheckResult:
        from checker.synth.rows import synthesize, write_table

        fmt = data_format(self.pipeline)
        with stopwatch() as elapsed:
            try:
                self.table = synthesize(self.contract, self.pipeline.rows, self.pipeline.seed,
                                        self.pipeline.patterns)
                write_table(self.table, trained.scratch.inside(trained.values.data), fmt)
            except (ValueError, TypeError, OSError) as exc:  # SynthError, pyarrow's ArrowInvalid/TypeError
                return self._result("pipeline.synthesize", Status.FAIL, f"cannot synthesize data: {exc}")
        result = self._result(
            "pipeline.synthesize", Status.PASS,
            f"{self.table.num_rows} rows from contract {self.contract.name}, seed {self.pipeline.seed}, "
            f"{len(self.pipeline.patterns)} pattern(s), as {fmt}")
        return replace(
            result, duration_s=round(elapsed[0], 4),
            details=f"{{data}} = {trained.values.data}. The same contract, rows, seed and patterns "
                    "always give the same table, so a failure reproduces.",
            metrics={"rows": self.table.num_rows, "seed": self.pipeline.seed, "format": fmt},
            evidence={"first_rows": truncate([{k: str(v) for k, v in row.items()}
                                              for row in self.table.slice(0, 3).to_pylist()])})

    def _setup(self, trained: Trained) -> CheckResult:
        self._check_blocked()
        if not self.pipeline.setup:
            return self._result("pipeline.setup", Status.SKIP, "no setup command configured")
        return self._shell("pipeline.setup", self.pipeline.setup, self.pipeline.setup_timeout, trained)

    def _command(self, trained: Trained, check_id: str) -> CheckResult:
        self._check_blocked()
        return self._shell(check_id, self.pipeline.command, self.pipeline.timeout, trained)

    def _shell(self, check_id: str, template: str, timeout_s: float, trained: Trained) -> CheckResult:
        allowed, cut = self._budget(timeout_s)
        setup = ProcessSetup(trained.scratch.work, trained.env, allowed, trained.scratch.logs,
                             check_id.split(".")[1])
        outcome = run_process(trained.values.command(template), setup)
        result = command_result(check_id, outcome, template, Budget(timeout_s, cut and outcome.timed_out),
                                self._location(check_id))
        return result.with_duration(outcome.wall_s)

    def _outputs(self, trained: Trained) -> Iterator[CheckResult]:
        """pipeline.artifacts and pipeline.metrics: leaves, they block nothing."""
        self._check_blocked()
        artifacts = self.pipeline.artifacts
        with stopwatch() as elapsed:
            states = inspect(artifacts, [self._path(trained, a.path) for a in artifacts], trained.scratch)
            result = (artifacts_result(artifacts, states, self._location("pipeline.artifacts")) if artifacts
                      else self._result("pipeline.artifacts", Status.SKIP, "no artifacts configured"))
        yield self._emit(result.with_duration(elapsed[0]))
        with stopwatch() as elapsed:
            findings = [finding for artifact, state in zip(artifacts, states, strict=True)
                        if artifact.json_ and state.size is not None
                        for finding in check_metrics(artifact.path, state.path, artifact.json_)]
            if findings:
                result = metrics_result(findings, self._subject("pipeline.metrics"),
                                        self._location("pipeline.metrics"))
            elif any(a.json_ for a in artifacts):
                result = self._result("pipeline.metrics", Status.SKIP,
                                      "the metrics file is missing (see pipeline.artifacts)")
            else:
                result = self._result("pipeline.metrics", Status.SKIP,
                                      "no JSON metrics configured (artifacts[].json)")
        yield self._emit(result.with_duration(elapsed[0]))

    # -- the model -----------------------------------------------------------------------------------

    def _model_or_block(self, trained: Trained) -> ModelSpec:
        self._check_blocked()
        model = self.pipeline.model
        if model is None:
            raise Blocked("no model configured (pipeline.model)")
        if not self.contract.features:
            raise Blocked(f"contract {self.contract.name} has no feature columns to predict on")
        path = self._path(trained, model.path)
        listed = any(self._path(trained, a.path) == path for a in self.pipeline.artifacts)
        if listed and not path.is_file():
            raise Blocked("the model file is missing (see pipeline.artifacts)")
        return model

    def _refused_model(self, trained: Trained) -> Iterator[CheckResult]:
        """A model path that leads out of the scratch space fails pipeline.model_load unread."""
        if self.pipeline.model is None:
            return
        try:
            trained.scratch.inside(self._path(trained, self.pipeline.model.path))
        except PathRefusedError as exc:
            yield self._emit(self._result("pipeline.model_load", Status.FAIL, f"refused, not loaded: {exc}"))

    def _rerun(self, scratches: ExitStack) -> Rerun:
        """The determinism check's second training: a second scratch copy, the same data."""
        from checker.synth.rows import write_table

        self._check_blocked()
        assert self.table is not None
        with stopwatch() as elapsed:
            trained = self._prepare(scratches.enter_context(self._scratch()))
            write_table(self.table, trained.scratch.inside(trained.values.data), data_format(self.pipeline))
            result = self._command(trained, "pipeline.deterministic")
        return Rerun(trained, result, elapsed[0])

    def _model_checks(self, model: ModelSpec, first: Trained, second: Rerun | None) -> Iterator[CheckResult]:
        """model_load → predict → expect → deterministic, from one probe run."""
        fresh = fresh_rows(self.contract, self.pipeline, model)
        models = [ModelToProbe(self._path(first, model.path), model.format,
                               {"synthetic": fresh, **expect_rows(self.contract, self.pipeline, model)})]
        if second and second.result.status is Status.PASS:
            models.append(ModelToProbe(self._path(second.trained, model.path), model.format,
                                       {"synthetic": fresh}))
        setup = ProcessSetup(first.scratch.work, first.env, self._budget(model.timeout)[0],
                             first.scratch.logs, "probe")
        answers = run_probe(ProbeRequest(self.python or self.pipeline.python, self.contract, models), setup)
        yield self._emit(load_result(answers[0], model.path, self._location("pipeline.model_load"))
                         .with_duration(answers[0].outcome.wall_s))
        self._check_blocked()
        synthetic = answers[0].batches.get("synthetic")
        yield self._emit(predict_result(synthetic, model.rows, model, model.path,
                                        self._location("pipeline.predict")))
        self._check_blocked()
        if model.expect:
            yield self._emit(expect_result(answers[0].batches.get("expect"), model, model.path,
                                           self._location("pipeline.expect")))
        else:
            yield self._emit(self._result("pipeline.expect", Status.SKIP,
                                          "no expectations configured (model.expect)"))
        assert synthetic is not None
        yield self._emit(self._deterministic(model, synthetic["values"], second, answers[1:]))

    def _deterministic(self, model: ModelSpec, first: list[Any], second: Rerun | None,
                       answers: list[ProbeAnswer]) -> CheckResult:
        if second is None:
            return self._result("pipeline.deterministic", Status.SKIP, "deterministic is not enabled")
        if second.result.status is not Status.PASS:
            return replace(second.result, summary=f"second run: {second.result.summary}", subject=model.path)
        answer = answers[0]
        batch = answer.batches.get("synthetic") if answer.loaded else {
            "ok": False, "error": f"the second model did not load: {answer.load_error}"}
        result = deterministic_result(first, batch, model.tolerance, model.path,
                                      self._location("pipeline.deterministic"))
        metrics = {**result.metrics, "rerun_wall_s": second.result.metrics["wall_s"]}
        return replace(result, metrics=metrics, duration_s=round(second.elapsed_s, 4))

    def _scratch(self) -> AbstractContextManager[Scratch]:
        return scratch_copy(self.ctx.root, exclude=(self.ctx.out_dir,))

    @staticmethod
    def _path(trained: Trained, template: str) -> Path:
        return trained.values.path(template, trained.scratch.work)


_BLOCKING = frozenset({"pipeline.synthesize", "pipeline.setup", "pipeline.run", "pipeline.model_load",
                       "pipeline.predict"})
_CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "pipeline.synthesize": ("contract",), "pipeline.setup": ("setup",), "pipeline.run": ("command",),
    "pipeline.artifacts": ("artifacts",), "pipeline.metrics": ("artifacts",),
    "pipeline.model_load": ("model", "path"), "pipeline.predict": ("model", "output"),
    "pipeline.expect": ("model", "expect"), "pipeline.deterministic": ("model", "deterministic"),
}


def default_deadline(pipeline: Pipeline) -> float:
    """The sum of every step's own budget, plus slack for copying and synthesizing."""
    runs = 2 if pipeline.model and pipeline.model.deterministic else 1
    probe_s = pipeline.model.timeout if pipeline.model else 0.0  # one probe run loads every model
    setup_s = pipeline.setup_timeout if pipeline.setup else 0.0
    return setup_s + runs * pipeline.timeout + probe_s + DEADLINE_SLACK_S


