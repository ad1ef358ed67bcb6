"""endpoint.parity: training-serving skew. The same contract-generated rows go to the endpoint
and to an offline model (the one the pipeline family just trained, `model: "{pipeline}"`, or a
model file in the project), which the probe loads and runs in the user's interpreter; every
served value must agree with the offline one (checker.checks.endpoint.parity_compare).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.checks.endpoint.entry import EntryCheck
from checker.checks.endpoint.http import join_url
from checker.checks.endpoint.parity_compare import Comparison, compare
from checker.checks.endpoint.protocols import Row
from checker.checks.endpoint.request import encode
from checker.checks.endpoint.steps import read_predictions
from checker.checks.handoff import OfflineModel
from checker.checks.pipeline.commands import GITHUB_CREDENTIALS, resolve_python
from checker.checks.pipeline.model_results import batch_failure
from checker.checks.pipeline.probing import ModelToProbe, ProbeRequest, run_probe
from checker.checks.pipeline.process import ProcessSetup
from checker.checks.registry import ENDPOINT_PARITY
from checker.config.endpoint_schema import Parity
from checker.config.field_types import PIPELINE_MODEL
from checker.config.paths import PathRefusedError, inside_root
from checker.results.model import CheckResult, Status, truncate

MAX_ROWS_SHOWN = 10
CLASS_ONLY = ("Only classes were compared: a weak test of skew (a feature scaled ×10 behind a "
              "scaler changed about 1.5 % of the classes). Serve scores or probabilities to "
              "compare them within the tolerance.")


def parity(e: EntryCheck) -> CheckResult | None:
    spec = e.entry.parity
    if spec is None or not e.applies(ENDPOINT_PARITY.id):
        return None
    late = e.begin(ENDPOINT_PARITY.id)
    if late is not None:
        return late
    assert e.request is not None and e.url is not None, "predict made the request (or skipped the rest)"
    offline = _offline_model(e, spec)
    if isinstance(offline, CheckResult):
        return offline
    rows = e.request.make_rows(spec.rows)
    served = _served(e, rows)
    if isinstance(served, str):
        return _result(e, Status.FAIL, f"the endpoint: {served}")
    batch = _offline_predictions(e, spec, offline, rows)
    if isinstance(batch, str):
        return _result(e, Status.FAIL, f"the offline model ({_shown(spec)}): {batch}")
    comparison = compare(served, batch, spec.tolerance)
    if isinstance(comparison, str):
        return _result(e, Status.FAIL, comparison)
    return _judged(e, spec, comparison, rows, served)


def _offline_model(e: EntryCheck, spec: Parity) -> OfflineModel | CheckResult:
    if spec.model == PIPELINE_MODEL:
        trained = e.ctx.handoff.pipeline_model
        if trained is None:
            return _result(e, Status.SKIP, f"{PIPELINE_MODEL}: {e.ctx.handoff.why_no_pipeline_model()}")
        return trained if spec.format is None else OfflineModel(
            trained.path, spec.format, trained.python, trained.cwd, trained.env)
    try:
        path = inside_root(e.ctx.root, spec.model)
    except PathRefusedError as exc:
        return _result(e, Status.FAIL, f"refused, not loaded: {exc}")
    if not path.is_file():
        return _result(e, Status.FAIL, f"the offline model {spec.model} does not exist")
    pipeline = e.ctx.loaded.config.pipeline
    wanted = spec.python or (pipeline.python if pipeline else "python3")
    python = resolve_python(wanted, e.ctx.root, e.ctx.environ)
    if python is None:
        return _result(e, Status.FAIL, f"the interpreter {wanted!r} (parity.python) was not found")
    return OfflineModel(path, spec.format, python, e.ctx.root,
                        _probe_environ(e.ctx.environ, pipeline.env if pipeline else {}, wanted, python))


def _probe_environ(environ: Mapping[str, str], extra: Mapping[str, str], wanted: str,
                   python: str) -> dict[str, str]:
    """The user's environment for a probe run in the project folder itself: nothing written
    there (no bytecode caches), the job's GitHub credentials left out, a venv's bin first."""
    env = {name: value for name, value in environ.items() if name not in GITHUB_CREDENTIALS}
    env.update(extra)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if "/" in wanted:
        env["PATH"] = str(Path(python).parent) + (f":{env['PATH']}" if env.get("PATH") else "")
    return env


def _served(e: EntryCheck, rows: list[Row]) -> list[Any] | str:
    """The endpoint's predictions for `rows`, in batches no larger than malformed.max_rows."""
    assert e.request is not None and e.url is not None
    protocol, client = e.request.protocol, e.client()
    target = join_url(e.url, protocol.predict_path())
    size = (e.entry.malformed.max_rows if e.entry.malformed else None) or len(rows)
    predictions: list[Any] = []
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        answer = client.request("POST", target, body=encode(protocol.body(chunk)))
        e.tally.add(answer)
        read = read_predictions(answer, protocol, target)
        if isinstance(read, str):
            return read
        if len(read[1]) != len(chunk):
            return f"{len(read[1])} predictions for {len(chunk)} rows sent"
        predictions += read[1]
    return predictions


