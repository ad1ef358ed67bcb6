"""The baseline's part of the Markdown report: the headline's new and known failures, the
known marker of a row, and the fixed and stale entries (already escaped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.render import escape
from checker.results.model import KNOWN, CheckResult, Report

KNOWN_MARK = "(known, baselined) "


def headline(report: Report) -> str:
    """' — **2** new failures (3 known, baselined)', or '' when no baseline was read or
    nothing failed."""
    summary = report.baseline
    if summary is None:
        return ""
    new, known = summary.get("new", 0), summary.get("known", 0)
    if not new and not known:
        return ""  # nothing failed: the Baseline section lists what was fixed
    noun = "failure" if new == 1 else "failures"
    return f" — **{new}** new {noun} ({known} known, baselined)"


def mark(check: CheckResult) -> str:
    return KNOWN_MARK if check.baseline == KNOWN else ""


def notes(report: Report) -> tuple[str, ...]:
    """One line per fixed entry ("remove it from the baseline") and per stale entry."""
    summary: Mapping[str, Any] = report.baseline or {}
    file = escape.inline(str(summary.get("file", "")), max_chars=200)
    lines = [f"✅ {_entry(e)} passes now: remove it from the baseline ({file})"
             for e in summary.get("fixed", [])]
    lines += [f"⚠️ stale baseline entry {_entry(e)}: no such check and subject any more"
              for e in summary.get("stale", [])]
    return tuple(lines)


def _entry(entry: Mapping[str, Any]) -> str:
    from checker.results.baseline import describe  # a fixed or stale entry: a baseline was read

    return escape.inline(describe(entry), max_chars=300)
