"""One endpoint entry's checks, each a method returning its CheckResult. The orchestration
(what runs after what, what is skipped) is in `checker.checks.endpoint.family`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from checker.checks.endpoint import answers, load, malformed
from checker.checks.endpoint.health import wait_healthy
from checker.checks.endpoint.http import HttpClient, join_url, public_url
from checker.checks.endpoint.protocols import Protocol, ShapeError
from checker.checks.endpoint.request import PredictRequest, Tally
from checker.checks.endpoint.serve import ServeError, ServeSession
from checker.config.paths import inside_root
from checker.config.schema import Endpoint
from checker.results.clip import clip_tail
from checker.results.model import CheckResult, Location, Status, stopwatch, truncate
from checker.run.context import RunContext

LOG_CHARS = 1800


def new_serve_session(entry: Endpoint, ctx: RunContext, deadline: float) -> ServeSession:
    assert entry.serve is not None
    return ServeSession(entry.serve, ctx.root, deadline)


@dataclass(frozen=True)
class Step:
    ctx: RunContext
    index: int
    entry: Endpoint
    subject: str
    logs: Callable[[], str] | None = None

    def with_logs(self, logs: Callable[[], str]) -> Step:
        """Failing results from now on carry the tail of the container's logs."""
        return replace(self, logs=logs)

    def location(self, *keys: Any) -> Location:
        return self.ctx.location("endpoint", self.index, *keys)

    def result(self, result: CheckResult) -> CheckResult:
        """`result` as this step reports it: with the entry as subject, the entry's location
        unless the check names one, evidence truncated, and the container's logs on a failure."""
        found = dict(result.evidence)
        if result.status in (Status.FAIL, Status.ERROR) and self.logs is not None:
            found["container_logs"] = _tail(self.logs())
        return replace(result, subject=self.subject, metrics=dict(result.metrics), evidence=truncate(found),
                       location=result.location or self.location(), duration_s=round(result.duration_s, 4))

    def skip(self, check_id: str, reason: str) -> CheckResult:
        return CheckResult(id=check_id, status=Status.SKIP, summary=reason, subject=self.subject,
                           location=self.location())

    def serve(self, session: ServeSession) -> tuple[CheckResult, str | None]:
        from docker.errors import DockerException

        with stopwatch() as elapsed:
            try:
                url: str | None = session.start()
                status, summary, logs = Status.PASS, f"{session.image} is up at {url}", ""
            except ServeError as exc:
                url, status, summary, logs = None, Status.FAIL, str(exc), exc.logs or session.logs()
            except DockerException as exc:
                url, status, summary, logs = None, Status.FAIL, f"Docker: {exc}", session.logs()
        evidence: dict[str, Any] = {"steps": list(session.steps)}
        if logs:
            evidence["logs"] = _tail(logs)
        return self.result(CheckResult("endpoint.serve", status, summary, evidence=evidence,
                                       location=self.location("serve"), duration_s=elapsed[0])), url

    def health(self, client: HttpClient, url: str) -> CheckResult:
        timeout = self.entry.health.timeout if self.entry.health else 60.0
        paths = Protocol(self.entry, {}).health_paths()
        with stopwatch() as elapsed:
            outcome = wait_healthy(client, url, paths, timeout)
        metrics = {"attempts": len(outcome.attempts), "waited_s": round(outcome.waited_s, 2)}
        evidence: dict[str, Any] = {"attempts": outcome.attempts_evidence()}
        if outcome.healthy:
            summary = f"healthy after {len(outcome.attempts)} request(s) in {outcome.waited_s:.1f}s"
            return self.result(CheckResult("endpoint.health", Status.PASS, summary, metrics=metrics,
                                           evidence=evidence, location=self.location("health"),
                                           duration_s=elapsed[0]))
        last = outcome.last
        if last is not None and last.status is not None:
            evidence["last_response"] = last.evidence(max_chars=600)
        reason = last.outcome() if last else "no request could be sent"
        summary = f"not healthy within {timeout:g}s: {public_url(last.url) if last else url} → {reason}"
        return self.result(CheckResult("endpoint.health", Status.FAIL, summary, metrics=metrics,
                                       evidence=evidence, location=self.location("health"),
                                       duration_s=elapsed[0]))

    def predict(self, client: HttpClient, url: str, request: PredictRequest, tally: Tally) -> CheckResult:
        target = join_url(url, request.protocol.predict_path())
        with stopwatch() as elapsed:
            answer = client.request("POST", target, body=request.body)
        tally.add(answer)
        rows = len(request.rows)
        metrics: dict[str, Any] = {"rows": rows, "latency_ms": round(answer.elapsed_s * 1000, 1)}
        evidence: dict[str, Any] = {"request_body": truncate(request.body.decode(), max_chars=600),
                                    "response": answer.evidence(max_chars=800)}

        def outcome(status: Status, summary: str, **extra: Any) -> CheckResult:
            return self.result(CheckResult("endpoint.predict", status, summary, metrics=metrics,
                                           evidence={**evidence, **extra}, location=self.location("predict"),
                                           duration_s=elapsed[0]))

        if answer.error:
            return outcome(Status.FAIL, f"POST {public_url(target)}: {answer.error}")
        if answer.status != 200:
            return outcome(Status.FAIL,
                           f"POST {public_url(target)} answered HTTP {answer.status}, expected 200")
        if not answer.is_json:
            return outcome(Status.FAIL, f"content type {answer.content_type or '(none)'!r}, "
                                        "expected application/json")
        try:
            document = answer.json()
            predictions = request.protocol.predictions(document)
        except (ValueError, ShapeError) as exc:
            return outcome(Status.FAIL, str(exc))
        metrics["predictions"] = len(predictions)
        if len(predictions) != rows:
            return outcome(Status.FAIL, f"{len(predictions)} predictions for {rows} rows sent")
        return self._judge_predictions(predictions, document, outcome)

    def _judge_predictions(self, predictions: list[Any], document: Any,
                           outcome: Callable[..., CheckResult]) -> CheckResult:
        spec = self.entry.response
        if spec and spec.output:
            violations = answers.output_violations(predictions, spec.output)
            if violations:
                reasons = sorted({v["reason"] for v in violations})
                return outcome(Status.FAIL, f"{len(violations)} of {len(predictions)} predictions break "
                                            f"response.output: {'; '.join(reasons[:3])}",
                               violations=violations[: answers.MAX_EXAMPLES])
        if spec and spec.schema_:
            try:
                schema = answers.load_schema(inside_root(self.ctx.root, spec.schema_))
            except ValueError as exc:
                return self.result(CheckResult("endpoint.predict", Status.ERROR, str(exc),
                                               location=self.location("response", "schema")))
            problems = answers.schema_violations(document, schema)
            if problems:
                return outcome(Status.FAIL,
                               f"the answer does not match {spec.schema_}: {problems[0]['message']}",
                               schema_violations=problems)
        return outcome(Status.PASS, f"{len(predictions)} predictions for {len(predictions)} rows, HTTP 200")

    def latency(self, client: HttpClient, url: str, request: PredictRequest, tally: Tally) -> CheckResult:
        entry = self.entry
        if entry.requests == 0:
            return self.skip("endpoint.latency", "skipped: requests is 0")
        with stopwatch() as elapsed:
            measured = load.drive(
                load.Post(join_url(url, request.protocol.predict_path()), request.body, client.headers),
                load.LoadPlan(entry.requests, entry.concurrency, entry.request_timeout, client.deadline))
        tally.add_load(measured)
        percentiles = measured.percentiles()
        metrics = {**percentiles, "requests": len(measured.samples), "failed": len(measured.failures),
                   "concurrency": entry.concurrency, "requests_per_s": round(measured.requests_per_s, 1)}
        evidence = {"outcomes": dict(measured.statuses)}
        status, summary = _latency_verdict(entry, measured, percentiles)
        where = self.location("latency" if entry.latency.limits else "requests")
        return self.result(CheckResult("endpoint.latency", status, summary, metrics=metrics,
                                       evidence=evidence, location=where, duration_s=elapsed[0]))

    def malformed(self, client: HttpClient, url: str, request: PredictRequest) -> CheckResult:
        assert self.entry.malformed is not None
        target = join_url(url, request.protocol.predict_path())
        with stopwatch() as elapsed:
            probes = malformed.build_probes(request.protocol, request.rows, request.make_rows,
                                            self.entry.malformed.max_rows)
            judged = []
            for probe in probes:
                answer = client.request("POST", target, body=probe.body, content_type=probe.content_type)
                judged.append((probe, answer, malformed.judge(probe, answer)))
        worst = max(verdict.status for _, _, verdict in judged)
        summary = malformed.summarize([(probe.name, verdict) for probe, _, verdict in judged])
        metrics = {"probes": len(judged), "failed": sum(v.status is Status.FAIL for _, _, v in judged),
                   "warned": sum(v.status is Status.WARN for _, _, v in judged)}
        evidence = {"probes": [malformed.evidence(p, a, v) for p, a, v in judged]}
        return self.result(CheckResult("endpoint.malformed", worst, summary, metrics=metrics,
                                       evidence=evidence, location=self.location("malformed"),
                                       duration_s=elapsed[0]))

    def errors(self, tally: Tally) -> CheckResult:
        total, failed = tally.total, tally.errors
        rate = failed / total if total else 0.0
        limit = self.entry.error_rate_max
        metrics = {"requests": total, "errors": failed, "error_rate": round(rate, 4), "error_rate_max": limit}
        evidence = {"outcomes": dict(tally.outcomes), "examples": list(tally.examples)}
        said = f"{failed} of {total} prediction requests failed"
        if rate > limit:
            summary, status = f"{said} ({rate:.1%} > {limit:.1%})", Status.FAIL
        else:
            summary, status = f"{said} ({rate:.1%}, limit {limit:.1%})", Status.PASS
        return self.result(CheckResult("endpoint.errors", status, summary, metrics=metrics,
                                       evidence=evidence))


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


def _tail(text: str) -> str:
    return clip_tail(text, LOG_CHARS)