def _offline_predictions(e: EntryCheck, spec: Parity, offline: OfflineModel,
                         rows: list[Row]) -> Mapping[str, Any] | str:
    assert e.contract is not None
    columns = list(e.contract.features)
    lists = [[row.get(c) for c in columns] for row in rows]
    request = ProbeRequest(offline.python, e.contract,
                           [ModelToProbe(offline.path, offline.format, {"parity": lists}, scores=True)])
    logs = Path(e.stack.enter_context(tempfile.TemporaryDirectory(prefix="mlsmoke-parity-")))
    timeout = min(spec.timeout, e.client().remaining())
    answer = run_probe(request, ProcessSetup(cwd=offline.cwd, env=offline.env, timeout_s=timeout,
                                             log_dir=logs, name="parity"))[0]
    if not answer.loaded:
        return str(answer.load_error)
    batch = answer.batches.get("parity")
    failure = batch_failure(batch)
    if failure or batch is None:
        return failure or "no predictions"
    return batch


def _judged(e: EntryCheck, spec: Parity, comparison: Comparison, rows: list[Row],
            served: list[Any]) -> CheckResult:
    differing, total = comparison.differing, len(rows)
    how = "exactly, as classes" if comparison.classes else f"within {spec.tolerance:g}"
    metrics: dict[str, Any] = {"rows": total, "mismatches": len(differing), "compared": comparison.compared,
                               "tolerance": spec.tolerance}
    details = CLASS_ONLY if comparison.classes else ""
    if not differing:
        return _result(e, Status.PASS, f"all {total} served predictions equal the offline model's "
                                       f"{comparison.compared} ({how}); 0 rows differ",
                       metrics=metrics, details=details)
    table = [{"row": row, "input": rows[row], "offline": comparison.offline[row], "served": served[row]}
             for row in differing[:MAX_ROWS_SHOWN]]
    more = ", …" if len(differing) > MAX_ROWS_SHOWN else ""
    named = ", ".join(str(row) for row in differing[:MAX_ROWS_SHOWN]) + more
    return _result(e, Status.FAIL, f"{len(differing)} of {total} rows differ from the offline model's "
                                   f"{comparison.compared} ({how}): rows {named}",
                   metrics=metrics, details=details, evidence={"mismatches": table})


def _shown(spec: Parity) -> str:
    return "the pipeline's model" if spec.model == PIPELINE_MODEL else spec.model


def _result(e: EntryCheck, status: Status, summary: str, **found: Any) -> CheckResult:
    """`found`: metrics, details, evidence."""
    return e.result(CheckResult(id=ENDPOINT_PARITY.id, status=status, summary=summary,
                                details=found.get("details", ""), metrics=dict(found.get("metrics", {})),
                                evidence=truncate(dict(found.get("evidence", {}))),
                                location=e.location("parity")))
