"""The hidden marker that identifies our comment, and fitting a body into GitHub's limit.

The render layer owns the report's Markdown; when it offers `marker` and a shortener, these
delegate to it so both sides agree on one format.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")


def marker(title: str) -> str:
    """`<!-- mlsmoke:TITLE -->`; a title cannot end the HTML comment early."""
    safe = " ".join(title.split()).replace("--", "- -").replace(">", "&gt;")
    return f"<!-- mlsmoke:{safe} -->"


def fit_comment(markdown: str, limit: int, summary_url: str | None = None) -> str:
    """The body unchanged when it fits; else cut at a line, close what the cut left open
    (code fences, <details>) and say where the whole report is."""
    if len(markdown) <= limit:
        return markdown
    where = f"the [job summary]({summary_url})" if summary_url else "the job summary"
    note = (f"\n\n> [!NOTE]\n> This report was shortened to fit GitHub's comment limit of "
            f"{limit:,} characters. The full report is in {where} and in `report.md`.\n")
    budget = limit - len(note) - 200  # room for the closing tags
    kept: list[str] = []
    size = 0
    for line in markdown.splitlines(keepends=True):
        if size + len(line) > budget:
            break
        kept.append(line)
        size += len(line)
    return "".join(kept).rstrip("\n") + "\n" + _closing(kept) + note


def _closing(lines: list[str]) -> str:
    """What closes the code fence and <details> blocks left open by a cut."""
    closing = ""
    if sum(1 for line in lines if _FENCE.match(line)) % 2:
        closing += "```\n"
    text = "".join(lines)
    open_details = text.count("<details") - text.count("</details>")
    return closing + "</details>\n" * max(open_details, 0)
