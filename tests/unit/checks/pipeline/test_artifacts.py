"""Artifacts, metrics and prediction verdicts (checker.checks.pipeline.artifacts / .predictions)."""

from __future__ import annotations

import json
from pathlib import Path

from checker.checks.pipeline.artifacts import artifact_problems, check_metrics, inspect, lookup
from checker.checks.pipeline.predictions import (
    differences,
    expect_mismatches,
    same,
    shape_problem,
    value_problems,
)
from checker.checks.pipeline.scratch import Scratch
from checker.config.field_types import OutputSpec
from checker.config.schema import Artifact, Bounds, Expectation


def test_lookup_follows_dotted_keys_and_prefers_literal_keys() -> None:
    document = {"a": {"b": {"c": 1}}, "x.y": 2, "list": [{"v": 3}]}
    assert lookup(document, "a.b.c") == (True, 1)
    assert lookup(document, "x.y") == (True, 2)
    assert lookup(document, "list.0.v") == (True, 3)
    assert lookup(document, "a.z") == (False, None)
    assert lookup(document, "list.5.v") == (False, None)


def test_metrics_within_bounds_pass_and_outside_fail(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({"accuracy": 0.8, "loss": {"val": 2.5}, "name": "m", "nan": float("nan")}))
    findings = check_metrics("m.json", path, {
        "accuracy": Bounds(min=0.5, max=1), "loss.val": Bounds(max=1.0), "name": Bounds(min=0),
        "missing": Bounds(min=0), "nan": Bounds(min=0)})
    problems = {f.key: f.problem for f in findings}
    assert problems == {"accuracy": None, "loss.val": "2.5 is above the maximum 1.0",
                        "name": "not a number (str)", "missing": "key not found", "nan": "NaN"}


def test_metrics_file_that_is_not_json_is_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text("accuracy=0.9")
    [finding] = check_metrics("m.json", path, {"accuracy": Bounds(min=0.5)})
    assert finding.problem is not None and finding.problem.startswith("not readable as JSON")


def test_artifact_problems(tmp_path: Path) -> None:
    (tmp_path / "small").write_bytes(b"12")
    (tmp_path / "folder").mkdir()
    artifacts = [Artifact(path="small", min_bytes=10), Artifact(path="gone"), Artifact(path="folder")]
    paths = [tmp_path / "small", tmp_path / "gone", tmp_path / "folder"]
    states = inspect(artifacts, paths, Scratch(tmp_path))
    assert artifact_problems(artifacts, states) == [
        "small: 2 bytes, expected at least 10", "gone: missing", "folder: a folder, not a file"]
    assert artifact_problems([Artifact(path="small", min_bytes=2)], states[:1]) == []


def test_shape_problems() -> None:
    assert shape_problem([1, 2, 3], [3], 3) is None
    assert shape_problem([1, 2], [2], 3) == "2 predictions for 3 rows (output shape [2])"
    assert "list of 2" in shape_problem([[0.1, 0.9], [0.2, 0.8]], [2, 2], 2)


def test_value_problems_by_type_range_allowed_and_nan() -> None:
    floats = OutputSpec(type="float", min=0, max=1)
    assert value_problems([0.0, 0.5, 1.0], floats) == []
    reasons = [p.reason for p in value_problems([1.5, -1, float("nan"), None, "x", float("inf")], floats)]
    assert reasons == ["above the maximum 1.0", "below the minimum 0.0", "NaN", "missing (null)",
                       "not float (str)", "infinite"]
    ints = OutputSpec(type="int", allowed=[0, 1])
    assert value_problems([0, 1, 1.0], ints) == []
    assert [p.reason for p in value_problems([2, 0.5, True], ints)] == [
        "not one of [0, 1]", "not int (float)", "not int (bool)"]
    assert [p.row for p in value_problems(["red", 3], OutputSpec(type="string"))] == [1]
    assert value_problems([float("nan")], None)[0].reason == "NaN"


def test_expectations_and_tolerance() -> None:
    expectations = [Expectation(input={"a": 1}, output=8),
                    Expectation(input={"a": 2}, output=0.5, tolerance=0.1)]
    assert expect_mismatches([8.0, 0.55], expectations) == []
    assert expect_mismatches([4, 0.7], expectations) == [
        {"input": {"a": 1}, "expected": 8, "predicted": 4},
        {"input": {"a": 2}, "expected": 0.5, "predicted": 0.7}]
    assert same("red", "red", 0) and not same("8", 8, 0.5)


def test_differences_between_runs() -> None:
    assert differences([1.0, 2.0], [1.0 + 1e-9, 2.0], 1e-6) == []
    assert differences([1.0, 2.0], [1.0, 2.1], 1e-6) == [{"row": 1, "first": 2.0, "second": 2.1}]
    assert differences([1], [1, 2], 0)[0]["row"] is None
