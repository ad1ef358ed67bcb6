"""Reading a Prometheus exposition: `foo` and `foo_total` are one counter, `_created` is no
count, a histogram named by its family counts `_count`, labels filter, garbage is a ValueError."""

from __future__ import annotations

import pytest

from checker.checks.endpoint.exposition import Scrape, parse

PAGE = """\
# HELP requests_total Requests
# TYPE requests_total counter
requests_total{model="wine",code="200"} 3.0
requests_total{model="wine",code="500"} 1.0
requests_total{model="iris",code="200"} 5.0
requests_created{model="wine",code="200"} 1.7961705e+09
# HELP latency_seconds Latency
# TYPE latency_seconds histogram
latency_seconds_bucket{le="+Inf"} 4.0
latency_seconds_count 4.0
latency_seconds_sum 0.25
# TYPE latency_seconds_created gauge
latency_seconds_created 1.7961705e+09
# TYPE temperature gauge
temperature NaN
untyped_total 2
"""


def scrape(text: str = PAGE) -> Scrape:
    samples, families = parse(text)
    return Scrape("http://h/metrics", samples, families)


def test_a_counter_is_read_by_its_sample_name_or_its_family_name() -> None:
    assert scrape().total("requests_total") == scrape().total("requests") == 9
    assert scrape().total("untyped_total") == scrape().total("untyped") == 2


def test_created_timestamps_are_not_counted() -> None:
    names = {s.name for s in scrape().samples}
    assert "requests_created" not in names and "latency_seconds_created" not in names


def test_a_histogram_named_by_its_family_counts_its_count() -> None:
    assert scrape().total("latency_seconds") == 4
    assert scrape().total("latency_seconds_sum") == 0.25


def test_labels_filter_and_an_absent_series_is_zero() -> None:
    assert scrape().total("requests_total", {"model": "wine"}) == 4
    assert scrape().total("requests_total", {"model": "wine", "code": "200"}) == 3
    assert scrape().total("requests_total", {"model": "nope"}) == 0
    assert scrape().matching("nothing_total") == []


def test_a_non_finite_value_is_left_out() -> None:
    assert scrape().matching("temperature") == []


@pytest.mark.parametrize("text", ["<html><body>x</body></html>", '{"ready": true}', 'up{job="a} 1',
                                  "hello world"])
def test_text_that_is_not_an_exposition_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse(text)
