from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from samples import INJECTION, evidence_report, hostile_report, representative_report
from snapshots import assert_golden, normalize

from checker.render.junit import render_junit
from checker.results.model import CheckResult, Location, Report, Status


def _parse(report: Report) -> ET.Element:
    return ET.fromstring(render_junit(report).encode("utf-8"))


def test_golden_junit(tmp_path):
    text = render_junit(representative_report(str(tmp_path / "scratch")))
    assert_golden("junit.xml", normalize(text, [tmp_path]))


def test_one_testsuite_per_family_with_counts():
    root = _parse(representative_report())
    assert root.tag == "testsuites"
    totals = (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped"))
    assert totals == ("10", "2", "1", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["data", "drift", "pipeline", "endpoint"]
    expected = {"data": ("4", "1", "0", "1"), "drift": ("2", "1", "0", "0"),
                "pipeline": ("2", "0", "1", "1"), "endpoint": ("2", "0", "0", "0")}
    for name, suite in suites.items():
        counts = (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped"))
        assert counts == expected[name], name
        assert len(suite.findall("testcase")) == int(suite.get("tests"))
        assert all(case.get("classname") == name for case in suite.findall("testcase"))


def test_outcome_elements_carry_summary_and_details():
    root = _parse(representative_report())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failure = cases["data.ranges [wine: data/wine.csv]"].find("failure")
    assert failure.get("message") == "4 rows outside their range in pH, alcohol"
    assert failure.get("type") == "data.ranges"
    assert failure.text.startswith("pH must be within [0, 14]\nalcohol must be within [0, 20]")
    evidence = json.loads(failure.text.split("evidence:\n", 1)[1])
    assert evidence["examples"][0] == {"row": 17, "line": 19, "column": "pH", "value": 15.2,
                                       "rule": "outside [0, 14]"}
    assert cases["data.ranges [wine: data/wine.csv]"].get("line") == "9"
    error = cases["pipeline.run [python train.py]"].find("error")
    assert error.get("message") == "the command timed out after 120 s"
    skipped = cases["pipeline.artifacts [python train.py]"].find("skipped")
    assert skipped.get("message") == "the pipeline did not run"
    passed = cases["data.readable [wine: data/wine.csv]"]
    assert list(passed) == []
    assert float(passed.get("time")) == 0.012


def test_warnings_are_passed_testcases_with_system_out():
    root = _parse(representative_report())
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("endpoint.latency"))
    assert [child.tag for child in case] == ["system-out"]
    assert case.find("system-out").text.startswith("WARNING: p95 312 ms over the 300 ms budget")


def test_untrusted_text_round_trips_through_valid_xml():
    root = _parse(hostile_report())
    case = root.find("testsuite/testcase")
    assert case.get("name") == f"data.allowed [wine: {INJECTION}]"
    assert case.find("failure").get("message") == hostile_report().checks[0].summary
    assert root.get("name") == hostile_report().title


def test_characters_xml_cannot_hold_are_dropped():
    check = CheckResult("pipeline.run", Status.FAIL, "exit 1\x00\x1b[31m",
                        details="log\x07 line\ttab\nnext", location=Location("mlsmoke.yml"))
    root = _parse(Report(status=Status.FAIL, checks=[check], started_at="", duration_s=1))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == "exit 1[31m"
    assert failure.text == "log line\ttab\nnext"
    assert root.find("testsuite/testcase").get("line") is None


def test_empty_report_is_valid_junit():
    root = _parse(Report(status=Status.PASS, checks=[], started_at="", duration_s=0))
    assert root.get("tests") == "0" and root.findall("testsuite") == []


def _element_tree_junit(report: Report) -> str:
    """junit.xml as ElementTree writes it (what render_junit wrote before it wrote text): the
    reference the text writer must match byte for byte."""
    from checker.render.escape import xml_text
    from checker.render.junit import _body, _counts

    tags = {Status.FAIL: "failure", Status.ERROR: "error", Status.SKIP: "skipped"}
    root = ET.Element("testsuites", _counts(report.checks, report.duration_s))
    root.set("name", xml_text(report.title))
    for name, checks in report.by_family().items():
        suite = ET.SubElement(root, "testsuite", {"name": xml_text(name),
                                                  **_counts(checks, sum(c.duration_s for c in checks))})
        if report.started_at:
            suite.set("timestamp", xml_text(report.started_at))
        for check in checks:
            case = ET.SubElement(suite, "testcase", {
                "classname": xml_text(check.family),
                "name": xml_text(f"{check.id} [{check.subject}]" if check.subject else check.id),
                "time": f"{check.duration_s:.3f}"})
            if check.location is not None:
                case.set("file", xml_text(check.location.file))
                if check.location.line:
                    case.set("line", str(check.location.line))
            tag = tags.get(check.status)
            if tag is not None:
                outcome = ET.SubElement(case, tag, {"message": xml_text(check.summary)})
                if tag != "skipped":
                    outcome.set("type", xml_text(check.id))
                outcome.text = xml_text(_body(check)) or None
            elif check.status is Status.WARN:
                ET.SubElement(case, "system-out").text = xml_text(f"WARNING: {check.summary}\n{_body(check)}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_NASTY = ['a & b < c > d "q" \'s\'', "line\nbreak\r\ncrlf\rcr\ttab", "  ", "", "\x00\x1b[31m\x7f",
          "\ud800 lone \udfff", "\ufeff\u200b\u202e", "]]> <![CDATA[", "&amp; &#10; &lt;", "é ü 日本 🎉"]


def _nasty_report() -> Report:
    """Every status, with and without subject, location, line, details, metrics and evidence,
    each text field one of the nasty texts above."""
    checks = []
    for i, status in enumerate([*Status, *Status, *Status]):
        text = _NASTY[i % len(_NASTY)]
        checks.append(CheckResult(
            f"{['data', 'drift', 'pipeline', 'endpoint'][i % 4]}.x{i}", status, text + " summary",
            subject=_NASTY[(i + 3) % len(_NASTY)] if i % 3 else "",
            details=_NASTY[(i + 5) % len(_NASTY)] if i % 2 else "",
            metrics={"n": i, "t": text} if i % 4 == 1 else {},
            evidence={"examples": [{"value": text}]} if i % 5 == 2 else {},
            location=None if i % 3 == 2 else Location(text or "f.yml", line=i % 4 or None),
            duration_s=i / 7))
    return Report(status=Status.FAIL, checks=checks, started_at="2026-01-01T00:00:00Z",
                  duration_s=1.25, title="t & <i>\n\"x\"")


def test_the_text_writer_is_byte_for_byte_what_element_tree_writes():
    reports = [representative_report(), hostile_report(), evidence_report(), _nasty_report(),
               Report(status=Status.PASS, checks=[], started_at="", duration_s=0),
               Report(status=Status.FAIL, checks=[CheckResult("data.rows", Status.FAIL, "")], started_at="",
                      duration_s=0)]
    for report in reports:
        assert render_junit(report) == _element_tree_junit(report)


def _baselined_report() -> Report:
    return Report(status=Status.FAIL, started_at="", duration_s=1, checks=[
        CheckResult("data.ranges", Status.FAIL, "3 rows outside their range in pH (baselined: vendor feed)",
                    subject="wine: a.csv", details="pH must be within [0, 14]", baseline="known"),
        CheckResult("endpoint.health", Status.ERROR, "connection refused", subject="api", baseline="known"),
        CheckResult("data.nulls", Status.FAIL, "2 rows with nulls in pH", subject="wine: a.csv",
                    baseline="new"),
        CheckResult("data.unique", Status.FAIL, "1 duplicated id", subject="wine: a.csv")])


def test_known_failures_are_skipped_the_way_pytest_writes_an_expected_failure():
    root = _parse(_baselined_report())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    known = cases["data.ranges [wine: a.csv]"]
    assert [child.tag for child in known] == ["skipped"]
    skipped = known.find("skipped")
    assert skipped.get("message") == ("(known, baselined) 3 rows outside their range in pH"
                                      " (baselined: vendor feed)")
    assert skipped.text == ("known fail of data.ranges: baselined, it does not gate\n"
                            "pH must be within [0, 14]")
    errored = cases["endpoint.health [api]"]
    assert [child.tag for child in errored] == ["skipped"]
    assert errored.find("skipped").text == "known error of endpoint.health: baselined, it does not gate"
    counts = {suite.get("name"): (suite.get("failures"), suite.get("errors"), suite.get("skipped"))
              for suite in root.iter("testsuite")}
    assert counts == {"data": ("2", "0", "1"), "endpoint": ("0", "0", "1")}
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("2", "0", "2")


def test_new_and_unbaselined_failures_stay_failures():
    root = _parse(_baselined_report())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    for name in ("data.nulls [wine: a.csv]", "data.unique [wine: a.csv]"):
        assert [child.tag for child in cases[name]] == ["failure"], name
        assert not cases[name].find("failure").get("message").startswith("(known")
