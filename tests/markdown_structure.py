"""A small reader for the Markdown structure tests assert on: CommonMark backtick fences,
table rows and <details> sections (enough to prove untrusted text built none of them)."""

from __future__ import annotations

import re

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
    """The cells of a table row, split on the pipes GitHub splits on (unescaped ones)."""
    assert row.startswith("|") and row.endswith("|"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
