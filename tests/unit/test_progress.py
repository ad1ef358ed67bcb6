from __future__ import annotations

import io

from checker.progress import Progress
from checker.results import CheckResult, Status


def test_a_summary_with_line_breaks_stays_on_one_line():
    stream = io.StringIO()
    hostile = CheckResult(id="data.allowed", status=Status.FAIL,
                          summary="bad value 'x\n::error::pwned\r\n::add-mask::'")
    Progress(stream, live=True).result(hostile)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert not any(line.startswith("::") for line in lines)


def test_progress_lines_only_on_a_terminal():
    stream = io.StringIO()
    Progress(stream, live=False).result(CheckResult(id="data.rows", status=Status.PASS, summary="ok"))
    assert stream.getvalue() == ""
    Progress(stream, live=True).result(CheckResult(id="data.rows", status=Status.PASS, summary="ok"))
    assert "data.rows" in stream.getvalue()
