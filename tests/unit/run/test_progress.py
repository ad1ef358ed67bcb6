from __future__ import annotations

import io

from checker.results.model import CheckResult, Status
from checker.run.progress import Progress


def test_a_summary_with_line_breaks_stays_on_one_line():
    stream = io.StringIO()
    hostile = CheckResult(id="data.allowed", status=Status.FAIL,
                          summary="bad value 'x\n::error::pwned\r\n::add-mask::'")
    Progress(stream, live=True).result(hostile)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert not any(line.startswith("::") for line in lines)


def test_terminal_control_sequences_from_data_are_dropped():
    stream = io.StringIO()
    hostile = CheckResult(id="data.allowed", status=Status.FAIL,
                          summary="bad \x1b[2J\x1b]0;pwned\x07 value\x00")
    Progress(stream, live=True).result(hostile)
    printed = stream.getvalue()
    assert not any(c in printed for c in "\x1b\x07\x00")
    assert "bad [2J]0;pwned value" in printed


def test_progress_lines_only_on_a_terminal():
    stream = io.StringIO()
    Progress(stream, live=False).result(CheckResult(id="data.rows", status=Status.PASS, summary="ok"))
    assert stream.getvalue() == ""
    Progress(stream, live=True).result(CheckResult(id="data.rows", status=Status.PASS, summary="ok"))
    assert "data.rows" in stream.getvalue()


def test_progress_lines_are_redacted_before_they_are_printed(tmp_path):
    from helpers import write_config

    from checker.config.load import load_config
    from checker.run import runner
    from checker.run.context import RunContext

    (tmp_path / "codes.csv").write_text("code\nok\nghs_tok3nvalue\nhttps://u:pw0rd@h/x\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {code: {type: string, allowed: [ok]}}}
        data:
          - {contract: t, files: codes.csv}
        """)
    stream = io.StringIO()
    ctx = RunContext(loaded=load_config(config, {}), out_dir=tmp_path / "out",
                     on_result=Progress(stream, live=True).result,
                     extra_secrets=frozenset({"ghs_tok3nvalue"}))
    report = runner.run(ctx, None)
    printed = stream.getvalue()
    assert "data.allowed" in printed
    assert "ghs_tok3nvalue" not in printed and "pw0rd" not in printed
    assert "ghs_tok3nvalue" not in str(report.to_dict()) and "pw0rd" not in str(report.to_dict())


def test_bidi_and_invisible_characters_are_shown_not_applied():
    stream = io.StringIO()
    hostile = CheckResult(id="data.allowed", status=Status.FAIL, summary="value 'abc\u202edef\u200b'")
    Progress(stream, live=True).result(hostile)
    printed = stream.getvalue()
    assert "\u202e" not in printed and "\u200b" not in printed
    assert "value 'abc<U+202E>def<U+200B>'" in printed
    plain = io.StringIO()
    Progress(plain, live=True).result(CheckResult(id="data.allowed", status=Status.FAIL, summary="café ✓"))
    assert "café ✓" in plain.getvalue()


def _summary_line(*statuses: Status) -> str:
    from pathlib import Path

    from checker.results.model import Report

    checks = [CheckResult(id="data.rows", status=s, summary="s") for s in statuses]
    stream = io.StringIO()
    Progress(stream, live=False).summary(Report(status=Status.PASS, checks=checks, started_at="",
                                                duration_s=0.0), Path("out"))
    return stream.getvalue().splitlines()[0]


def test_the_summary_counts_one_warning_and_two_errors_in_good_english():
    assert "0 passed, 0 failed, 1 warning, 2 errors in" in _summary_line(Status.WARN, Status.ERROR,
                                                                          Status.ERROR)
    assert "1 passed, 0 failed, 2 warnings, 1 error, 1 skipped in" in _summary_line(
        Status.PASS, Status.WARN, Status.WARN, Status.ERROR, Status.SKIP)


def _summary(*checks: CheckResult) -> list[str]:
    from pathlib import Path

    from checker.results.model import Report

    stream = io.StringIO()
    report = Report(status=Status.FAIL, checks=list(checks), started_at="", duration_s=1.0)
    Progress(stream, live=False).summary(report, Path("out"))
    return stream.getvalue().splitlines()


def _allowed(value: object, **example: object) -> CheckResult:
    found = {"row": 3, "line": 5, "column": "plan", "value": value, "rule": "not in [basic, pro]", **example}
    return CheckResult(id="data.allowed", status=Status.FAIL, subject="shop: data/a.csv",
                       summary="1 row with values not allowed: plan (1)", evidence={"examples": [found]})


def test_a_failing_data_check_shows_its_first_offending_value():
    lines = _summary(_allowed("Pro"))
    assert lines[1].startswith("  ✗ data.allowed [shop: data/a.csv]: 1 row")
    assert lines[2] == "      plan: 'Pro' not in [basic, pro] (row 3, line 5)"


def test_a_null_or_a_repeated_row_reads_without_a_value():
    nulls = CheckResult(id="data.nulls", status=Status.FAIL, summary="1 row with nulls",
                        evidence={"examples": [{"row": 0, "column": "alcohol", "value": None,
                                                "rule": "null, not nullable"}]})
    assert _summary(nulls)[2] == "      alcohol: null, not nullable (row 0)"


def test_checks_without_examples_show_no_value_line():
    """The twin: a failure of another family, or one without examples, is one line."""
    other = CheckResult(id="endpoint.predict", status=Status.FAIL, summary="HTTP 500",
                        evidence={"examples": [{"column": "x", "value": 1, "rule": "r"}]})
    bare = CheckResult(id="data.ranges", status=Status.FAIL, summary="out of range")
    lines = _summary(other, bare)
    assert [line for line in lines if line.startswith("      ")] == []


def test_the_offending_value_cannot_drive_the_terminal():
    lines = _summary(_allowed("\x1b[2J\x1b]0;pwned\x07\n::error::x" + "y" * 200, column="pl\x1ban\u202e"))
    value_line = lines[2]
    assert "\x1b" not in "\n".join(lines) and "\x07" not in value_line and "\u202e" not in value_line
    assert value_line.startswith("      pl") and "\\x1b[2J" in value_line and "<U+202E>" in value_line
    assert len(value_line) < 200 and not any(line.startswith("::") for line in lines)
