"""Ask the probe (checker/checks/pipeline/probe.py, run by the user's interpreter) to load a model and
predict on batches of rows; turn its answer, or its silence, into plain facts and messages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.checks.pipeline.process import ProcessOutcome, ProcessSetup, run_process
from checker.contracts.model import Contract
from checker.record import record

PROBE_SCRIPT = Path(__file__).with_name("probe.py")  # run by the user's interpreter, never imported

if TYPE_CHECKING:
    import pyarrow as pa


@record
class ModelToProbe:
    path: Path
    format: str | None
    batches: Mapping[str, pa.Table | list[list[Any]]]  # a table, or row lists in contract order
    scores: bool = False  # also predict_proba / decision_function, where the model has them


@record
class ProbeRequest:
    python: str
    contract: Contract
    models: Sequence[ModelToProbe]

    @property
    def columns(self) -> list[str]:
        return list(self.contract.features)

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "types": {name: col.type.value for name, col in self.contract.features.items()},
            "models": [{"path": str(m.path), "format": m.format, "scores": m.scores,
                        "batches": {name: row_lists(rows, self.columns) for name, rows in m.batches.items()}}
                       for m in self.models],
        }


@record
class ProbeAnswer:
    """One model's part of the probe's answer."""

    outcome: ProcessOutcome
    load_error: str | None  # why the model could not be loaded (or the probe not run)
    load: Mapping[str, Any] = field(default_factory=dict)
    batches: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    python_version: str = ""

    @property
    def loaded(self) -> bool:
        return self.load_error is None


def run_probe(request: ProbeRequest, setup: ProcessSetup) -> list[ProbeAnswer]:
    """One answer per model in the request, in order."""
    log_dir, name = setup.log_dir, setup.name
    log_dir.mkdir(parents=True, exist_ok=True)
    request_path, response_path = log_dir / f"{name}.request.json", log_dir / f"{name}.response.json"
    request_path.write_text(json.dumps(request.to_json(), default=_json_default), encoding="utf-8")
    argv = [request.python, str(PROBE_SCRIPT), str(request_path), str(response_path)]
    outcome = run_process(argv, setup)
    response = _read_response(response_path)
    models = response.get("models") if response else None
    if not isinstance(models, list) or len(models) != len(request.models):
        why = silence(outcome, setup.timeout_s)
        return [ProbeAnswer(outcome, why) for _ in request.models]
    version = str(response.get("python", "")) if response else ""
    return [_answer(outcome, model, answer, request.python, version)
            for model, answer in zip(request.models, models, strict=True)]


def _answer(outcome: ProcessOutcome, model: ModelToProbe, answer: Mapping[str, Any], python: str,
            version: str) -> ProbeAnswer:
    load = answer.get("load") or {}
    error = None if load.get("ok") else load_message(python, model.path, load)
    return ProbeAnswer(outcome, error, load, answer.get("batches") or {}, version)


def load_message(python: str, path: Path, load: Mapping[str, Any]) -> str:
    kind, fmt, error = load.get("kind"), load.get("format", ""), load.get("error", "")
    if kind == "missing_module":
        module = load.get("module") or "a module"
        return (f"the user's environment ({python}) has no module {module!r}, needed to load "
                f"this {fmt} model ({error}); install it there (setup or requirements)")
    if kind == "unreadable":
        return f"{path.name} cannot be loaded as {fmt}: {error}"
    return str(error) or "the model could not be loaded"


def silence(outcome: ProcessOutcome, timeout_s: float, script: str = "the probe",
            work: str = "loading and probing the model") -> str:
    """Why a script run by the user's interpreter gave no answer."""
    if outcome.start_error:
        return f"cannot run the user's interpreter: {outcome.start_error}"
    if outcome.timed_out:
        return f"{work} took longer than {timeout_s:g}s"
    last = (outcome.stderr_tail or outcome.stdout_tail).strip().splitlines()[-1:] or ["no output"]
    return f"{script} stopped without answering (exit {outcome.exit_code}): {last[0]}"


def _read_response(path: Path) -> dict[str, Any] | None:
    try:
        response = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return response if isinstance(response, dict) else None


def row_lists(table: pa.Table | list[list[Any]], columns: list[str]) -> list[list[Any]]:
    if isinstance(table, list):
        return table
    data = table.select(columns).to_pydict()
    return [list(row) for row in zip(*(data[c] for c in columns), strict=True)] if columns else []


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to the probe")
