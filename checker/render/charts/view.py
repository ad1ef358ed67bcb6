"""A chart as the report shows it: the ```mermaid block and its table fallback (the GitHub
mobile app shows no Mermaid), every string escaped here."""

from __future__ import annotations

from collections.abc import Sequence

from checker.record import record
from checker.render import escape
from checker.render.charts.mermaid import XYChart, source

MAX_ROWS = 30  # rows of a table fallback (a results.json given to `mlsmoke report` may hold more)


@record
class ChartView:
    block: str  # the fenced ```mermaid block
    caption: str  # <summary> of the table fallback
    header: tuple[str, ...]
    align: tuple[str, ...]  # "---" or "---:" per column
    rows: tuple[tuple[str, ...], ...]


def chart_view(chart: XYChart, caption: str, header: Sequence[str],
               rows: Sequence[Sequence[object]]) -> ChartView:
    """`chart` with a table of `rows` under `header` (raw text; numbers align right), at most
    MAX_ROWS of them and a last one that counts the rest."""
    if len(rows) > MAX_ROWS:
        more = [f"… {len(rows) - MAX_ROWS + 1} more"] + [""] * (len(header) - 1)
        rows = [*rows[: MAX_ROWS - 1], more]
    numeric = [all(_is_number(row[i]) for row in rows) for i in range(len(header))]
    return ChartView(
        block=escape.code_block(source(chart), "mermaid"),
        caption=escape.html_text(caption, max_chars=200),  # inside <summary>: HTML, not Markdown
        header=tuple(escape.cell(h, max_chars=60) for h in header),
        align=tuple("---:" if n and rows else "---" for n in numeric),
        rows=tuple(tuple(escape.cell(v, max_chars=80) for v in row) for row in rows),
    )


def _is_number(value: object) -> bool:
    text = str(value).removesuffix("%").removesuffix(" ms")
    try:
        float(text)
    except ValueError:
        return text in ("–", "") or text.startswith("… ")
    return True


def share(value: float) -> str:
    """A share of values as a percentage for a table."""
    return f"{value * 100:.1f}%"


def is_number(value: object) -> bool:
    """A JSON number (not a bool): what a chart can plot from a results.json."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
