"""The endpoint family's small parts: answers, percentiles, URLs, failures, probes."""

from __future__ import annotations

import json
import socket
import ssl

import pytest

from checker.checks.endpoint import answers, malformed
from checker.checks.endpoint.http import Exchange, describe_failure, join_url, public_url
from checker.checks.endpoint.load import percentile
from checker.checks.endpoint.protocols import Protocol
from checker.config.endpoint_schema import Endpoint
from checker.config.field_types import OutputSpec
from checker.contracts.model import ColumnType
from checker.results.model import Status


def test_output_violations_name_row_value_and_reason() -> None:
    spec = OutputSpec(type="float", min=0, max=1)
    found = answers.output_violations([0.2, [1.5], {"score": -1}, "x", None, float("nan")], spec)
    assert [(v["row"], v["reason"]) for v in found] == [
        (1, "above the maximum 1.0"), (2, "below the minimum 0.0"), (3, "not float (str)"),
        (4, "missing (null)"), (5, "NaN")]


def test_int_and_allowed_outputs() -> None:
    spec = OutputSpec(type="int", allowed=[0, 1, 2])
    assert answers.output_violations([0, 2.0, 1], spec) == []
    assert [v["reason"] for v in answers.output_violations([1.5, 3], spec)] == [
        "not int (float)", "not one of [0, 1, 2]"]


def test_non_finite_answers_for_an_int_output_are_violations_not_crashes() -> None:
    # json.loads reads NaN and Infinity; int(nan) and int(inf) raise.
    found = answers.output_violations(json.loads("[NaN, Infinity, [-Infinity], 1]"), OutputSpec(type="int"))
    assert [(v["row"], v["reason"]) for v in found] == [(0, "NaN"), (1, "infinite"), (2, "infinite")]


def test_bool_outputs_accept_true_false_and_0_1_in_both_families() -> None:
    from checker.checks.pipeline.predictions import value_problems

    spec = OutputSpec(type="bool")
    assert answers.output_violations([True, 0, 1.0], spec) == []
    assert [p.row for p in value_problems([False, 1, 2], spec)] == [2]


def test_schema_problems_point_into_the_document(tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "object", "properties": {"predictions": {
        "type": "array", "items": {"type": "number"}}}}))
    schema = answers.load_schema(path)
    assert answers.schema_violations({"predictions": [1, "a"]}, schema) == [
        {"path": "$.predictions[1]", "message": "'a' is not of type 'number'"}]


def test_an_invalid_schema_file_is_reported(tmp_path) -> None:
    (tmp_path / "bad.json").write_text('{"type": 12}')
    with pytest.raises(ValueError, match="not a valid JSON Schema"):
        answers.load_schema(tmp_path / "bad.json")
    with pytest.raises(ValueError, match=r"cannot read response\.schema"):
        answers.load_schema(tmp_path / "missing.json")


def test_percentile_interpolates_like_numpy() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([3.0], 95) == 3.0


@pytest.mark.parametrize("url, shown", [
    ("https://user:pass@api.example.com:8443/v1/predict?token=abc&x", "https://api.example.com:8443/v1/predict?token=***&x"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
])
def test_public_url_drops_credentials_and_query_values(url: str, shown: str) -> None:
    assert public_url(url) == shown


def test_join_url_keeps_a_path_prefix() -> None:
    assert join_url("http://h:1/api/", "/invocations") == "http://h:1/api/invocations"
    assert join_url("http://h:1", "health") == "http://h:1/health"


@pytest.mark.parametrize("exc, kind", [
    (ConnectionRefusedError(111, "Connection refused"), "refused"),
    (socket.gaierror(-2, "Name or service not known"), "dns"),
    (ssl.SSLError(1, "wrong version number"), "tls"),
    (TimeoutError("timed out"), "timeout"),
    (ConnectionResetError(104, "Connection reset by peer"), "connection"),
])
def test_stdlib_failures_are_named(exc: Exception, kind: str) -> None:
    assert describe_failure(exc, 2.0)[0] == kind


def test_exchange_json_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        Exchange("POST", "http://h", status=200, body=b"<html>").json()
    with pytest.raises(ValueError, match="larger than"):
        Exchange("POST", "http://h", status=200, body=b"{}", truncated=True).json()


def probe_protocol() -> Protocol:
    entry = Endpoint.model_validate({"url": "http://h", "contract": "c"})
    return Protocol(entry, {"color": ColumnType.STRING, "alcohol": ColumnType.FLOAT})


def test_probes_are_derived_from_the_contract() -> None:
    rows = [{"color": "red", "alcohol": 12.0}]
    probes = malformed.build_probes(probe_protocol(), rows, lambda n: rows * n, max_rows=3)
    by_name = {p.name: p for p in probes}
    assert list(by_name) == ["missing column", "wrong type", "empty body", "invalid JSON",
                             "wrong content type", "empty row list", "oversized batch"]
    assert json.loads(by_name["missing column"].body)["dataframe_split"]["columns"] == ["alcohol"]
    assert json.loads(by_name["wrong type"].body)["dataframe_split"]["data"] == [["red", malformed.SENTINEL]]
    assert by_name["empty body"].body == b""
    with pytest.raises(ValueError):
        json.loads(by_name["invalid JSON"].body)
    assert by_name["wrong content type"].content_type == "text/plain"
    assert json.loads(by_name["empty row list"].body)["dataframe_split"]["data"] == []
    assert len(json.loads(by_name["oversized batch"].body)["dataframe_split"]["data"]) == 4


def test_no_oversized_probe_without_max_rows() -> None:
    rows = [{"color": "red", "alcohol": 12.0}]
    names = [p.name for p in malformed.build_probes(probe_protocol(), rows, lambda n: rows * n, None)]
    assert "oversized batch" not in names


@pytest.mark.parametrize("answer, status, reason", [
    (Exchange("POST", "u", status=400, body=b'{"error": "bad"}'), Status.PASS, "HTTP 400"),
    (Exchange("POST", "u", status=500, body=b"oops"), Status.FAIL,
     "HTTP 500: a server error instead of a 4xx"),
    (Exchange("POST", "u", status=200, body=b"{}"), Status.FAIL, "was not rejected"),
    (Exchange("POST", "u", status=422,
              body=b'Traceback (most recent call last):\n  File "a.py", line 1, in x'),
     Status.FAIL, "carries a Python traceback"),
    (Exchange("POST", "u", status=400, body=f"bad value {malformed.SENTINEL}".encode()), Status.WARN,
     "echoes"),
    (Exchange("POST", "u", error="no answer within 2.0s (timed out)", error_kind="timeout"), Status.FAIL,
     "hangs on bad input"),
])
def test_judging_probe_answers(answer: Exchange, status: Status, reason: str) -> None:
    probe = malformed.Probe("wrong_type", "wrong type", "d", b"{}", echo_markers=(malformed.SENTINEL,))
    verdict = malformed.judge(probe, answer)
    assert verdict.status is status and reason in verdict.reason
