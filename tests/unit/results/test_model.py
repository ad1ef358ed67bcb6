from __future__ import annotations

import json
import time

import jsonschema
import pytest
from samples import representative_report

from checker.results import schema as results_schema
from checker.results.model import (
    SCHEMA_VERSION,
    CheckResult,
    Location,
    Report,
    Status,
    redact,
    stopwatch,
    truncate,
    verdict,
)

# results.json as SPEC §3 shows it (comments removed): other tools parse exactly this.
SPEC_EXAMPLE = {
    "schema_version": 1,
    "mlsmoke_version": "0.1.0",
    "status": "fail",
    "counts": {"pass": 0, "fail": 1, "warn": 0, "skip": 0, "error": 0},
    "duration_s": 4.2,
    "started_at": "2026-11-23T10:00:00Z",
    "environment": {"commit": "1111111", "ref": "refs/pull/7/merge", "run_url": "https://x/runs/1",
                    "runner": "Linux X64", "config": "mlsmoke.yml"},
    "checks": [
        {"id": "data.ranges", "family": "data", "subject": "wine: data/sample.csv",
         "status": "fail", "summary": "3 rows outside [0, 14] in pH",
         "details": "...", "metrics": {"violations": 3},
         "evidence": {"examples": [{"row": 17, "column": "pH", "value": 15.2}]},
         "location": {"file": "mlsmoke.yml", "line": 9}, "duration_s": 0.01},
    ],
}

def test_status_is_ordered_so_the_worst_wins():
    assert Status.PASS < Status.SKIP < Status.WARN < Status.FAIL < Status.ERROR
    assert max([Status.WARN, Status.PASS, Status.ERROR, Status.FAIL]) is Status.ERROR
    assert sorted([Status.FAIL, Status.PASS, Status.WARN]) == [Status.PASS, Status.WARN, Status.FAIL]
    assert Status.FAIL >= Status.FAIL and Status.SKIP <= Status.WARN
    assert Status("warn") is Status.WARN


def _checks(*statuses: Status) -> list[CheckResult]:
    return [CheckResult(id="data.rows", status=s, summary="") for s in statuses]


@pytest.mark.parametrize(("statuses", "fail_on", "expected"), [
    ((), "error", Status.PASS),
    ((Status.PASS, Status.SKIP), "error", Status.PASS),
    ((Status.PASS, Status.WARN), "error", Status.PASS),
    ((Status.PASS, Status.WARN), "warning", Status.FAIL),
    ((Status.SKIP,), "warning", Status.PASS),
    ((Status.FAIL,), "error", Status.FAIL),
    ((Status.ERROR, Status.PASS), "error", Status.FAIL),
    ((Status.ERROR,), "warning", Status.FAIL),
])
def test_verdict_applies_fail_on(statuses, fail_on, expected):
    assert verdict(_checks(*statuses), fail_on) is expected


def test_status_is_an_ordered_enum_not_a_string():
    assert Status.FAIL != "fail" and not isinstance(Status.FAIL, str)
    assert max([Status.WARN, Status.ERROR, Status.PASS]) is Status.ERROR
    assert sorted(Status) == [Status.PASS, Status.SKIP, Status.WARN, Status.FAIL, Status.ERROR]
    assert Status("skip") is Status.SKIP  # results.json keeps the values


def test_counts_and_family():
    report = representative_report()
    assert report.counts == {Status.PASS: 3, Status.SKIP: 2, Status.WARN: 2, Status.FAIL: 2,
                             Status.ERROR: 1}
    assert report.to_dict()["counts"] == {"pass": 3, "skip": 2, "warn": 2, "fail": 2, "error": 1}
    assert list(report.to_dict()["counts"]) == ["pass", "fail", "warn", "skip", "error"]  # as SPEC §3 shows
    assert report.failed == 3  # failed or errored, as the action's `failed` output documents
    assert list(report.by_family()) == ["data", "drift", "pipeline", "endpoint"]
    assert CheckResult(id="endpoint.latency", status=Status.PASS, summary="").family == "endpoint"


def test_report_round_trips_through_results_json():
    report = representative_report()
    data = json.loads(json.dumps(report.to_dict()))
    again = Report.from_dict(data)
    assert again == report
    assert again.to_dict() == report.to_dict()


def test_spec_example_reads_and_writes_back_the_same_shape():
    report = Report.from_dict(SPEC_EXAMPLE)
    assert report.status is Status.FAIL
    assert report.checks[0].location == Location("mlsmoke.yml", 9)
    written = report.to_dict()
    assert {k: v for k, v in written.items() if k in SPEC_EXAMPLE} == SPEC_EXAMPLE
    assert set(written) - set(SPEC_EXAMPLE) == {"title", "fail_on"}


