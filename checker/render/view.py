"""The view model of the Markdown report: plain records of already-escaped strings.

Every untrusted string (from data, endpoints, logs, or a results.json given to `mlsmoke
report`) passes through `checker.render.escape` here, once; the layout (`layout.py`) only arranges them.
`Detail` says how much to show, so a shortened report is the same view with less in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from checker.record import record
from checker.render import baseline_view, escape, folding
from checker.render.charts import charts_by_family
from checker.results.chart_data import without_chart_data
from checker.results.model import CheckResult, Report, Status, truncate

if TYPE_CHECKING:  # imported only when a result has a chart to draw, a report a comparison, a
    # check a section (a warning, failure or error)
    from checker.render.charts.view import ChartView
    from checker.render.compare_view import CompareView
    from checker.render.evidence import EvidenceView

STATUS_ICON = {Status.PASS: "✅", Status.SKIP: "⏭️", Status.WARN: "⚠️", Status.FAIL: "❌",
               Status.ERROR: "💥"}
FAMILY_TITLE = {"data": "Data contracts", "drift": "Drift", "pipeline": "Pipeline",
                "endpoint": "Endpoint"}
LATENCY_METRICS = ("p50_ms", "p95_ms", "max_ms")
_COUNT_LABELS = ((Status.PASS, "passed"), (Status.FAIL, "failed"), (Status.WARN, "warning"),
                 (Status.ERROR, "error"), (Status.SKIP, "skipped"))


@record(eq=False, repr=False)
class Detail:
    """How much of the report to show (the full report uses the defaults)."""

    list_passes: bool = True  # False: passed checks are counted, not listed
    worst_first: bool = False  # rows and sections sorted by status, failures first
    evidence_chars: int | None = 4000  # None: no evidence
    details_chars: int = 10_000
    sections: bool = True  # a <details> section per failure and warning
    max_rows: int | None = None  # rows listed per family table
    tables: bool = True
    notice: str = ""
    charts: bool = True  # Mermaid charts under the family headings (report.charts can turn them off)


@record(eq=False, repr=False)
class RowView:
    """One check's row in its family's table."""

    icon: str
    check: str
    subject: str
    summary: str
    duration: str


@record(eq=False, repr=False)
class FamilyView:
    """One family's table, its charts and its folded passes."""

    heading: str  # "Data contracts (3 passed, 1 failed)"
    rows: tuple[RowView, ...]
    not_listed: str  # e.g. "12 passed checks not listed", or ""
    charts: tuple[ChartView, ...] = ()
    folded: tuple[RowView, ...] = ()  # passed checks under one <details> line
    folded_summary: str = ""  # "42 passed"
    name: str = ""  # the family's id (data, drift, …), for what a family shows below its heading


@record(eq=False, repr=False)
class SectionView:
    """The collapsed <details> of one failure, error or warning."""

    summary: str  # HTML content of <summary>
    location: str
    details: str  # Markdown block
    metrics: tuple[tuple[str, str], ...]
    evidence: EvidenceView
    failing_rows: str = ""  # where the failing rows are, for a failing data check


@record(eq=False, repr=False)
class LatencyView:
    """One endpoint's row in the latency table."""

    subject: str
    requests: str
    p50: str
    p95: str
    max: str


@record(eq=False, repr=False)
class ReportView:
    """The whole report, every string already escaped."""

    marker: str
    title: str
    verdict_icon: str
    verdict: str
    counts: str
    notice: str
    families: tuple[FamilyView, ...]
    latency: tuple[LatencyView, ...]
    sections: tuple[SectionView, ...]
    footer: str
    baseline: tuple[str, ...] = ()  # fixed and stale baseline entries
    compare: CompareView | None = None  # the deltas against the base branch


def marker(title: str) -> str:
    """The hidden first line that identifies this report's sticky comment (one per title)."""
    return f"<!-- mlsmoke:{escape.html_comment(title)} -->"


def build(report: Report, detail: Detail = Detail()) -> ReportView:
    detail = replace(detail, charts=detail.charts and report.charts)
    return ReportView(
        marker=marker(report.title),
        title=escape.inline(report.title, max_chars=200),
        verdict_icon="✅" if report.status is Status.PASS else "❌",
        verdict="passed" if report.status is Status.PASS else "failed",
        counts=_headline_counts(report),
        notice=detail.notice,
        families=tuple(_families(report.checks, detail, charts_by_family(report) if detail.charts else {}))
        if detail.tables else (),
        latency=tuple(_latency(c) for c in report.checks if _has_latency(c)) if detail.tables else (),
        sections=tuple(_section(c, detail, report.environment)
                       for c in _ordered(report.checks, worst_first=True)
                       if c.status >= Status.WARN) if detail.sections else (),
        footer=_footer(report),
        baseline=baseline_view.notes(report),
        compare=_compare(report, tables=detail.tables),
    )


def _compare(report: Report, tables: bool) -> CompareView | None:
    if report.compare is None:
        return None  # not compared: the comparison's view is not even imported
    from checker.render import compare_view

    return compare_view.build(report, tables=tables)


def _compare_headline(report: Report) -> str:
    if report.compare is None:
        return ""
    from checker.render import compare_view

    return compare_view.headline(report)


def _ordered(checks: Sequence[CheckResult], worst_first: bool) -> list[CheckResult]:
    if not worst_first:
        return list(checks)
    return sorted(checks, key=lambda c: -c.status.rank)  # stable: run order within a status


