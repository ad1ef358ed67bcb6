"""endpoint.metrics: the service's monitoring hook is alive. The Prometheus exposition is
scraped once health passes (before any prediction) and again after the endpoint checks; the
check fails when a required series is missing after the run, when the requests series grew by
less than the prediction requests the server answered, or when the errors series grew by more
than the errors mlsmoke provoked (the malformed probes, and the prediction requests that failed,
counted apart). A series absent before the run counts as 0 there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.checks.endpoint.entry import EntryCheck
from checker.checks.endpoint.exposition import ACCEPT, MAX_SCRAPE, Scrape, scrape
from checker.checks.endpoint.http import HttpClient, join_url, same_origin
from checker.checks.registry import ENDPOINT_METRICS
from checker.config.metrics_schema import Metrics
from checker.record import record
from checker.results.model import CheckResult, Status


@record
class Sent:
    """What mlsmoke did to the service between the two scrapes."""

    answered: int  # prediction requests the server answered (predict and latency)
    probes: int  # malformed probes: errors provoked on purpose
    failed: int  # prediction requests that failed (endpoint.errors judges them)


def scrape_before(e: EntryCheck) -> None:
    """The first scrape, once the service is healthy (endpoint.metrics judges it)."""
    if e.entry.metrics is not None and e.url is not None:
        e.metrics_before = scrape(_client(e), _target(e.entry.metrics, e.url))


def metrics(e: EntryCheck) -> CheckResult | None:
    spec = e.entry.metrics
    if spec is None or e.url is None:
        return None
    late = e.begin(ENDPOINT_METRICS.id)
    if late is not None:
        return late
    before = e.metrics_before or Scrape(_target(spec, e.url), error="no scrape was taken before the run")
    if before.error:
        return _result(e, Status.FAIL, f"the metrics scrape before the run failed: {before.error}",
                       {"url": before.url})
    after = scrape(_client(e), _target(spec, e.url))
    if after.error:
        return _result(e, Status.FAIL, f"the metrics scrape after the run failed: {after.error}",
                       {"url": after.url})
    sent = Sent(e.tally.answered, e.probes_sent, e.tally.errors)
    problems, evidence, numbers = judge(spec, before, after, sent)
    if problems:
        return _result(e, Status.FAIL, "; ".join(problems), evidence, numbers)
    return _result(e, Status.PASS, _passed(spec, after, numbers), evidence, numbers)


def judge(spec: Metrics, before: Scrape, after: Scrape,
          sent: Sent) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """The problems, the evidence (before and after values) and the metrics of two scrapes."""
    problems: list[str] = []
    evidence: dict[str, Any] = {"url": after.url}
    numbers: dict[str, Any] = {"series": len(after.samples)}
    if spec.labels:
        evidence["labels"] = dict(spec.labels)
    if spec.require:
        missing = [series for series in spec.require if not after.matching(series)]
        evidence["required"] = {s: "missing" if s in missing else "present" for s in spec.require}
        if missing:
            problems.append(f"required series missing after the run: {', '.join(missing)}")
    if spec.requests:
        found, grew = _growth(spec.requests, spec.labels, before, after)
        evidence["requests"] = {**found, "expected_growth_at_least": sent.answered}
        numbers["requests_growth"] = grew
        problems += _requests_problems(spec, after, grew, sent)
    if spec.errors:
        found, grew = _growth(spec.errors, spec.labels, before, after)
        evidence["errors"] = {**found, "provoked": {"malformed_probes": sent.probes,
                                                    "failed_predictions": sent.failed}}
        numbers["errors_growth"] = grew
        allowed = sent.probes + sent.failed
        if grew > allowed:
            problems.append(f"{spec.errors}{_shown(spec.labels)} grew by {grew:g}, more than the {allowed} "
                            f"errors mlsmoke provoked ({sent.probes} malformed probes, {sent.failed} failed "
                            "prediction requests)")
    return problems, evidence, numbers


def _requests_problems(spec: Metrics, after: Scrape, grew: float, sent: Sent) -> list[str]:
    series = f"{spec.requests}{_shown(spec.labels)}"
    if not after.matching(spec.requests or "", spec.labels):
        return [f"{series} is not on the metrics page after {sent.answered} prediction requests"]
    if grew < 0:
        return [f"{series} went down by {-grew:g} during the run (did the service restart?)"]
    if grew < sent.answered:
        return [f"{series} grew by {grew:g}, expected at least {sent.answered} "
                "(the prediction requests the service answered)"]
    return []


def _growth(series: str, labels: Mapping[str, str], before: Scrape,
            after: Scrape) -> tuple[dict[str, Any], float]:
    was, now = before.total(series, labels), after.total(series, labels)
    return {"series": series, "before": was, "after": now, "grew": now - was}, now - was


def _passed(spec: Metrics, after: Scrape, numbers: Mapping[str, Any]) -> str:
    parts = []
    if spec.requests:
        parts.append(f"{spec.requests} +{numbers['requests_growth']:g}")
    if spec.errors:
        parts.append(f"{spec.errors} +{numbers['errors_growth']:g}")
    if spec.require:
        parts.append(f"{len(spec.require)} required series present")
    return ", ".join(parts) or f"the metrics page parses ({len(after.samples)} samples)"


def _shown(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def _result(e: EntryCheck, status: Status, summary: str, evidence: dict[str, Any],
            numbers: dict[str, Any] | None = None) -> CheckResult:
    return e.result(CheckResult(id=ENDPOINT_METRICS.id, status=status, summary=summary, evidence=evidence,
                                metrics=dict(numbers or {}), location=e.location("metrics")))


def _target(spec: Metrics, url: str) -> str:
    return spec.url or join_url(url, spec.path or "/metrics")


def _client(e: EntryCheck) -> HttpClient:
    """The endpoint's headers go only to a metrics page on the endpoint's own origin."""
    spec, url = e.entry.metrics, e.url
    assert spec is not None and url is not None
    own = dict(e.entry.headers) if same_origin(_target(spec, url), url) else {}
    headers = {**own, **spec.headers, "Accept": ACCEPT}
    return HttpClient(headers, e.entry.request_timeout, e.deadline, max_body=MAX_SCRAPE)
