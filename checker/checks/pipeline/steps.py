"""The pipeline checks, one function each, in the order the registry runs them:
synthesize → setup → run → artifacts, metrics → model_load → predict, expect → deterministic
→ registry.

The second training of the determinism check runs inside model_load, before the probe, so one
probe loads both models and the user's libraries are imported once; model_load's time is the
probe's, deterministic's the second training's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from checker.checks.engine import SkipRest
from checker.checks.handoff import OfflineModel, wants_pipeline_model
from checker.checks.pipeline.artifacts import check_metrics, inspect, numbers_in
from checker.checks.pipeline.commands import data_format
from checker.checks.pipeline.model_inputs import expect_rows, fresh_rows
from checker.checks.pipeline.model_registry import registry_env, registry_result, round_trip
from checker.checks.pipeline.model_results import (
    deterministic_result,
    expect_result,
    load_result,
    predict_result,
)
from checker.checks.pipeline.probing import ModelToProbe, ProbeAnswer, ProbeRequest, run_probe
from checker.checks.pipeline.process import ProcessSetup
from checker.checks.pipeline.state import PipelineRun, Rerun
from checker.checks.pipeline.step_results import artifacts_result, metrics_result
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
from checker.config.paths import PathRefusedError
from checker.config.schema import ModelSpec
from checker.results.model import CheckResult, Status, stopwatch, truncate


def synthesize(run: PipelineRun) -> CheckResult:
    from checker.synth.rows import synthesize as synthesize_rows
    from checker.synth.rows import write_table

    pipeline, trained, fmt = run.pipeline, run.trained, data_format(run.pipeline)
    try:
        run.table = table = synthesize_rows(run.contract, pipeline.rows, pipeline.seed, pipeline.patterns)
        write_table(table, trained.scratch.inside(trained.values.data), fmt)
    except (ValueError, TypeError, OSError) as exc:  # SynthError, pyarrow's ArrowInvalid/TypeError
        return run.plain(PIPELINE_SYNTHESIZE.id, Status.FAIL, f"cannot synthesize data: {exc}")
    result = run.plain(
        PIPELINE_SYNTHESIZE.id, Status.PASS,
        f"{table.num_rows} rows from contract {run.contract.name}, seed {pipeline.seed}, "
        f"{len(pipeline.patterns)} pattern(s), as {fmt}")
    return replace(
        result,
        details=f"{{data}} = {trained.values.data}. The same contract, rows, seed and patterns "
                "always give the same table, so a failure reproduces.",
        metrics={"rows": table.num_rows, "seed": pipeline.seed, "format": fmt},
        evidence={"first_rows": truncate([{k: str(v) for k, v in row.items()}
                                          for row in table.slice(0, 3).to_pylist()])})


def setup(run: PipelineRun) -> CheckResult:
    if not run.pipeline.setup:
        return run.plain(PIPELINE_SETUP.id, Status.SKIP, "no setup command configured")
    return run.shell(PIPELINE_SETUP.id, run.pipeline.setup, run.pipeline.setup_timeout, run.trained)


def command(run: PipelineRun) -> CheckResult:
    return run.shell(PIPELINE_RUN.id, run.pipeline.command, run.pipeline.timeout, run.trained)


def artifacts(run: PipelineRun) -> CheckResult:
    """A leaf: it blocks nothing."""
    configured = run.pipeline.artifacts
    found = [run.path(run.trained, a.path) for a in configured]
    run.artifact_states = states = inspect(configured, found, run.trained.scratch)
    if not configured:
        return run.plain(PIPELINE_ARTIFACTS.id, Status.SKIP, "no artifacts configured")
    return artifacts_result(configured, states, run.location(PIPELINE_ARTIFACTS.id))


def metrics(run: PipelineRun) -> CheckResult:
    configured = run.pipeline.artifacts
    findings = [finding for artifact, state in zip(configured, run.artifact_states, strict=True)
                if artifact.json_ and state.size is not None
                for finding in check_metrics(artifact.path, state.path, artifact.json_)]
    if findings:
        result = metrics_result(findings, run.subject(PIPELINE_METRICS.id), run.location(PIPELINE_METRICS.id))
        # every number, not only the bounded ones: the base branch's side of compare.metrics
        numbers = numbers_in(run.artifact_states, configured)
        return replace(result, metrics={**result.metrics, "numbers": numbers}) if numbers else result
    if any(a.json_ for a in configured):
        return run.plain(PIPELINE_METRICS.id, Status.SKIP,
                        "the metrics file is missing (see pipeline.artifacts)")
    return run.plain(PIPELINE_METRICS.id, Status.SKIP, "no JSON metrics configured (artifacts[].json)")


def model_load(run: PipelineRun) -> CheckResult | SkipRest:
    """Train again when deterministic is on, then one probe run loads the model(s) and predicts."""
    model = run.pipeline.model
    refused = _refused_model(run, model)
    if refused is not None:
        return refused
    problem = _not_probeable(run, model)
    if problem is not None:
        return SkipRest(problem)
    assert model is not None
    if model.deterministic:
        if run.out_of_time:
            return SkipRest(run.deadline_reason)
        run.second = _rerun(run)
    run.answers = _probe(run, model)
    first = run.answers[0]
    if first.loaded and wants_pipeline_model(run.ctx.loaded.config):  # for endpoint.parity
        run.ctx.handoff.pipeline_model = OfflineModel(
            run.path(run.trained, model.path), model.format, run.python or run.pipeline.python,
            run.trained.scratch.work, run.trained.env)
    return load_result(first, model.path, run.location(PIPELINE_MODEL_LOAD.id)).with_duration(
        first.outcome.wall_s)


def predict(run: PipelineRun) -> CheckResult:
    model = _model(run)
    return predict_result(run.answers[0].batches.get("synthetic"), model.rows, model, model.path,
                          run.location(PIPELINE_PREDICT.id))


def expect(run: PipelineRun) -> CheckResult:
    model = _model(run)
    if not model.expect:
        return run.plain(PIPELINE_EXPECT.id, Status.SKIP, "no expectations configured (model.expect)")
    return expect_result(run.answers[0].batches.get("expect"), model, model.path,
                         run.location(PIPELINE_EXPECT.id))


def deterministic(run: PipelineRun) -> CheckResult:
    model, second = _model(run), run.second
    if second is None:
        return run.plain(PIPELINE_DETERMINISTIC.id, Status.SKIP, "deterministic is not enabled")
    if second.result.status is not Status.PASS:
        return replace(second.result, summary=f"second run: {second.result.summary}", subject=model.path)
    synthetic = run.answers[0].batches.get("synthetic")
    assert synthetic is not None
    return _compare_runs(run, model, synthetic["values"], second, run.answers[1])


def registry(run: PipelineRun) -> CheckResult | None:
    """The trained model logged, registered, aliased and loaded back; its predictions on the
    fresh rows must be the model file's (pipeline.predict's). Not reported without `registry`."""
    spec, model = run.pipeline.registry, _model(run)
    if spec is None:
        return None
    if run.out_of_time:
        return run.plain(PIPELINE_REGISTRY.id, Status.SKIP, run.deadline_reason)
    trained, local = run.trained, run.answers[0].batches["synthetic"]["values"]
    allowed = run.budget(spec.timeout)[0]
    setup = ProcessSetup(cwd=trained.scratch.work, env=registry_env(trained.env, allowed), timeout_s=allowed,
                         log_dir=trained.scratch.logs, name="registry")
    probed = ProbeRequest(run.python or run.pipeline.python, run.contract, [
        ModelToProbe(run.path(trained, model.path), model.format,
                     {"synthetic": fresh_rows(run.contract, run.pipeline, model)})])
    trip = round_trip(spec, probed, setup)
    result = registry_result(spec, local, trip, run.location(PIPELINE_REGISTRY.id))
    return result.with_duration(trip.outcome.wall_s)


def _compare_runs(run: PipelineRun, model: ModelSpec, first: list[Any], second: Rerun,
                  answer: ProbeAnswer) -> CheckResult:
    batch = answer.batches.get("synthetic") if answer.loaded else {
        "ok": False, "error": f"the second model did not load: {answer.load_error}"}
    result = deterministic_result(first, batch, model.tolerance, model.path,
                                  run.location(PIPELINE_DETERMINISTIC.id))
    found = {**result.metrics, "rerun_wall_s": second.result.metrics["wall_s"]}
    return replace(result, metrics=found, duration_s=round(second.elapsed_s, 4))


def _model(run: PipelineRun) -> ModelSpec:
    assert run.pipeline.model is not None, "model_load skips the rest without a model"
    return run.pipeline.model


def _refused_model(run: PipelineRun, model: ModelSpec | None) -> CheckResult | None:
    """A model path that leads out of the scratch space fails model_load unread."""
    if model is None:
        return None
    try:
        run.trained.scratch.inside(run.path(run.trained, model.path))
    except PathRefusedError as exc:
        return run.plain(PIPELINE_MODEL_LOAD.id, Status.FAIL, f"refused, not loaded: {exc}")
    return None


def _not_probeable(run: PipelineRun, model: ModelSpec | None) -> str | None:
    if model is None:
        return "no model configured (pipeline.model)"
    if not run.contract.features:
        return f"contract {run.contract.name} has no feature columns to predict on"
    path = run.path(run.trained, model.path)
    listed = any(run.path(run.trained, a.path) == path for a in run.pipeline.artifacts)
    if listed and not path.is_file():
        return "the model file is missing (see pipeline.artifacts)"
    return None


def _rerun(run: PipelineRun) -> Rerun:
    """The determinism check's second training: a second scratch copy, the same data."""
    from checker.synth.rows import write_table

    assert run.table is not None
    with stopwatch() as elapsed:
        trained = run.prepare()
        write_table(run.table, trained.scratch.inside(trained.values.data), data_format(run.pipeline))
        result = run.shell(PIPELINE_DETERMINISTIC.id, run.pipeline.command, run.pipeline.timeout, trained)
    return Rerun(trained, result, elapsed[0])


def _probe(run: PipelineRun, model: ModelSpec) -> list[ProbeAnswer]:
    first, fresh = run.trained, fresh_rows(run.contract, run.pipeline, model)
    models = [ModelToProbe(run.path(first, model.path), model.format,
                           {"synthetic": fresh, **expect_rows(run.contract, run.pipeline, model)})]
    second = run.second
    if second and second.result.status is Status.PASS:
        models.append(ModelToProbe(run.path(second.trained, model.path), model.format, {"synthetic": fresh}))
    setup = ProcessSetup(cwd=first.scratch.work, env=first.env, timeout_s=run.budget(model.timeout)[0],
                         log_dir=first.scratch.logs, name="probe")
    return run_probe(ProbeRequest(run.python or run.pipeline.python, run.contract, models), setup)
