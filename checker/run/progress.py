"""What `mlsmoke run` prints for a person: a line per check on a terminal, then a summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

from checker.results.inert import one_line
from checker.results.model import CheckResult, Report, Status

_MARK = {Status.PASS: "✓", Status.SKIP: "-", Status.WARN: "!", Status.FAIL: "✗", Status.ERROR: "E"}
# A breakdown by status: "failed" beside it counts Status.FAIL alone (Report.failed is the total).
_OPTIONAL_COUNTS = ((Status.WARN, "warning", "warnings"), (Status.ERROR, "error", "errors"),
                   (Status.SKIP, "skipped", "skipped"))


def baseline_lines(report: Report) -> list[str]:
    """What the baseline says beyond the checks: fixed entries to remove, stale ones."""
    summary = report.baseline
    if not summary:
        return []  # no baseline file was read
    from checker.results.baseline import describe

    lines = [f"baseline: {summary.get('new', 0)} new, {summary.get('known', 0)} known"]
    lines += [f"  fixed: {describe(e)} passes now: remove it from the baseline ({summary.get('file')})"
              for e in summary.get("fixed", [])]
    lines += [f"  warning: stale baseline entry {describe(e)}: no such check and subject any more"
              for e in summary.get("stale", [])]
    return lines


def first_offence(check: CheckResult, max_chars: int = 80) -> str:
    """A failing data check's first offending value, as the terminal shows it:
    "plan: 'Pro' not in [basic, pro] (row 3, line 5)"; "" for any other check."""
    examples = check.evidence.get("examples") if check.family == "data" else None
    first = examples[0] if isinstance(examples, list) and examples else None
    if not isinstance(first, Mapping) or not first.get("rule") or "column" not in first:
        return ""
    value = first.get("value")
    shown = "" if value is None else " " + _clip(repr(value), max_chars)
    where = ", ".join(f"{key} {first[key]}" for key in ("row", "line") if first.get(key) is not None)
    offence = f"{_clip(str(first['column']), max_chars)}:{shown} {first['rule']}"
    return f"{offence} ({where})" if where else offence


def _clip(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


class Progress:
    def __init__(self, stream: IO[str], *, live: bool | None = None):
        self.stream = stream
        self.live = stream.isatty() if live is None else live

    def result(self, result: CheckResult) -> None:
        if self.live:
            subject = f"  {result.subject}" if result.subject else ""
            self._write(f"{_MARK[result.status]} {result.id:<24}{subject}  {result.summary}")

    def summary(self, report: Report, out_dir: Path) -> None:
        counts = report.counts
        parts = [f"{counts[Status.PASS]} passed", f"{counts[Status.FAIL]} failed"]
        parts += [f"{counts[status]} {one if counts[status] == 1 else many}"
                  for status, one, many in _OPTIONAL_COUNTS if counts[status]]
        self._write(f"mlsmoke: {report.status.value.upper()} — {', '.join(parts)} "
                    f"in {report.duration_s:.1f}s")
        for check in report.checks:
            if check.status >= Status.WARN:
                subject = f" [{check.subject}]" if check.subject else ""
                known = " (known, baselined)" if check.baseline == "known" else ""
                self._write(f"  {_MARK[check.status]} {check.id}{subject}{known}: {check.summary}")
                offence = first_offence(check)
                if offence:
                    self._write(f"      {offence}")
        for line in baseline_lines(report):
            self._write(line)
        self._write(f"report: {out_dir / 'report.md'}")

    def note(self, line: str) -> None:
        """A line about the run itself (not a check), e.g. why it checks nothing."""
        self._write(line)

    def _write(self, line: str) -> None:
        # One physical line per message: text from data or endpoints must never start a
        # line of its own, drive the terminal or read differently than it is (inert.one_line).
        self.stream.write(one_line(line) + "\n")
        self.stream.flush()
