"""pipeline.registry: the trained model through an MLflow registry and back, compared with the
model file's own predictions.

The round trip runs in the user's interpreter (registry_probe.py, beside this file): MLflow is
the user's dependency. Every wait is bounded twice: MLflow's own HTTP retries (7 with backoff
by default, about 4 minutes on a dead server) are cut to a few through its environment
variables, unless the user set them, and the process is stopped at `registry.timeout` or the
family's deadline, whichever comes first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.checks.pipeline.model_results import batch_failure
from checker.checks.pipeline.predictions import MAX_EXAMPLES, differences
from checker.checks.pipeline.probing import ProbeRequest, silence
from checker.checks.pipeline.process import ProcessOutcome, ProcessSetup, run_process
from checker.checks.registry import PIPELINE_REGISTRY
from checker.config.schema import Registry
from checker.record import record
from checker.results.model import CheckResult, Location, Status, truncate

REGISTRY_SCRIPT = Path(__file__).with_name("registry_probe.py")  # run by the user's interpreter

# MLflow's client retries a refused connection or a 5xx 7 times with exponential backoff: cut
# that to seconds (a user's own setting wins), so a dead server fails the check, not the deadline.
BOUNDED_RETRIES = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
                   "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0"}
REQUEST_TIMEOUT_S = 60
STEPS = {"import": "importing mlflow", "load": "loading the model file",
         "log": "logging the model to the tracking server", "register": "registering a new version",
         "alias": "setting the alias", "reload": "loading the model back by its alias",
         "predict": "predicting with the reloaded model"}


def registry_env(env: Mapping[str, str], timeout_s: float) -> dict[str, str]:
    bounded = {**BOUNDED_RETRIES,
               "MLFLOW_HTTP_REQUEST_TIMEOUT": str(max(1, min(REQUEST_TIMEOUT_S, int(timeout_s))))}
    return {**bounded, **env}


@record
class RoundTrip:
    """How the round trip's process ended, and its answer ({} when it gave none)."""

    outcome: ProcessOutcome
    answer: Mapping[str, Any]
    python: str
    timeout_s: float


def round_trip(spec: Registry, probed: ProbeRequest, setup: ProcessSetup) -> RoundTrip:
    """Run the round trip for the one model of `probed`, on its one batch of rows."""
    setup.log_dir.mkdir(parents=True, exist_ok=True)
    request_path = setup.log_dir / "registry.request.json"
    response_path = setup.log_dir / "registry.response.json"
    asked = probed.to_json()
    model = asked["models"][0]
    request = {"tracking_uri": spec.tracking_uri, "name": spec.name, "alias": spec.alias,
               "flavor": spec.flavor, "path": model["path"], "format": model["format"],
               "columns": asked["columns"], "types": asked["types"],
               "rows": next(iter(model["batches"].values())), "await_s": max(1, int(setup.timeout_s / 3))}
    request_path.write_text(json.dumps(request, default=str), encoding="utf-8")
    python = probed.python
    outcome = run_process([python, str(REGISTRY_SCRIPT), str(request_path), str(response_path)], setup)
    try:
        answer = json.loads(response_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        answer = {}
    return RoundTrip(outcome, answer if isinstance(answer, dict) else {}, python, setup.timeout_s)


def registry_result(spec: Registry, local: list[Any], trip: RoundTrip,
                    location: Location | None) -> CheckResult:
    """Pass when the reloaded model predicts `local` (the model file's predictions) within the
    tolerance and the alias points at the version this run registered."""
    answer = trip.answer
    found = {k: answer[k] for k in ("version", "run_id", "model_uri", "source", "alias_version", "mlflow")
             if answer.get(k)}
    metrics: dict[str, Any] = {k: found[k] for k in ("version", "run_id", "alias_version") if k in found}
    target = f"models:/{spec.name}@{spec.alias}"

    def result(status: Status, summary: str, **evidence: Any) -> CheckResult:
        return CheckResult(id=PIPELINE_REGISTRY.id, status=status, subject=target, location=location,
                           summary=summary, metrics={**metrics, "rows": len(local)},
                           evidence=truncate({**found, **evidence}, max_chars=4000))

    if not answer.get("ok"):
        return result(Status.FAIL, _failure(trip), **_failure_evidence(answer, trip.outcome))
    batch = answer.get("batch")
    failure = batch_failure(batch)
    if failure or batch is None:
        return result(Status.FAIL, f"{target}: {failure}")
    diffs = differences(local, batch["values"], spec.tolerance)
    moved = found.get("alias_version") != found.get("version")
    if diffs or moved:
        return result(Status.FAIL, _mismatch(target, found, diffs, len(local), moved),
                      mismatches=[{"row": d["row"], "local": d["first"], "registry": d["second"]}
                                  for d in diffs[:MAX_EXAMPLES]])
    return result(Status.PASS, f"version {found.get('version')} registered (run {found.get('run_id')}), "
                               f"{target} loads and predicts the same {len(local)} rows as the model file")


def _mismatch(target: str, found: Mapping[str, Any], diffs: list[dict[str, Any]], rows: int,
              moved: bool) -> str:
    parts = []
    if moved:
        parts.append(f"{target} resolves to version {found.get('alias_version')}, not version "
                     f"{found.get('version')} registered by this run (another writer moved the alias?)")
    if diffs:
        parts.append(f"the reloaded model disagrees with the model file on {len(diffs)} of {rows} rows")
    return "; ".join(parts)


def _failure(trip: RoundTrip) -> str:
    answer, outcome = trip.answer, trip.outcome
    if not answer:
        return silence(outcome, trip.timeout_s, "the registry round trip", "the registry round trip")
    step = STEPS.get(str(answer.get("step")), str(answer.get("step")))
    if not answer.get("kind"):  # stopped from outside in the middle of a step
        ended = (f"took longer than {trip.timeout_s:g}s" if outcome.timed_out
                 else f"stopped (exit {outcome.exit_code})")
        return f"the registry round trip {ended} while {step}"
    if answer.get("kind") == "missing_module" and answer.get("step") == "import":
        return (f"the user's environment ({trip.python}) has no module {answer.get('module') or 'mlflow'!r}: "
                "install mlflow there (setup or requirements) for pipeline.registry")
    return f"failed while {step}: {answer.get('error')}"


def _failure_evidence(answer: Mapping[str, Any], outcome: ProcessOutcome) -> dict[str, Any]:
    evidence: dict[str, Any] = dict(outcome.evidence())
    if answer.get("traceback"):
        evidence["traceback"] = answer["traceback"]
    if answer.get("step"):
        evidence["step"] = answer["step"]
    return evidence
