"""endpoint.metrics' verdict on two scrapes: growth against what mlsmoke sent and provoked, a
counter that went down, a series absent before counted as 0."""

from __future__ import annotations

from checker.checks.endpoint.exposition import Scrape, parse
from checker.checks.endpoint.metrics import Sent, judge
from checker.config.metrics_schema import Metrics

SPEC = Metrics(requests="ok_total", errors="failed_total", require=["ok_total"])


def scrape(ok: float | None, failed: float | None = None) -> Scrape:
    lines = ["# TYPE ok_total counter", "# TYPE failed_total counter", "up 1"]
    lines += [f'ok_total{{model="wine"}} {ok}'] if ok is not None else []
    lines += [f'failed_total{{model="wine"}} {failed}'] if failed is not None else []
    samples, families = parse("\n".join(lines) + "\n")
    return Scrape("http://h/metrics", samples, families)


def test_growth_of_at_least_the_requests_and_at_most_the_provoked_errors_passes() -> None:
    problems, evidence, numbers = judge(SPEC, scrape(None), scrape(10, 3), Sent(10, 2, 1))
    assert problems == []
    assert evidence["requests"] == {"series": "ok_total", "before": 0, "after": 10, "grew": 10,
                                    "expected_growth_at_least": 10}
    assert evidence["errors"]["provoked"] == {"malformed_probes": 2, "failed_predictions": 1}
    assert numbers == {"series": 3, "requests_growth": 10, "errors_growth": 3}


def test_too_little_growth_and_too_many_errors_both_fail() -> None:
    problems, _, _ = judge(SPEC, scrape(5, 0), scrape(9, 4), Sent(10, 2, 0))
    assert problems == [
        "ok_total grew by 4, expected at least 10 (the prediction requests the service answered)",
        "failed_total grew by 4, more than the 2 errors mlsmoke provoked (2 malformed probes, "
        "0 failed prediction requests)"]


def test_a_counter_that_went_down_says_so() -> None:
    problems, _, _ = judge(Metrics(requests="ok_total"), scrape(50), scrape(3), Sent(3, 0, 0))
    assert problems == ["ok_total went down by 47 during the run (did the service restart?)"]


def test_a_required_series_is_judged_after_the_run() -> None:
    problems, evidence, _ = judge(Metrics(require=["ok_total"]), scrape(None), scrape(1), Sent(1, 0, 0))
    assert problems == [] and evidence["required"] == {"ok_total": "present"}
    problems, _, _ = judge(Metrics(require=["ok_total"]), scrape(1), scrape(None), Sent(1, 0, 0))
    assert problems == ["required series missing after the run: ok_total"]
