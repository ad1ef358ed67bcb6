"""What endpoint.parity compares the served values with, and which rows differ."""

from __future__ import annotations

from typing import Any

from checker.checks.endpoint.parity_compare import Comparison, compare, served_value


def batch(values: list[Any], **scores: list[Any]) -> dict[str, Any]:
    return {"ok": True, "values": values,
            "scores": {name: {"ok": True, "values": found} for name, found in scores.items()}}


def compared(served: list[Any], offline: dict[str, Any], tolerance: float = 1e-6) -> Comparison:
    found = compare(served, offline, tolerance)
    assert isinstance(found, Comparison), found
    return found


def test_classes_are_compared_exactly_and_the_differing_rows_named() -> None:
    found = compared([0, 2, 1.0, 2], batch([0, 1, 1, 2], predict_proba=[[1, 0, 0]] * 4))
    assert (found.compared, found.classes, found.differing) == ("predict", True, [1])


def test_string_classes_are_compared_as_text() -> None:
    assert compared(["red", "white"], batch(["red", "rose"])).differing == [1]


def test_served_probabilities_are_compared_with_predict_proba_within_the_tolerance() -> None:
    proba = [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]
    served = [[0.2 + 1e-9, 0.8], [0.61, 0.39], {"p0": 0.5, "p1": 0.5}]
    found = compared(served, batch([1, 0, 0], predict_proba=proba))
    assert (found.compared, found.classes, found.differing) == ("predict_proba", False, [1])


def test_one_score_per_row_from_a_classifier_is_the_positive_class_probability() -> None:
    found = compared([0.8, 0.3], batch([1, 0], predict_proba=[[0.2, 0.8], [0.6, 0.4]]))
    assert (found.compared, found.differing) == ("predict_proba[:, 1]", [1])


def test_without_predict_proba_a_score_is_the_decision_function() -> None:
    found = compared([1.5, -0.25], batch([1, 0], decision_function=[1.5, -0.5]))
    assert (found.compared, found.differing) == ("decision_function", [1])


def test_a_regression_is_compared_within_the_tolerance_relative_to_the_size() -> None:
    found = compared([100.00001, 2.5, 7.0, 100.001], batch([100.0, 2.5000001, 7.5, 100.0]), tolerance=1e-6)
    assert (found.compared, found.classes, found.differing) == ("predict", False, [2, 3])


def test_rows_wider_than_any_offline_output_are_not_compared() -> None:
    found = compare([[0.1, 0.2, 0.7]], batch([2], predict_proba=[[0.3, 0.7]]), 1e-6)
    assert found == "the endpoint answers 3 values per row; the offline model has no output that wide"


def test_a_different_number_of_values_is_said_not_compared() -> None:
    found = compare([0, 1, 1], batch([0, 1]), 1e-6)
    assert found == "the offline model's predict gave 2 values for 3 rows"


def test_one_element_rows_and_records_are_unwrapped() -> None:
    assert served_value([3]) == 3 and served_value({"prediction": 1}) == 1
    assert served_value({"a": [0.1], "b": 0.9}) == [0.1, 0.9]


def test_a_failed_score_method_is_ignored_for_classes() -> None:
    offline = {"ok": True, "values": [0, 1], "scores": {"predict_proba": {"ok": False, "error": "no"}}}
    assert compared([0, 1], offline).compared == "predict"
