"""JUnit XML (junit.xml) for CI tools that show test results: one testsuite per check family,
one testcase per check, in the report's order (the runner puts it in registry order).
fail → <failure>, error → <error>, skip → <skipped>; a warning is a passed testcase whose
<system-out> says so. A known failure (baselined: it does not gate) is a <skipped> whose message
begins "(known, baselined)", the way pytest writes an expected failure, so a CI tool that fails
on <failure> or <error> does not gate on it either; its text keeps what it was and why.
`escape.xml_text` drops the characters XML cannot hold at all, and the markup is escaped here.

The XML is written as text, byte for byte what ElementTree writes after `ET.indent`
(tests/unit/render/test_junit.py proves it on hostile text): a run writes junit.xml every
time, and importing ElementTree and its parser would cost more than writing the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence

from checker.render.baseline_view import KNOWN_MARK
from checker.render.escape import xml_text
from checker.results.model import CheckResult, Report, Status

_OUTCOME_TAG = {Status.FAIL: "failure", Status.ERROR: "error", Status.SKIP: "skipped"}
_INDENT = "  "
# ElementTree's escapes: markup in text; also quotes, and line breaks and tabs as character
# references, in attribute values
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;",
                            "\n": "&#10;", "\t": "&#09;"})


def render_junit(report: Report) -> str:
    attributes = {**_counts(report.checks, report.duration_s), "name": xml_text(report.title)}
    suites = [_suite(name, checks, report.started_at) for name, checks in report.by_family().items()]
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(_element("testsuites", attributes,
                                                                         children=suites)) + "\n"


def _suite(name: str, checks: Sequence[CheckResult], started_at: str | None) -> list[str]:
    attributes = {"name": xml_text(name), **_counts(checks, sum(c.duration_s for c in checks))}
    if started_at:
        attributes["timestamp"] = xml_text(started_at)
    return list(_element("testsuite", attributes, children=[_testcase(check) for check in checks], level=1))


def _counts(checks: Sequence[CheckResult], seconds: float) -> dict[str, str]:
    tags = [_tag(check) for check in checks]
    return {
        "tests": str(len(checks)),
        "failures": str(tags.count("failure")),
        "errors": str(tags.count("error")),
        "skipped": str(tags.count("skipped")),
        "time": f"{seconds:.3f}",
    }


def _testcase(check: CheckResult) -> list[str]:
    name = f"{check.id} [{check.subject}]" if check.subject else check.id
    attributes = {"classname": xml_text(check.family), "name": xml_text(name),
                  "time": f"{check.duration_s:.3f}"}
    if check.location is not None:
        attributes["file"] = xml_text(check.location.file)
        if check.location.line:
            attributes["line"] = str(check.location.line)
    return list(_element("testcase", attributes, children=[_outcome(check)], level=2))


def _tag(check: CheckResult) -> str | None:
    """The element a check's outcome is: failure, error or skipped (a known failure too), or
    None for a pass or a warning."""
    if check.known:
        return "skipped"
    return _OUTCOME_TAG.get(check.status)


def _outcome(check: CheckResult) -> list[str]:
    """The testcase's one child element (none for a pass)."""
    tag = _tag(check)
    if tag is None:
        if check.status is Status.WARN:
            text = f"WARNING: {check.summary}\n{_body(check)}"
            return list(_element("system-out", {}, text=xml_text(text)))
        return []
    message, body = check.summary, _body(check)
    if check.known:
        message = KNOWN_MARK + message
        body = "\n".join([f"known {check.status.value} of {check.id}: baselined, it does not gate",
                          *([body] if body else [])])
    attributes = {"message": xml_text(message)}
    if tag != "skipped":
        attributes["type"] = xml_text(check.id)
    return list(_element(tag, attributes, text=xml_text(body)))


def _element(tag: str, attributes: Mapping[str, str], *, text: str = "",
             children: Sequence[list[str]] = (), level: int = 0) -> Iterator[str]:
    """One element as ElementTree writes it once indented: each child on its own line, one
    indent deeper; an element with neither text nor children as `<tag … />`."""
    pairs = "".join(f' {key}="{value.translate(_ATTRIBUTE)}"' for key, value in attributes.items())
    start = f"<{tag}{pairs}"
    written = [child for child in children if child]
    if not text and not written:
        yield start + " />"
        return
    yield start + ">" + text.translate(_TEXT)
    inside = "\n" + _INDENT * (level + 1)
    for child in written:
        yield inside
        yield from child
    if written:
        yield "\n" + _INDENT * level
    yield "</" + tag + ">"


def _body(check: CheckResult) -> str:
    parts = [check.details] if check.details else []
    if check.metrics:
        parts.append("metrics: " + json.dumps(check.metrics, ensure_ascii=False, default=str))
    if check.evidence:
        parts.append("evidence:\n" + json.dumps(check.evidence, indent=2, ensure_ascii=False, default=str))
    return "\n".join(parts)
