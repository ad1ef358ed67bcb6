"""JUnit XML (junit.xml) for CI tools that show test results: one testsuite per check family,
one testcase per check, in the report's order (the runner puts it in registry order).
fail → <failure>, error → <error>, skip → <skipped>; a warning is a passed testcase whose
<system-out> says so. ElementTree escapes markup; `escape.xml_text`
drops the characters XML cannot hold at all.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from checker.render.escape import xml_text
from checker.results.model import CheckResult, Report, Status

_OUTCOME_TAG = {Status.FAIL: "failure", Status.ERROR: "error", Status.SKIP: "skipped"}


def render_junit(report: Report) -> str:
    root = ET.Element("testsuites", _counts(report.checks, report.duration_s))
    root.set("name", xml_text(report.title))
    for name, checks in report.by_family().items():
        suite = ET.SubElement(root, "testsuite", {
            "name": xml_text(name), **_counts(checks, sum(c.duration_s for c in checks))})
        if report.started_at:
            suite.set("timestamp", xml_text(report.started_at))
        for check in checks:
            suite.append(_testcase(check))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(checks: Sequence[CheckResult], seconds: float) -> dict[str, str]:
    def count(status: Status) -> str:
        return str(sum(1 for c in checks if c.status is status))

    return {
        "tests": str(len(checks)),
        "failures": count(Status.FAIL),
        "errors": count(Status.ERROR),
        "skipped": count(Status.SKIP),
        "time": f"{seconds:.3f}",
    }


def _testcase(check: CheckResult) -> ET.Element:
    name = f"{check.id} [{check.subject}]" if check.subject else check.id
    case = ET.Element("testcase", {"classname": xml_text(check.family), "name": xml_text(name),
                                   "time": f"{check.duration_s:.3f}"})
    if check.location is not None:
        case.set("file", xml_text(check.location.file))
        if check.location.line:
            case.set("line", str(check.location.line))
    tag = _OUTCOME_TAG.get(check.status)
    if tag is not None:
        outcome = ET.SubElement(case, tag, {"message": xml_text(check.summary)})
        if tag != "skipped":
            outcome.set("type", xml_text(check.id))
        outcome.text = xml_text(_body(check)) or None
    elif check.status is Status.WARN:
        ET.SubElement(case, "system-out").text = xml_text(f"WARNING: {check.summary}\n{_body(check)}")
    return case


def _body(check: CheckResult) -> str:
    parts = [check.details] if check.details else []
    if check.metrics:
        parts.append("metrics: " + json.dumps(check.metrics, ensure_ascii=False, default=str))
    if check.evidence:
        parts.append("evidence:\n" + json.dumps(check.evidence, indent=2, ensure_ascii=False, default=str))
    return "\n".join(parts)
