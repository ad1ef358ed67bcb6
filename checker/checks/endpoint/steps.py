"""The endpoint checks, one function each over an `EntryCheck`, in the order the registry
runs them: serve → health → predict → parity (in `parity.py`) → latency → malformed → errors
(endpoint.metrics, in checker.checks.endpoint.metrics, comes last; its first scrape is taken
when health passes).
A check that does not apply to the entry (serve without `serve:`, the model checks of a
health-only entry) returns None; what a failure skips is in the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.checks.endpoint import answers, load, readiness
from checker.checks.endpoint import malformed as malformed_probes
from checker.checks.endpoint.entry import EntryCheck, tail
from checker.checks.endpoint.health import wait_healthy
from checker.checks.endpoint.histogram import latency_chart_data
from checker.checks.endpoint.http import Exchange, join_url, public_url
from checker.checks.endpoint.metrics import scrape_before
from checker.checks.endpoint.protocols import Protocol, ShapeError
from checker.checks.endpoint.request import PredictRequest
from checker.checks.endpoint.serve import NoEngineError, ServeError, ServeSession
from checker.checks.engine import SkipRest
from checker.checks.registry import (
    ENDPOINT_ERRORS,
    ENDPOINT_HEALTH,
    ENDPOINT_LATENCY,
    ENDPOINT_MALFORMED,
    ENDPOINT_PREDICT,
    ENDPOINT_SERVE,
)
from checker.config.endpoint_schema import Endpoint
from checker.config.paths import inside_root
from checker.results.model import CheckResult, Status, truncate

NO_ENGINE_SKIP = ("skipped: serve needs a Docker engine and none answers on this runner "
                  "(runner: python); use runner: docker, or test a deployed URL with staging-url")


def serve(e: EntryCheck) -> CheckResult | SkipRest | None:
    from docker.errors import DockerException

    if e.entry.serve is None:
        return None
    if e.url is not None:
        return e.bare(ENDPOINT_SERVE.id, Status.SKIP,
                      "--staging-url given: testing the deployed service instead")
    session = ServeSession(e.entry.serve, e.ctx.root, e.deadline)
    e.stack.callback(session.close)
    try:
        url: str | None = session.start()
        status, summary, logs = Status.PASS, f"{session.image} is up at {url}", ""
    except ServeError as exc:
        if isinstance(exc, NoEngineError) and e.ctx.environ.get("MLSMOKE_RUNNER") == "python":
            return SkipRest(NO_ENGINE_SKIP)  # the action's Docker-free mode: the engine skips it
        url, status, summary, logs = None, Status.FAIL, str(exc), exc.logs or session.logs()
    except DockerException as exc:
        url, status, summary, logs = None, Status.FAIL, f"Docker: {exc}", session.logs()
    evidence: dict[str, Any] = {"steps": list(session.steps)}
    if logs:
        evidence["logs"] = tail(logs)
    result = e.result(CheckResult(id=ENDPOINT_SERVE.id, status=status, summary=summary, evidence=evidence,
                                  location=e.location("serve")))
    if url is not None:
        e.url, e.logs = url, session.logs  # failing results from now on carry the container's logs
    return result


def health(e: EntryCheck) -> CheckResult | SkipRest:
    assert e.url is not None, "an entry has a url, or serve starts one (or blocks health)"
    url, client = e.url, e.client()
    timeout = e.entry.health.timeout if e.entry.health else 60.0
    protocol = Protocol(e.entry, {})
    outcome = wait_healthy(client, url, protocol.health_paths(), timeout, not_ready=readiness.judge(protocol))
    metrics = {"attempts": len(outcome.attempts), "waited_s": round(outcome.waited_s, 2)}
    evidence: dict[str, Any] = {"attempts": outcome.attempts_evidence()}
    if outcome.healthy:
        scrape_before(e)  # the metrics hook's counters before mlsmoke sends a prediction
        summary = f"healthy after {len(outcome.attempts)} request(s) in {outcome.waited_s:.1f}s"
        return e.result(CheckResult(id=ENDPOINT_HEALTH.id, status=Status.PASS, summary=summary,
                                    metrics=metrics, evidence=evidence,
                                    location=e.location("health")))
    last = outcome.last
    if last is not None and last.status is not None:
        evidence["last_response"] = last.evidence(max_chars=600)
    summary, found = readiness.failure(protocol, outcome, timeout, url)
    failed = e.result(CheckResult(id=ENDPOINT_HEALTH.id, status=Status.FAIL, summary=summary,
                                  metrics=metrics, evidence={**found, **evidence},
                                  location=e.location("health")))
    late = " (the endpoint deadline ran out during it)" if client.remaining() <= 0 else ""
    return SkipRest(f"skipped: the health check failed{late}", failed)


def predict(e: EntryCheck) -> CheckResult | SkipRest | None:
    if not e.applies(ENDPOINT_PREDICT.id):
        return None
    assert e.contract is not None and e.url is not None
    try:
        e.request = request = PredictRequest.build(e.contract, e.entry)
    except ValueError as exc:
        failed = e.result(CheckResult(id=ENDPOINT_PREDICT.id, status=Status.ERROR,
                                      summary=f"cannot make request rows: {exc}",
                                      location=e.location("contract")))
        return SkipRest("skipped: no request rows could be made from the contract", failed)
    late = e.begin(ENDPOINT_PREDICT.id)
    if late is not None:
        return late
    target = join_url(e.url, request.protocol.predict_path())
    answer = e.client().request("POST", target, body=request.body)
    e.tally.add(answer)
    rows = len(request.rows)
    metrics: dict[str, Any] = {"rows": rows, "latency_ms": round(answer.elapsed_s * 1000, 1)}
    evidence: dict[str, Any] = {"request_body": truncate(request.body.decode(), max_chars=600),
                                "response": answer.evidence(max_chars=800)}

    def outcome(status: Status, summary: str, **extra: Any) -> CheckResult:
        return e.result(CheckResult(id=ENDPOINT_PREDICT.id, status=status, summary=summary, metrics=metrics,
                                    evidence={**evidence, **extra}, location=e.location("predict")))

    read = read_predictions(answer, request.protocol, target)
    if isinstance(read, str):
        return outcome(Status.FAIL, read)
    document, predictions = read
    metrics["predictions"] = len(predictions)
    if len(predictions) != rows:
        return outcome(Status.FAIL, f"{len(predictions)} predictions for {rows} rows sent")
    return _judge_predictions(e, predictions, document, outcome)


def read_predictions(answer: Exchange, protocol: Protocol, target: str) -> tuple[Any, list[Any]] | str:
    """(the answer's JSON document, its predictions), or why the answer has none."""
    if answer.error:
        return f"POST {public_url(target)}: {answer.error}"
    if answer.status != 200:
        return f"POST {public_url(target)} answered HTTP {answer.status}, expected 200"
    if not answer.is_json:
        return f"content type {answer.content_type or '(none)'!r}, expected application/json"
    try:
        document = answer.json()
        return document, protocol.predictions(document)
    except (ValueError, ShapeError) as exc:
        return str(exc)


def _judge_predictions(e: EntryCheck, predictions: list[Any], document: Any,
                       outcome: Callable[..., CheckResult]) -> CheckResult:
    spec = e.entry.response
    if spec and spec.output:
        violations = answers.output_violations(predictions, spec.output)
        if violations:
            reasons = sorted({v["reason"] for v in violations})
            return outcome(Status.FAIL, f"{len(violations)} of {len(predictions)} predictions break "
                                        f"response.output: {'; '.join(reasons[:3])}",
                           violations=violations[: answers.MAX_EXAMPLES])
    if spec and spec.schema_:
        try:
            schema = answers.load_schema(inside_root(e.ctx.root, spec.schema_))
        except ValueError as exc:
            return e.result(CheckResult(id=ENDPOINT_PREDICT.id, status=Status.ERROR, summary=str(exc),
                                        location=e.location("response", "schema")))
        problems = answers.schema_violations(document, schema)
        if problems:
            return outcome(Status.FAIL, f"the answer does not match {spec.schema_}: {problems[0]['message']}",
                           schema_violations=problems)
    return outcome(Status.PASS, f"{len(predictions)} predictions for {len(predictions)} rows, HTTP 200")


def latency(e: EntryCheck) -> CheckResult | None:
    entry = e.entry
    if not e.applies(ENDPOINT_LATENCY.id):
        return None
    late = e.begin(ENDPOINT_LATENCY.id)
    if late is not None:
        return late
    if entry.requests == 0:
        return e.bare(ENDPOINT_LATENCY.id, Status.SKIP, "skipped: requests is 0")
    assert e.request is not None and e.url is not None
    client = e.client()
    measured = load.drive(
        load.Post(join_url(e.url, e.request.protocol.predict_path()), e.request.body, client.headers),
        load.LoadPlan(entry.requests, entry.concurrency, entry.request_timeout, client.deadline))
    e.tally.add_load(measured)
    percentiles = measured.percentiles()
    metrics = {**percentiles, "requests": len(measured.samples), "failed": len(measured.failures),
               "concurrency": entry.concurrency, "requests_per_s": round(measured.requests_per_s, 1)}
    evidence = {"outcomes": dict(measured.statuses), **latency_chart_data(measured, entry.latency.limits)}
    status, summary = _latency_verdict(entry, measured, percentiles)
    return e.result(CheckResult(id=ENDPOINT_LATENCY.id, status=status, summary=summary, metrics=metrics,
                                evidence=evidence,
                                location=e.location("latency" if entry.latency.limits else "requests")))


def malformed(e: EntryCheck) -> CheckResult | None:
    if not e.applies(ENDPOINT_MALFORMED.id):
        return None
    late = e.begin(ENDPOINT_MALFORMED.id)
    if late is not None:
        return late
    assert e.entry.malformed is not None and e.request is not None and e.url is not None
    request, client = e.request, e.client()
    target = join_url(e.url, request.protocol.predict_path())
    probes = malformed_probes.build_probes(request.protocol, request.rows, request.make_rows,
                                           e.entry.malformed.max_rows)
    allow = e.entry.malformed.allow
    judged, first = [], []
    for probe in probes:
        answer = client.request("POST", target, body=probe.body, content_type=probe.content_type)
        verdict = malformed_probes.judge(probe, answer)
        first.append((probe.id, verdict))
        judged.append((probe, answer, malformed_probes.allowed(verdict) if probe.id in allow else verdict))
    e.probes_sent = len(judged)
    unneeded = malformed_probes.not_needed(allow, first)
    worst = max(verdict.status for _, _, verdict in judged)
    summary = malformed_probes.summarize([(probe.name, verdict) for probe, _, verdict in judged], unneeded)
    metrics = {"probes": len(judged), "failed": sum(v.status is Status.FAIL for _, _, v in judged),
               "warned": sum(v.status is Status.WARN for _, _, v in judged)}
    evidence: dict[str, object] = {"probes": [malformed_probes.evidence(p, a, v) for p, a, v in judged]}
    if allow:
        evidence.update(allowed=list(allow), no_longer_needed=unneeded)
    return e.result(CheckResult(id=ENDPOINT_MALFORMED.id, status=worst, summary=summary, metrics=metrics,
                                evidence=evidence,
                                location=e.location("malformed")))


def errors(e: EntryCheck) -> CheckResult | None:
    if not e.applies(ENDPOINT_ERRORS.id):
        return None
    late = e.out_of_time(ENDPOINT_ERRORS.id) if not e.tally.total else None
    if late is not None:
        return late  # nothing was sent: there is no error rate to judge
    total, failed = e.tally.total, e.tally.errors
    rate = failed / total if total else 0.0
    limit = e.entry.error_rate_max
    metrics = {"requests": total, "errors": failed, "error_rate": round(rate, 4), "error_rate_max": limit}
    evidence = {"outcomes": dict(e.tally.outcomes), "examples": list(e.tally.examples)}
    judged = f"({rate:.1%} > {limit:.1%})" if rate > limit else f"({rate:.1%}, limit {limit:.1%})"
    return e.result(CheckResult(id=ENDPOINT_ERRORS.id, status=Status.FAIL if rate > limit else Status.PASS,
                                summary=f"{failed} of {total} prediction requests failed {judged}",
                                metrics=metrics, evidence=evidence))


def _latency_verdict(entry: Endpoint, measured: load.LoadResult,
                     percentiles: Mapping[str, float]) -> tuple[Status, str]:
    sent, planned = len(measured.samples), measured.planned
    if not percentiles:
        first = next(iter(measured.statuses), "nothing sent")
        return Status.FAIL, f"none of {sent} requests succeeded ({first})"
    shown = ", ".join(f"{k.removesuffix('_ms')} {v:g} ms" for k, v in percentiles.items())
    if sent < planned:
        return Status.FAIL, f"the deadline stopped the run after {sent} of {planned} requests ({shown})"
    budget = entry.latency.limits
    over = [f"{key.removesuffix('_ms')} {percentiles[key]:g} ms > {limit:g} ms"
            for key, limit in budget.items() if percentiles[key] > limit]
    if over:
        return Status.FAIL, f"over budget: {', '.join(over)} ({sent} requests)"
    failed = len(measured.failures)
    note = f"; {failed} failed (see endpoint.errors)" if failed else ""
    within = "within budget" if budget else "no budget set"
    return Status.PASS, f"{shown} over {sent} requests, {within}{note}"