def test_results_json_matches_the_published_schema():
    jsonschema.Draft202012Validator.check_schema(results_schema.RESULTS)
    assert results_schema.problems(representative_report().to_dict()) == []
    assert results_schema.problems(SPEC_EXAMPLE) == []
    check = representative_report().to_dict()["checks"][0]
    assert list(check) == ["id", "family", "subject", "status", "summary", "details", "metrics",
                           "evidence", "location", "duration_s"]


def test_from_dict_rejects_another_schema_version():
    with pytest.raises(ValueError, match="unsupported results schema_version 2"):
        Report.from_dict({**SPEC_EXAMPLE, "schema_version": 2})
    assert SCHEMA_VERSION == 1


def test_from_dict_rejects_an_unknown_status():
    with pytest.raises(ValueError):
        Report.from_dict({**SPEC_EXAMPLE, "checks": [{**SPEC_EXAMPLE["checks"][0], "status": "meh"}]})


def test_redact_replaces_secrets_everywhere_longest_first():
    value = {"headers": {"Authorization": "Bearer abcd1234"}, "abcd1234": ["x abcd1234 y", 3, None],
             "nested": ({"deep": "tokabcd1234"},)}
    out = redact(value, {"abcd1234", "Bearer abcd1234"})
    assert out == {"headers": {"Authorization": "***"}, "***": ["x *** y", 3, None],
                   "nested": [{"deep": "tok***"}]}


def test_redact_hides_url_credentials_and_token_query_values_without_configured_secrets():
    text = ("fetch https://x-access-token:ghs_abc123@github.com/o/r.git failed; "
            "GET http://user:p%40ss@127.0.0.1:8/p?api_key=k1&page=2&X-Amz-Signature=s1&design=a&token=t1")
    out = redact({"stderr": [text]}, set())["stderr"][0]
    assert out == ("fetch https://***@github.com/o/r.git failed; "
                   "GET http://***@127.0.0.1:8/p?api_key=***&page=2&X-Amz-Signature=***&design=a&token=***")
    assert redact("redis://:hunter2@cache:6379/0", set()) == "redis://***@cache:6379/0"
    assert redact("see https://github.com/o/r and user@example.com, http://h:80/p@x", set()) == (
        "see https://github.com/o/r and user@example.com, http://h:80/p@x")


def test_truncate_bounds_strings_lists_and_mappings():
    assert truncate("x" * 10, max_chars=4) == "xxxx… [6 more characters]"
    assert truncate(b"abc") == "abc"
    assert truncate(list(range(30)), max_items=3) == [0, 1, 2, "… 27 more items"]
    out = truncate({f"k{i}": "y" * 50 for i in range(5)}, max_chars=10, max_items=2)
    assert out == {"k0": "y" * 10 + "… [40 more characters]", "k1": "y" * 10 + "… [40 more characters]",
                   "…": "3 more entries"}
    assert truncate(3.5) == 3.5


def test_stopwatch_measures_the_block_even_when_it_raises():
    with stopwatch() as elapsed:
        time.sleep(0.01)
    assert elapsed[0] >= 0.01
    with pytest.raises(RuntimeError), stopwatch() as failed:
        raise RuntimeError
    assert failed[0] > 0


def test_with_duration_rounds_and_keeps_the_rest():
    check = CheckResult(id="data.rows", status=Status.PASS, summary="ok").with_duration(0.123456789)
    assert check.duration_s == 0.1235 and check.summary == "ok"


@pytest.mark.parametrize(("change", "problem"), [
    ({"schema_version": 2}, "schema_version is 2, this mlsmoke reads schema_version 1"),
    ({"status": "warn"}, "status: 'warn' is not one of ['pass', 'fail']"),
    ({"checks": {}}, "checks: {} is not of type 'array'"),
    ({"checks": [{"id": "data.rows", "status": "pass", "metrics": [1]}]},
     "checks[0].metrics: [1] is not of type 'object', 'null'"),
    ({"checks": [{"id": "data.rows", "status": "meh"}]}, "checks[0].status: 'meh' is not one of"),
    ({"checks": [{"id": "data.rows", "status": "pass", "location": {"line": 3}}]},
     "checks[0].location: {'line': 3} is not valid"),
    ({"duration_s": "long"}, "duration_s: 'long' is not of type 'number'"),
])
def test_schema_problems_name_the_field(change, problem):
    found = results_schema.problems({**SPEC_EXAMPLE, **change})
    assert len(found) == 1 and found[0].startswith(problem), found


def test_schema_accepts_fields_added_later():
    data = {**SPEC_EXAMPLE, "new_field": 1,
            "checks": [{**SPEC_EXAMPLE["checks"][0], "new_check_field": "x"}]}
    assert results_schema.problems(data) == []