def _headline_counts(report: Report) -> str:
    text = _counts(report.checks, " · ", "**{n}** {label}", always=(Status.PASS, Status.FAIL))
    if report.fail_on == "warning" and report.counts[Status.WARN]:
        text += " (warnings fail this run)"
    return _compare_headline(report) + text + baseline_view.headline(report)


def _counts(checks: Sequence[CheckResult], sep: str, form: str,
            always: tuple[Status, ...] = ()) -> str:
    """'3 passed, 1 failed, 2 warnings': the statuses present (and those in `always`)."""
    counts = Counter(c.status for c in checks)
    parts = []
    for status, label in _COUNT_LABELS:
        n = counts[status]
        if n or status in always:
            plural = "s" if n != 1 and status in (Status.WARN, Status.ERROR) else ""
            parts.append(form.format(n=n, label=label + plural))
    return sep.join(parts)


def _families(checks: Sequence[CheckResult], detail: Detail,
              charts: Mapping[str, tuple[ChartView, ...]]) -> list[FamilyView]:
    """One table per family, in the order the report lists them (rows worst first on request)."""
    grouped: dict[str, list[CheckResult]] = {}
    for check in checks:
        grouped.setdefault(check.family, []).append(check)
    return [_family(name, _ordered(family_checks, detail.worst_first), detail, charts.get(name, ()))
            for name, family_checks in grouped.items()]


def _family(name: str, checks: list[CheckResult], detail: Detail,
            charts: tuple[ChartView, ...] = ()) -> FamilyView:
    fold = detail.list_passes and folding.folds(checks)
    if fold:
        checks = _ordered(checks, worst_first=True)
    listed = checks if detail.list_passes and not fold else [c for c in checks if c.status is not Status.PASS]
    if detail.max_rows is not None:
        listed = listed[: detail.max_rows]
    folded = [c for c in checks if c.status is Status.PASS] if fold else []
    title = FAMILY_TITLE.get(name) or escape.inline(name.capitalize(), max_chars=60)
    return FamilyView(
        heading=f"{title} ({_counts(checks, ', ', '{n} {label}')})",
        rows=tuple(_row(c) for c in listed),
        not_listed=_not_listed(checks, [*listed, *folded]),
        charts=charts,
        folded=tuple(_row(c) for c in folded),
        folded_summary=folding.summary(len(folded)),
        name=escape.inline(name, max_chars=60),
    )


def _not_listed(checks: list[CheckResult], listed: list[CheckResult]) -> str:
    shown = {id(c) for c in listed}
    hidden = [c for c in checks if id(c) not in shown]
    if not hidden:
        return ""
    passed = sum(1 for c in hidden if c.status is Status.PASS)
    other = len(hidden) - passed
    parts = [f"{passed} passed"] if passed else []
    parts += [f"{other} more"] if other else []
    return " and ".join(parts) + (" check" if len(hidden) == 1 else " checks") + " not listed"


def _row(check: CheckResult) -> RowView:
    return RowView(
        icon=STATUS_ICON[check.status],
        check=escape.cell(check.id, max_chars=80),
        subject=escape.cell(check.subject, max_chars=120),
        summary=baseline_view.mark(check) + escape.cell(check.summary, max_chars=300),
        duration=format_duration(check.duration_s),
    )


def _section(check: CheckResult, detail: Detail, environment: Mapping[str, Any]) -> SectionView:
    from checker.render import evidence

    subject = f" — {escape.html_text(check.subject, max_chars=120)}" if check.subject else ""
    details = truncate(check.details, max_chars=detail.details_chars)
    metrics = truncate({k: v for k, v in check.metrics.items() if k != "failing_rows"}, max_items=30)
    return SectionView(
        summary=f"{STATUS_ICON[check.status]} <code>{escape.html_text(check.id, max_chars=80)}</code>"
                f"{subject}: "
                f"{baseline_view.mark(check)}{escape.html_text(check.summary, max_chars=300)}",
        location=_location(check),
        details=escape.block(details),
        metrics=tuple((escape.cell(k, max_chars=60), escape.cell(evidence.compact(v), max_chars=200))
                      for k, v in metrics.items()),
        evidence=evidence.build(without_chart_data(check.evidence), detail.evidence_chars),
        failing_rows=evidence.failing_rows_line(check.metrics.get("failing_rows"), environment),
    )


def _location(check: CheckResult) -> str:
    if check.location is None:
        return ""
    line = f", line {check.location.line}" if check.location.line else ""
    return escape.inline(f"{check.location.file}{line}", max_chars=200)


def _has_latency(check: CheckResult) -> bool:
    return any(key in check.metrics for key in LATENCY_METRICS)


def _latency(check: CheckResult) -> LatencyView:
    metrics = check.metrics
    return LatencyView(
        subject=escape.cell(check.subject or check.id, max_chars=120),
        requests=escape.cell(metrics.get("requests", "–")),
        p50=_milliseconds(metrics.get("p50_ms")),
        p95=_milliseconds(metrics.get("p95_ms")),
        max=_milliseconds(metrics.get("max_ms")),
    )


def _milliseconds(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "–"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _footer(report: Report) -> str:
    env = report.environment
    parts = []
    if env.get("commit"):
        parts.append(f"commit {escape.inline(env['commit'], max_chars=40)}")
    if escape.is_http_url(env.get("run_url")):
        parts.append(f"[workflow run]({env['run_url']})")
    version = f" {escape.inline(report.mlsmoke_version, max_chars=40)}" if report.mlsmoke_version else ""
    parts.append(f"mlsmoke{version}")
    parts.append(f"{format_duration(report.duration_s)}")
    return " · ".join(parts)
