"""The `compare:` section: the minimal one a user writes, the gates, and every mistake as a
file:line:key problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_config

from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

HEAD = "version: 1\n"


def loaded(tmp_path: Path, text: str):
    return load_config(write_config(tmp_path, HEAD + text), {})


def problems(tmp_path: Path, text: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        loaded(tmp_path, text)
    return caught.value.problems


def test_compare_with_nothing_under_it_compares_with_the_defaults(tmp_path: Path) -> None:
    compare = loaded(tmp_path, "compare:\n").config.compare
    assert compare is not None
    assert compare.artifact == "mlsmoke-results" and compare.results is None and not compare.gated


def test_no_compare_section_compares_nothing(tmp_path: Path) -> None:
    assert loaded(tmp_path, "").config.compare is None


@pytest.mark.parametrize(("written", "percent"), [("25%", 25.0), ("12.5 %", 12.5), ("30", 30.0), ("0%", 0.0)])
def test_a_latency_gate_is_a_percentage(tmp_path: Path, written: str, percent: float) -> None:
    compare = loaded(tmp_path, f"compare:\n  latency: {{p95_increase_max: '{written}'}}\n").config.compare
    assert compare is not None and compare.latency is not None
    assert compare.latency.limits == {"p95_ms": percent} and compare.gated


@pytest.mark.parametrize("written", ["fast", "-5%", "25ms", "true"])
def test_a_latency_gate_that_is_not_a_percentage_is_a_problem(tmp_path: Path, written: str) -> None:
    [problem] = problems(tmp_path, f"compare:\n  latency:\n    p95_increase_max: {written}\n")
    assert (problem.line, problem.key) == (4, "compare.latency.p95_increase_max")
    assert "percentage" in problem.message


def test_metric_gates_name_one_direction(tmp_path: Path) -> None:
    compare = loaded(tmp_path, "compare:\n  metrics:\n    accuracy: {max_drop: 0.02}\n"
                               "    rmse: {max_increase: 0.1}\n").config.compare
    assert compare is not None
    assert compare.metrics["accuracy"].max_drop == 0.02 and compare.metrics["rmse"].max_increase == 0.1


@pytest.mark.parametrize("gate", ["{max_drop: 0.1, max_increase: 0.1}", "{}"])
def test_a_metric_gate_with_both_or_no_direction_is_a_problem(tmp_path: Path, gate: str) -> None:
    [problem] = problems(tmp_path, f"compare:\n  metrics:\n    accuracy: {gate}\n")
    assert problem.line == 4 and problem.key.startswith("compare.metrics.accuracy")
    assert "exactly one of max_drop" in problem.message


def test_an_unknown_key_is_a_problem(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "compare:\n  artefact: x\n")
    assert (problem.line, problem.key) == (3, "compare.artefact")


@pytest.mark.parametrize("path", ["../base.json", "/etc/passwd", ".git/config"])
def test_a_results_path_outside_the_project_is_refused(tmp_path: Path, path: str) -> None:
    [problem] = problems(tmp_path, f"compare:\n  results: {path}\n")
    assert (problem.line, problem.key) == (3, "compare.results")


def test_a_results_path_inside_the_project_is_kept(tmp_path: Path) -> None:
    compare = loaded(tmp_path, "compare:\n  results: base/results.json\n").config.compare
    assert compare is not None and compare.results == "base/results.json"
