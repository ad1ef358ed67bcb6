"""The baseline's matching, fingerprints and results.json round trip."""

from __future__ import annotations

import json

from samples import representative_report

from checker.checks.registry import DATA_NULLS, DATA_RANGES, ENDPOINT_HEALTH, ENDPOINT_MALFORMED, PIPELINE_RUN
from checker.results.baseline import Entry, apply, entries_for, fingerprint, with_baseline
from checker.results.model import CheckResult, Report, Status, verdict
from checker.results.schema import problems


def probes(*verdicts: tuple[str, str]) -> dict:
    return {"probes": [{"probe": name, "verdict": v} for name, v in verdicts]}


def malformed(*verdicts: tuple[str, str]) -> CheckResult:
    return CheckResult(id=ENDPOINT_MALFORMED.id, status=Status.FAIL, summary="", subject="model",
                       evidence=probes(*verdicts))


def test_fingerprints_name_what_failed():
    data = CheckResult(id=DATA_RANGES.id, status=Status.FAIL, summary="", subject="t: d.csv",
                       metrics={"violations": 3, "by_column": {"b": 1, "a": 2}})
    assert fingerprint(data) == ({"columns": ["a", "b"]}, 3)
    probed = malformed(("empty_rows", "fail"), ("wrong_type", "pass"), ("too_many_rows", "warn"))
    assert fingerprint(probed) == ({"probes": ["empty_rows"]}, None)  # an allowed probe only warns
    step = CheckResult(id=PIPELINE_RUN.id, status=Status.ERROR, summary="", subject="python train.py")
    assert fingerprint(step) == ({"step": "run"}, None)
    health = CheckResult(id=ENDPOINT_HEALTH.id, status=Status.FAIL, summary="", subject="model")
    assert fingerprint(health) == ({"endpoint": "model"}, None)


def test_a_malformed_probe_not_baselined_is_new():
    entries = entries_for([malformed(("empty_rows", "fail"))])
    same = apply([malformed(("empty_rows", "fail"))], entries, "b.json")
    assert [c.baseline for c in same.checks] == ["known"]
    more = apply([malformed(("empty_rows", "fail"), ("missing_column", "fail"))], entries, "b.json")
    assert [c.baseline for c in more.checks] == ["new"]


def test_a_known_failure_says_the_reason_its_entry_gives_on_one_line():
    failing = CheckResult(id=ENDPOINT_HEALTH.id, status=Status.FAIL, summary="HTTP 503", subject="model")
    [entry] = entries_for([failing])
    reasoned = Entry(entry.check, entry.subject, entry.fingerprint, reason="upstream outage\n::error::x")
    [known] = apply([failing], [reasoned], "b.json").checks
    assert known.summary == "HTTP 503 (baselined: upstream outage ::error::x)"
    [plain] = apply([failing], [entry], "b.json").checks  # no reason written: the summary as it was
    assert plain.summary == "HTTP 503" and plain.baseline == "known"


def test_a_known_failure_does_not_gate_and_a_new_one_does():
    known = CheckResult(id=DATA_NULLS.id, status=Status.FAIL, summary="", baseline="known")
    assert verdict([known]) is Status.PASS
    assert verdict([known, CheckResult(id=DATA_NULLS.id, status=Status.FAIL, summary="", baseline="new")]) \
        is Status.FAIL


def test_the_baseline_round_trips_through_results_json():
    report = representative_report()
    entries = [*entries_for(report.checks), Entry("data.readable", "wine: data/wine.csv", {}),
               Entry("data.nulls", "wine: gone.csv", {"columns": ["x"]}, 1, "why")]
    judged = with_baseline(report, entries, ".mlsmoke/baseline.json")
    data = json.loads(json.dumps(judged.to_dict()))
    assert problems(data) == []
    assert data["baseline"]["known"] == 3 and data["baseline"]["new"] == 0
    assert [e["check"] for e in data["baseline"]["fixed"]] == ["data.readable"]
    assert [e["reason"] for e in data["baseline"]["stale"]] == ["why"]
    assert Report.from_dict(data) == judged
    assert judged.status is Status.PASS and report.status is Status.FAIL


def test_a_report_without_a_baseline_has_no_baseline_fields():
    data = representative_report().to_dict()
    assert "baseline" not in data
    assert all("baseline" not in c for c in data["checks"])


def test_a_bad_baseline_summary_in_results_json_is_named():
    data = representative_report().to_dict()
    data["baseline"] = {"file": "x", "known": -1}
    assert any(p.startswith("baseline") for p in problems(data))


def test_the_baseline_schemas_are_valid_json_schemas():
    import jsonschema

    from checker.results.schema import RESULTS
    from checker.run.baseline import schema

    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator.check_schema(RESULTS)
