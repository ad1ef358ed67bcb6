"""Mermaid `xychart-beta` source from plain values, with every untrusted label made inert.

A label (a column name, a category value, an endpoint name) goes inside double quotes, and
only letters, digits, spaces and punctuation that means nothing to Mermaid, Markdown or HTML
stay as they are. Every other ASCII character — quotes, brackets, braces, `%` (comments and
`%%{init}` directives), `<` and `>` (so no `-->`, `<!--` or tag), backticks, `#`, `&`, `$`,
`\\` — becomes Mermaid's own entity code (`#34;` for `"`), which Mermaid turns back into the
character only when it draws the text. Newlines fold to ` ⏎ `. Nothing in a label can therefore
end the string, the chart, the code fence or the sticky comment's marker, and the chart still
shows the text as it was.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

from checker.record import record
from checker.results.inert import visible

MAX_LABEL = 24  # characters of an axis category (as shown)
MAX_TITLE = 90
MAX_BARS = 24  # categories on the x axis

_SAFE_ASCII = frozenset(" .,:_-+=/()'!?@*|^~")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def clip(text: object, max_chars: int = MAX_LABEL) -> str:
    """Untrusted text as one line of at most `max_chars` characters, as a chart shows it (not
    yet escaped: builders compose labels from clipped parts, `source` escapes them once)."""
    plain = _LINE_BREAKS.sub(" ⏎ ", visible(_CONTROL.sub("", str(text))).strip())
    if len(plain) > max_chars:
        plain = plain[: max_chars - 1].rstrip() + "…"
    return plain or "(empty)"


def label(text: object, max_chars: int = MAX_LABEL) -> str:
    """`text` clipped, as the inside of a Mermaid string: what may not stand there as entity codes."""
    return "".join(_inert_char(c) for c in clip(text, max_chars))


def _inert_char(char: str) -> str:
    if not char.isascii() or char.isalnum() or char in _SAFE_ASCII:
        return char
    return f"#{ord(char)};"


def unique(labels: Sequence[str]) -> list[str]:
    """Labels made distinct (Mermaid draws two equal categories as one): `x`, `x (2)`, …"""
    taken: set[str] = set()
    out = []
    for text in labels:
        candidate, n = text, 1
        while candidate in taken:
            n += 1
            candidate = f"{text} ({n})"
        taken.add(candidate)
        out.append(candidate)
    return out


def number(value: float) -> str:
    """A number as Mermaid data: 4 significant digits (enough for a chart), in fixed-point
    notation (Mermaid reads no exponent); 0 for NaN and infinities."""
    if not math.isfinite(value):
        return "0"
    text = f"{float(f'{value:.4g}'):.12f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@record
class Series:
    kind: Literal["bar", "line"]
    values: tuple[float, ...]


@record
class XYChart:
    """One chart; `categories` and `title` are raw (untrusted) text, escaped by `source`."""

    title: str
    x_title: str
    categories: tuple[str, ...]
    y_title: str
    series: tuple[Series, ...]


def source(chart: XYChart) -> str:
    """The chart as Mermaid source (the body of a ```mermaid block)."""
    categories = [label(c, max_chars=10**6) for c in unique([clip(c) for c in chart.categories[:MAX_BARS]])]
    plotted = [v for s in chart.series for v in s.values[:MAX_BARS] if math.isfinite(v)]
    lines = [
        "xychart-beta",
        f'  title "{label(chart.title, MAX_TITLE)}"',
        f'  x-axis "{label(chart.x_title, MAX_TITLE)}" [{", ".join(_quoted(c) for c in categories)}]',
        f'  y-axis "{label(chart.y_title, MAX_TITLE)}" {_axis(plotted)}',
    ]
    for series in chart.series:
        values = list(series.values[:MAX_BARS]) + [0.0] * (len(categories) - len(series.values))
        lines.append(f"  {series.kind} [{', '.join(number(max(v, 0.0)) for v in values[: len(categories)])}]")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return f'"{text}"'


def _axis(values: Sequence[float]) -> str:
    """The y range, from 0 to a tenth above the highest value. Mermaid draws a bar up from the
    axis' bottom, not from 0, so a chart plots no value below 0: `source` draws it as 0 and the
    builders leave such values to the table."""
    high = max(0.0, *values) * 1.1
    return f"0 --> {number(high if high > 0 else 1.0)}"
