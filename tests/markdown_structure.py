"""A small reader for the Markdown structure tests assert on: CommonMark backtick fences,
table rows and <details> sections (enough to prove untrusted text built none of them), and a
checker of the structure a report must have, in its Markdown (every table row has its
header's cells) and in the HTML cmark-gfm renders from it (every <details> closed, in order,
with its <summary>; every table row as wide as its header)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_OPEN = re.compile(r"^ {0,3}(`{3,})([^`]*)$")


def split_fences(text: str) -> tuple[str, list[str]]:
    """(the text outside fenced code blocks, the content of each block). A fence closes only
    on a line of at least as many backticks, as in CommonMark."""
    lines = text.split("\n")
    outside: list[str] = []
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            outside.append(lines[i])
            i += 1
            continue
        closing = re.compile(rf"^ {{0,3}}`{{{len(match.group(1))},}}\s*$")
        body: list[str] = []
        i += 1
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i])
            i += 1
        assert i < len(lines), "a code fence is never closed"
        blocks.append("\n".join(body))
        i += 1
    return "\n".join(outside), blocks


def table_rows(text: str) -> list[str]:
    return [line for line in split_fences(text)[0].split("\n") if line.startswith("|")]


def cells(row: str) -> list[str]:
    """The cells of a table row, split on the pipes GitHub splits on: a backslash escapes the
    character after it (`\\|` is text, `\\\\|` a backslash and then a pipe that splits)."""
    assert row.startswith("|") and row.endswith("|"), row
    found, current, i = [], "", 0
    while i < len(row):
        if row[i] == "\\" and i + 1 < len(row):
            current += row[i:i + 2]
            i += 2
            continue
        if row[i] == "|":
            found.append(current)
            current = ""
        else:
            current += row[i]
        i += 1
    assert current == "", f"text after the last pipe: {row!r}"
    return [c.strip() for c in found[1:]]


_DELIMITER = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")


def table_problems(markdown: str) -> list[str]:
    """Every table outside code fences: its delimiter row and each of its rows have the
    header's number of cells, and a blank line ends it."""
    lines = split_fences(markdown)[0].split("\n")
    problems: list[str] = []
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("|") and i + 1 < len(lines) and _DELIMITER.match(lines[i + 1])):
            i += 1
            continue
        width = len(cells(lines[i]))
        j = i + 1
        while j < len(lines) and lines[j].startswith("|"):
            row = cells(lines[j]) if lines[j].endswith("|") else []
            if len(row) != width:
                problems.append(f"table row {lines[j]!r}: {len(row)} cells, its header has {width}")
            j += 1
        if j < len(lines) and lines[j].strip():
            problems.append(f"no blank line after the table, before {lines[j]!r}")
        i = j
    return problems


class HtmlStructure(HTMLParser):
    """The <details> nesting and the table row widths of rendered HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open: list[str] = []  # the open <details>, each with what it has seen so far
        self.widths: list[list[int]] = []  # per open table: cells per row
        self.details = 0
        self.feed(html)
        self.close()
        if self.open:
            self.problems.append(f"{len(self.open)} <details> never closed")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag == "details":
            self.open.append("")
            self.details += 1
        elif tag == "summary":
            if not self.open or self.open[-1]:
                self.problems.append("a <summary> that is not the first thing in its <details>")
            else:
                self.open[-1] = "summary"
        elif tag == "table":
            self.widths.append([])
        elif tag == "tr" and self.widths:
            self.widths[-1].append(0)
        elif tag in ("td", "th") and self.widths and self.widths[-1]:
            self.widths[-1][-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            if not self.open:
                self.problems.append("a </details> with no <details> open")
            else:
                self.open.pop()
        elif tag == "table" and self.widths:
            rows = self.widths.pop()
            if len(set(rows)) > 1:
                self.problems.append(f"a table whose rows have {sorted(set(rows))} cells")

    def handle_data(self, data: str) -> None:
        if self.open and not self.open[-1] and data.strip():
            self.open[-1] = "text"


def html_problems(html: str) -> list[str]:
    return HtmlStructure(html).problems
