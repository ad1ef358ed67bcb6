"""Protocol adapters: request bodies, health paths and where each puts its predictions."""

from __future__ import annotations

import pytest

from checker.checks.endpoint.protocols import Protocol, ShapeError, resolve_pointer
from checker.config.endpoint_schema import Endpoint
from checker.contracts.model import ColumnType

FEATURES = {"alcohol": ColumnType.FLOAT, "magnesium": ColumnType.INT, "color": ColumnType.STRING}
ROWS = [{"alcohol": 12.5, "magnesium": 100, "color": "red"},
        {"alcohol": 13.0, "magnesium": 90, "color": "white"}]


def protocol(**fields: object) -> Protocol:
    return Protocol(Endpoint.model_validate({"url": "http://127.0.0.1:1", "contract": "wine", **fields}),
                    FEATURES)


def test_mlflow_sends_a_dataframe_split_in_contract_order() -> None:
    assert protocol().body(ROWS) == {"dataframe_split": {
        "columns": ["alcohol", "magnesium", "color"], "data": [[12.5, 100, "red"], [13.0, 90, "white"]]}}
    assert protocol().predict_path() == "/invocations"
    assert protocol().health_paths() == ["/health"]
    assert protocol().predictions({"predictions": [1, 2]}) == [1, 2]


def test_mlflow_rejects_an_answer_without_predictions() -> None:
    with pytest.raises(ShapeError, match=r"expected an object with a `predictions` list .*keys \[result\]"):
        protocol().predictions({"result": [1]})


def test_tfserving_sends_instances_as_rows_or_objects() -> None:
    tf = protocol(protocol="tfserving", model="wine")
    assert tf.body(ROWS) == {"instances": [[12.5, 100, "red"], [13.0, 90, "white"]]}
    assert protocol(protocol="tfserving", model="wine", tensors="columns").body(ROWS[:1]) == {
        "instances": [{"alcohol": 12.5, "magnesium": 100, "color": "red"}]}
    assert tf.predict_path() == "/v1/models/wine:predict"
    assert tf.health_paths() == ["/v1/models/wine"]


def test_kserve_v2_sends_one_matrix_tensor_by_default() -> None:
    v2 = Protocol(Endpoint.model_validate({"url": "http://h", "contract": "c", "protocol": "kserve-v2",
                                           "model": "wine"}), {"a": ColumnType.FLOAT, "b": ColumnType.INT})
    assert v2.body([{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]) == {"inputs": [
        {"name": "input-0", "shape": [2, 2], "datatype": "FP64", "data": [1.5, 2, 2.5, 3]}]}
    assert v2.health_paths() == ["/v2/health/ready", "/v2/models/wine/ready", "/v2/models/wine"]
    assert v2.predict_path() == "/v2/models/wine/infer"


def test_kserve_v2_sends_one_tensor_per_column_when_asked() -> None:
    v2 = protocol(protocol="kserve-v2", model="wine", tensors="columns")
    tensors = v2.body(ROWS)["inputs"]
    assert [(t["name"], t["shape"], t["datatype"]) for t in tensors] == [
        ("alcohol", [2], "FP64"), ("magnesium", [2], "INT64"), ("color", [2], "BYTES")]
    assert tensors[2]["data"] == ["red", "white"]


@pytest.mark.parametrize("output, expected", [
    ({"name": "predict", "shape": [3], "datatype": "INT64", "data": [0, 1, 2]}, [0, 1, 2]),
    ({"name": "predict", "shape": [2, 1], "datatype": "INT64", "data": [0, 1]}, [0, 1]),
    ({"name": "proba", "shape": [2, 2], "datatype": "FP64", "data": [0.1, 0.9, 0.8, 0.2]},
     [[0.1, 0.9], [0.8, 0.2]]),
    ({"name": "proba", "shape": [2, 2], "datatype": "FP64", "data": [[0.1, 0.9], [0.8, 0.2]]},
     [[0.1, 0.9], [0.8, 0.2]]),
])
def test_kserve_v2_predictions_follow_the_output_shape(output: dict, expected: list) -> None:
    assert protocol(protocol="kserve-v2", model="m").predictions({"outputs": [output]}) == expected


def test_kserve_v2_data_that_does_not_fill_the_shape_is_a_shape_error() -> None:
    with pytest.raises(ShapeError, match=r"has 3 values but shape \[2, 2\]"):
        protocol(protocol="kserve-v2", model="m").predictions(
            {"outputs": [{"name": "p", "shape": [2, 2], "data": [1, 2, 3]}]})


def test_json_protocol_fills_the_template_and_follows_the_pointer() -> None:
    custom = protocol(protocol="json", json={"body": {"model": "v3", "batch": "{rows}", "order": "{columns}"},
                                             "predictions": "$.result.items[*].score"})
    assert custom.body(ROWS[:1]) == {"model": "v3", "batch": [ROWS[0]],
                                     "order": ["alcohol", "magnesium", "color"]}
    answer = {"result": {"items": [{"score": 0.2}, {"score": 0.7}]}}
    assert custom.predictions(answer) == [0.2, 0.7]


@pytest.mark.parametrize("pointer, expected", [
    ("$", {"a": [{"b": 1}, {"b": 2}]}),
    ("$.a[1].b", 2),
    ("$.a[*].b", [1, 2]),
    ("$['a'][0]", {"b": 1}),
])
def test_pointer(pointer: str, expected: object) -> None:
    assert resolve_pointer({"a": [{"b": 1}, {"b": 2}]}, pointer) == expected


@pytest.mark.parametrize("pointer, message", [
    ("a.b", "starts with \\$"), ("$.missing", "no key 'missing'"), ("$.a[5]", "no item \\[5\\]"),
    ("$..a", "cannot read pointer"),
])
def test_a_pointer_that_does_not_match_says_where(pointer: str, message: str) -> None:
    with pytest.raises(ShapeError, match=message):
        resolve_pointer({"a": [1]}, pointer)


def test_missing_columns_are_left_out_of_the_body() -> None:
    body = protocol().body([{"magnesium": 1, "color": "red"}])
    assert body["dataframe_split"]["columns"] == ["magnesium", "color"]


def test_an_explicit_health_path_replaces_the_server_path_but_not_the_model_readiness() -> None:
    v2 = protocol(protocol="kserve-v2", model="wine", health={"path": "/ready"})
    assert v2.health_paths() == ["/ready", "/v2/models/wine/ready", "/v2/models/wine"]
    ancillary = Endpoint.model_validate({"url": "http://h", "protocol": "kserve-v2",
                                         "health": {"path": "/ready"}})
    assert Protocol(ancillary, {}).health_paths() == ["/ready"]
    tf = protocol(protocol="tfserving", model="wine", health={"path": "/ready"})
    assert tf.health_paths() == ["/ready"]
