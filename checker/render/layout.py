"""The report's Markdown layout: one function per block, fed the view model (`view.py`).

Presentation only. What to show, in what order and how much is decided in the view model,
which also escapes every string once; these functions only arrange its strings into lines.
Markdown needs the blank lines around tables and inside `<details>`, so they are spelled out
as they are written. The layout is plain Python rather than a template engine: a run renders
its report once, and importing Jinja and loading its compiled templates took about 30 ms of
every run (124 million instructions, a fifth of all the dependencies' imports).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the view model's records, for their types only
    from checker.render.charts.view import ChartView
    from checker.render.compare_view import CompareView, DeltaTable
    from checker.render.evidence import TableView
    from checker.render.view import FamilyView, LatencyView, ReportView, RowView, SectionView

CHECK_HEADER = "| | Check | Subject | Summary | Time |\n|---|---|---|---|---:|\n"
LATENCY_COLUMNS = ("Endpoint", "Requests", "p50", "p95", "max")


def report(view: ReportView) -> str:
    """The whole report: headline, a table per family, latency, the comparison, the baseline,
    a collapsed section per failure and warning, and the footer."""
    parts = [f"{view.marker}\n## {view.verdict_icon} {view.title}: {view.verdict}\n\n{view.counts}\n"]
    if view.notice:
        parts.append(f"\n> [!NOTE]\n> {view.notice}\n")
    parts += ("\n" + family(f) for f in view.families)
    if view.latency:
        parts.append("\n" + latency(view.latency))
    if view.compare:
        parts.append("\n" + compare(view.compare))
    if view.baseline:
        parts.append("\n### Baseline\n\n" + bullets(view.baseline))
    if view.sections:
        parts.append("\n### Failures and warnings\n")
        parts += ("\n" + section(s) for s in view.sections)
    parts.append(f"\n<sub>{view.footer}</sub>\n")
    return "".join(parts)


def family(view: FamilyView) -> str:
    """A family's heading, its charts, its check rows, the passed checks folded under one
    `<details>` line, and what was not listed."""
    parts = [f"### {view.heading}\n\n", *(chart(c) for c in view.charts)]
    if view.rows:
        parts.append(checks(view.rows))
    if view.folded:
        if view.rows:
            parts.append("\n")
        parts.append(f"<details><summary>{view.folded_summary}</summary>\n\n{checks(view.folded)}\n</details>\n")
    if view.not_listed:
        if view.rows or view.folded:
            parts.append("\n")
        parts.append(f"_{view.not_listed}_\n")
    return "".join(parts)


def chart(view: ChartView) -> str:
    """A Mermaid chart, then its table under `<details>` (the GitHub mobile app draws no Mermaid)."""
    return (f"{view.block}\n\n<details><summary>{view.caption}</summary>\n\n"
            f"{table(view.header, view.align, view.rows)}\n</details>\n\n")


def checks(rows: Sequence[RowView]) -> str:
    """A family's table of checks (its header's first cell is empty: written out, not joined)."""
    return CHECK_HEADER + table_rows((r.icon, r.check, r.subject, r.summary, r.duration) for r in rows)


def latency(rows: Sequence[LatencyView]) -> str:
    """Endpoint latency percentiles, from the metrics of the latency checks."""
    return "### Endpoint latency\n\n" + table(LATENCY_COLUMNS, ("---", "---:", "---:", "---:", "---:"),
                                               ((r.subject, r.requests, r.p50, r.p95, r.max) for r in rows))


def compare(view: CompareView) -> str:
    """The comparison with the base branch's results."""
    parts = [f"### {view.heading}\n\n"]
    if view.skipped:
        parts.append(f"⏭️ Not compared: {view.skipped}\n")
        return "".join(parts)
    if view.new:
        parts.append(f"**New failures ({len(view.new)})**\n\n" + bullets(view.new))
    else:
        parts.append("No new failures.\n")
    if view.fixed:
        parts.append(f"\n**Fixed ({len(view.fixed)})**\n\n" + bullets(view.fixed))
    parts += ("\n" + delta_table(t) for t in view.tables)
    return "".join(parts)


def delta_table(view: DeltaTable) -> str:
    """A comparison's table: its leading name columns left-aligned, the numbers right."""
    align = ["---" if i < view.text_columns else "---:" for i in range(len(view.header))]
    return table(view.header, align, view.rows)


def section(view: SectionView) -> str:
    """One collapsed failure, error or warning: where, what, the failing rows, the metrics and
    the evidence."""
    parts = [f"<details><summary>{view.summary}</summary>\n"]
    parts += (f"\n{text}\n" for text in (f"Location: {view.location}" if view.location else "",
                                          view.details, view.failing_rows) if text)
    if view.metrics:
        parts.append("\n" + table(("Metric", "Value"), ("---", "---"), view.metrics))
    parts += ("\n" + evidence(t) for t in view.evidence.tables)
    parts += (f"\n{block}\n" for block in view.evidence.blocks)
    parts.append("\n</details>\n")
    return "".join(parts)


def evidence(view: TableView) -> str:
    """One evidence table under its title, with the note on what was left out."""
    note = f"\n_{view.note}_\n" if view.note else ""
    return f"{view.title}:\n\n{table(view.header, view.align, view.rows)}{note}"


def table(header: Sequence[str], align: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub table: header, alignment row (`---` or `---:` per column) and rows."""
    return f"| {' | '.join(header)} |\n|{'|'.join(align)}|\n" + table_rows(rows)


def table_rows(rows: Iterable[Sequence[str]]) -> str:
    return "".join(f"| {' | '.join(row)} |\n" for row in rows)


def bullets(lines: Iterable[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)
