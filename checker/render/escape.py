"""Make untrusted text inert in GitHub-flavoured Markdown, HTML and XML: the one place that
escapes. Checks put plain text into results; the renderers pass every such string through here.

Inline text becomes character references (`&#42;` for `*`, …) rather than backslash escapes,
because references work the same in Markdown paragraphs, table cells and raw HTML such as
`<summary>`, where a backslash would show literally. CommonMark never reads a reference as
structure (a list marker, a heading, a table pipe), so escaped text cannot build any.
"""

from __future__ import annotations

import re

from checker.results.inert import visible as visible  # re-exported: one place shows them

# Characters that are markup somewhere in GitHub Markdown or HTML, as numeric references.
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "!": "&#33;",
    "#": "&#35;",
    "~": "&#126;",
    "|": "&#124;",
    "$": "&#36;",  # GitHub renders $…$ as math
    # A zero-width space after @ keeps GitHub from turning @name or @org/team into a mention.
    "@": "@&#8203;",
}
_TABLE = str.maketrans(_ENTITIES)
# Characters that start a block only at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# GitHub links bare URLs (http://…, www.…); a reference in the right place stops it.
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?i:(?<![A-Za-z0-9])www)\.")
_NEWLINES = re.compile(r"\s*(?:\r\n|\r|\n)\s*")
_BACKTICK_RUN = re.compile(r"`+")


def _plain(text: object) -> str:
    """Untrusted text with control characters dropped and invisible ones made visible."""
    return visible(_CONTROL.sub("", str(text)))


def inline(text: object, *, max_chars: int | None = None) -> str:
    """One line of inert text for a paragraph, a heading, a table cell or `<summary>`:
    newlines fold to ` ⏎ `, every markup character becomes a character reference."""
    plain = _plain(text)
    plain = _NEWLINES.sub(" ⏎ ", plain.strip())
    if max_chars is not None and len(plain) > max_chars:
        plain = plain[: max_chars - 1].rstrip() + "…"
    return _escape(plain)


def cell(text: object, *, max_chars: int = 300) -> str:
    """Inert text for a Markdown table cell (never empty, so the row keeps its cells)."""
    return inline(text, max_chars=max_chars) or " "


def block(text: object) -> str:
    """Multi-line inert Markdown: each line escaped and kept as a line (with a hard break),
    blank lines kept as paragraph breaks, leading indentation kept visible."""
    lines = _plain(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(_block_line(line.rstrip()))
    while out and out[-1] == "":
        out.pop()
    # A trailing backslash is CommonMark's hard line break; a paragraph's last line needs none.
    return "\n".join(
        line + "\\" if line and i + 1 < len(out) and out[i + 1] else line for i, line in enumerate(out)
    )


def _block_line(line: str) -> str:
    indent = len(line) - len(line.lstrip(" \t"))
    body = line[indent:]
    match = _LINE_START.match(body)
    escaped = _escape(body)
    if match:  # `- x`, `+ x`, `> x`, `1. x`, `===`: the marker's last character as a reference
        marker = match.group(2)
        escaped = marker[:-1] + f"&#{ord(marker[-1])};" + _escape(body[len(marker):])
    return "&nbsp;" * indent + escaped


def _escape(text: str) -> str:
    """Markup characters as references, mentions broken, bare URLs left unlinked."""
    escaped = text.translate(_TABLE)
    return _AUTOLINK.sub(lambda m: "&#58;" if m.group(0) == ":" else m.group(0)[:-1] + "&#46;", escaped)


def code_block(content: str, language: str = "") -> str:
    """A fenced code block that its content cannot close: the fence is longer than any run of
    backticks inside. Ends without a newline; put a blank line before and after it."""
    body = _plain(content).replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    info = re.sub(r"[^A-Za-z0-9_+-]", "", language)
    return f"{fence}{info}\n{body}\n{fence}"


def html_comment(text: str) -> str:
    """Text safe inside `<!-- … -->`: one line, no `--`, no `<` or `>`."""
    plain = _NEWLINES.sub(" ", visible(text).strip())
    plain = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return plain.replace("--", "-&#45;").replace("@", "@&#8203;")


def xml_text(text: object) -> str:
    """Text XML 1.0 can hold: characters it forbids (NUL, most controls) are dropped,
    invisible ones shown as `<U+XXXX>` (ElementTree escapes the `<`)."""
    return visible(_XML_INVALID.sub("", str(text)))


def is_http_url(value: object) -> bool:
    """An http(s) URL that is safe to use as a Markdown link destination as it is."""
    return isinstance(value, str) and re.fullmatch(r"https?://[^\s<>()\[\]\"'`\\]+", value) is not None
