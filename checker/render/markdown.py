"""The Markdown report (report.md, the job summary and the sticky PR comment).

`render_markdown(report)` renders the full report: the view model (`view.py`) laid out as
Markdown (`layout.py`).
`shorten_markdown(report, max_chars)` returns the most complete report that fits: charts left
out first (the job summary keeps them), then failures first, passed checks counted instead of
listed, evidence shortened and then dropped, with a note that points to the job summary
(GitHub cuts comment bodies at 65,536 characters).
"""

from __future__ import annotations

from dataclasses import replace

from checker.render import escape, layout, view
from checker.render.view import Detail
from checker.results.model import Report

marker = view.marker

_NOTE = ("This report was shortened to fit GitHub's size limit: failures come first and passed "
         "checks are counted, not listed. The full report is in the job summary{run} and in "
         "report.md.")
_CHARTS_NOTE = ("The charts were left out to fit GitHub's size limit; they are in the job "
                "summary{run} and in report.md.")
_SHORTER = (
    Detail(charts=False),  # charts are the first thing left out
    Detail(charts=False, list_passes=False, worst_first=True, evidence_chars=1500, details_chars=2000),
    Detail(charts=False, list_passes=False, worst_first=True, evidence_chars=300, details_chars=500),
    Detail(charts=False, list_passes=False, worst_first=True, evidence_chars=None, details_chars=200),
    Detail(charts=False, list_passes=False, worst_first=True, sections=False),
    Detail(charts=False, list_passes=False, worst_first=True, sections=False, max_rows=50),
    Detail(charts=False, list_passes=False, worst_first=True, sections=False, max_rows=10),
    Detail(charts=False, sections=False, tables=False),
)


def render_markdown(report: Report) -> str:
    """The report as GitHub Markdown."""
    return layout.report(view.build(report))


def shorten_markdown(report: Report, max_chars: int) -> str:
    """The most complete shortened report under `max_chars` characters."""
    charted = _has_charts(report)
    notice = _notice(report, _NOTE) + (" The charts were left out too." if charted else "")
    levels = [(_SHORTER[0], _notice(report, _CHARTS_NOTE))] if charted else []
    for detail, note in [*levels, *((d, notice) for d in _SHORTER[1:])]:
        text = layout.report(view.build(report, _with_notice(detail, note)))
        if len(text) <= max_chars:
            return text
    # Only a pathological title gets here: keep the marker, the verdict and the note.
    bare = view.build(report, _with_notice(_SHORTER[-1], notice))
    text = layout.report(bare)
    return text[: max(0, max_chars - 2)].rstrip() + "…\n"


def _notice(report: Report, note: str) -> str:
    run_url = report.environment.get("run_url")
    run = f" of [this workflow run]({run_url})" if escape.is_http_url(run_url) else ""
    return note.format(run=run)


def _has_charts(report: Report) -> bool:
    return any(family.charts for family in view.build(report).families)


def _with_notice(detail: Detail, notice: str) -> Detail:
    return replace(detail, notice=notice)
