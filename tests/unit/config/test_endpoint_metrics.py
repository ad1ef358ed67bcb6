"""The endpoint entry's `metrics:`: the first configs load; a bad series or label name, url and
path together, and a label filter with nothing to filter are refused naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import write_config

from checker.config.load import load_config
from checker.config.metrics_schema import Metrics
from checker.errors import ConfigError, ConfigProblem

URL = "http://127.0.0.1:8080"


def _metrics(tmp_path: Path, metrics: object) -> Path:
    body = {"version": 1, "endpoint": {"url": URL, "metrics": metrics}}
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def _one_problem(path: Path) -> ConfigProblem:
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    return info.value.problems[0]


def test_metrics_true_is_every_default_and_false_is_off(tmp_path: Path) -> None:
    assert load_config(_metrics(tmp_path, True), {}).config.endpoint[0].metrics == Metrics()
    assert load_config(_metrics(tmp_path, False), {}).config.endpoint[0].metrics is None
    assert load_config(_metrics(tmp_path, None), {}).config.endpoint[0].metrics is None


def test_a_full_metrics_entry_loads(tmp_path: Path) -> None:
    metrics = {"url": "http://127.0.0.1:8082/metrics", "headers": {"Authorization": "Bearer x"},
               "require": ["model_infer_request_success_total", "up"],
               "requests": "model_infer_request_success_total", "errors": "model_infer_request_failure",
               "labels": {"model": "wine", "version": 1}}
    loaded = load_config(_metrics(tmp_path, metrics), {}).config.endpoint[0].metrics
    assert loaded is not None and loaded.labels == {"model": "wine", "version": "1"}


@pytest.mark.parametrize(("metrics", "key", "words"), [
    ({"require": ["model-requests"]}, "endpoint.metrics.require[0]", "is not a Prometheus metric name"),
    ({"requests": "a b"}, "endpoint.metrics.requests", "is not a Prometheus metric name"),
    ({"requests": "x", "labels": {"bad-name": "v"}}, "endpoint.metrics.labels",
     "not a Prometheus label name"),
    ({"labels": {"model": "wine"}}, "endpoint.metrics", "set one of them"),
    ({"url": "http://127.0.0.1:1/metrics", "path": "/metrics"}, "endpoint.metrics", "not both"),
    ({"path": "metrics"}, "endpoint.metrics.path", "starts with /"),
    ({"url": "ftp://host/metrics"}, "endpoint.metrics.url", "http:// or https://"),
    ({"url": "http://user:pw@host/metrics"}, "endpoint.metrics.url", "must not carry credentials"),
    ({"requires": ["up"]}, "endpoint.metrics.requires", ""),
])
def test_a_bad_metrics_entry_is_refused(tmp_path: Path, metrics: dict[str, object], key: str,
                                        words: str) -> None:
    problem = _one_problem(_metrics(tmp_path, metrics))
    assert problem.key == key and words in problem.message, str(problem)
    assert problem.line >= 4
    assert "pw@" not in problem.message
