"""CheckResults for the model: load, predict on fresh synthetic rows, the `expect` pattern,
and determinism across two runs. Built from the probe's answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.checks.pipeline.predictions import (
    MAX_EXAMPLES,
    differences,
    expect_mismatches,
    shape_problem,
    value_problems,
)
from checker.checks.pipeline.probing import ProbeAnswer
from checker.checks.registry import (
    PIPELINE_DETERMINISTIC,
    PIPELINE_EXPECT,
    PIPELINE_MODEL_LOAD,
    PIPELINE_PREDICT,
)
from checker.config.schema import ModelSpec
from checker.results.model import CheckResult, Location, Status, truncate


def load_result(answer: ProbeAnswer, subject: str, location: Location | None) -> CheckResult:
    evidence = {"python": answer.python_version, **answer.outcome.evidence()}
    if answer.load.get("traceback"):
        evidence["traceback"] = answer.load["traceback"]
    if not answer.loaded:
        return CheckResult(id=PIPELINE_MODEL_LOAD.id, status=Status.FAIL, subject=subject,
                           location=location, summary=str(answer.load_error),
                           evidence=truncate(evidence, max_chars=3000))
    names = answer.load.get("feature_names")
    details = f"fitted on columns: {', '.join(names)}" if names else ""
    return CheckResult(id=PIPELINE_MODEL_LOAD.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"loaded {answer.load.get('model_type')} ({answer.load.get('format')}) "
                               f"with Python {answer.python_version}",
                       details=details, metrics={"load_s": answer.outcome.wall_s})


def batch_failure(batch: Mapping[str, Any] | None) -> str | None:
    """Why a batch has no predictions (predict raised, columns do not fit), or None."""
    if batch is None:
        return "the probe returned no predictions for this batch"
    if batch.get("ok"):
        return None
    if batch.get("kind") == "raised":
        return f"predict() raised {batch.get('error')}"
    return str(batch.get("error"))


def predict_result(batch: Mapping[str, Any] | None, rows: int, model: ModelSpec, subject: str,
                   location: Location | None) -> CheckResult:
    failure = batch_failure(batch)
    if failure or batch is None:
        evidence = {"traceback": batch.get("traceback")} if batch and batch.get("traceback") else {}
        return _fail(PIPELINE_PREDICT.id, failure or "", subject, location, evidence)
    values, shape = batch["values"], batch.get("shape", [])
    wrong_shape = shape_problem(values, shape, rows)
    if wrong_shape:
        return _fail(PIPELINE_PREDICT.id, wrong_shape, subject, location,
                     {"predictions": truncate(values, max_items=MAX_EXAMPLES)})
    problems = value_problems(values, model.output)
    metrics = {"rows": rows, "distinct": len({repr(v) for v in values}), "output_type": batch.get("type")}
    if problems:
        reasons = sorted({p.reason for p in problems})
        return CheckResult(id=PIPELINE_PREDICT.id, status=Status.FAIL, subject=subject, location=location,
                           summary=f"{len(problems)} of {rows} predictions are bad: {'; '.join(reasons)}",
                           metrics={**metrics, "violations": len(problems)},
                           evidence={"examples": [p.to_dict() for p in problems[:MAX_EXAMPLES]]})
    return CheckResult(id=PIPELINE_PREDICT.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"{rows} predictions on fresh synthetic rows, one per row, valid",
                       metrics=metrics, evidence={"predictions": truncate(values, max_items=MAX_EXAMPLES)})


def expect_result(batch: Mapping[str, Any] | None, model: ModelSpec, subject: str,
                  location: Location | None) -> CheckResult:
    failure = batch_failure(batch)
    values = batch.get("values", []) if batch else []
    if not failure and len(values) != len(model.expect):
        failure = f"{len(values)} predictions for {len(model.expect)} expect rows"
    if failure:
        return _fail(PIPELINE_EXPECT.id, failure, subject, location, {})
    mismatches = expect_mismatches(values, model.expect)
    metrics = {"expectations": len(model.expect), "violations": len(mismatches)}
    if mismatches:
        first = mismatches[0]
        return CheckResult(id=PIPELINE_EXPECT.id, status=Status.FAIL, subject=subject, location=location,
                           summary=f"{len(mismatches)} of {len(model.expect)} expectations not met: "
                                   f"for {first['input']} expected {first['expected']!r}, "
                                   f"got {first['predicted']!r}",
                           details="The model did not learn the pattern planted in the synthetic data "
                                   "(pipeline.patterns). Columns not given in `input` are filled "
                                   "from the contract with the pipeline's seed.",
                           metrics=metrics, evidence={"mismatches": truncate(mismatches)})
    return CheckResult(id=PIPELINE_EXPECT.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"all {len(model.expect)} expected outputs predicted", metrics=metrics)


def deterministic_result(first: list[Any], second: Mapping[str, Any] | None, tolerance: float,
                         subject: str, location: Location | None) -> CheckResult:
    failure = batch_failure(second)
    if failure or second is None:
        return _fail(PIPELINE_DETERMINISTIC.id, f"second run: {failure}", subject, location, {})
    diffs = differences(first, second["values"], tolerance)
    metrics = {"rows": len(first), "violations": len(diffs), "tolerance": tolerance}
    if diffs:
        return CheckResult(id=PIPELINE_DETERMINISTIC.id, status=Status.FAIL, subject=subject,
                           location=location,
                           summary=f"two runs with the same seed disagree on {len(diffs)} of "
                                   f"{len(first)} predictions",
                           details="Seed every random source in the training code "
                                   "(e.g. random_state=…, numpy.random.default_rng(seed)).",
                           metrics=metrics, evidence={"differences": truncate(diffs, max_items=MAX_EXAMPLES)})
    return CheckResult(id=PIPELINE_DETERMINISTIC.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"two runs with the same seed give the same {len(first)} predictions",
                       metrics=metrics)


def _fail(check_id: str, summary: str, subject: str, location: Location | None,
          evidence: Mapping[str, Any]) -> CheckResult:
    return CheckResult(id=check_id, status=Status.FAIL, subject=subject, location=location,
                       summary=summary, evidence=truncate(dict(evidence), max_chars=3000))
