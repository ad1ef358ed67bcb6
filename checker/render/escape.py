"""Make untrusted text inert in GitHub-flavoured Markdown, HTML and XML: the one place that
escapes. Checks put plain text into results; the renderers pass every such string through here.

Only what is markup where it stands is escaped, so the raw report.md stays readable (GFM's
rules, as cmark-gfm applies them):

- Markdown text (a paragraph, a heading, a table cell) gets backslash escapes: `` ` `` `*` `~`
  `|` `$` always; `_` unless inside a word (`base_ref` cannot be emphasis); `]` before `(` or
  `[` (a link or image needs it: `[0, 14]` stays as it is); `<` before what could start a tag
  or an autolink; `&` before what could be a character reference; `\\` before punctuation;
  `#` at either end (a heading's closing sequence). Bare URLs lose their autolink to a
  backslash before `:` (`https\\://…`) or in `www\\.`.
- HTML text (`<summary>`, where Markdown is not parsed and a backslash would show) gets
  `&lt;` and `&amp;` at the same places, and nothing else.
- Both break mentions (and e-mail autolinks) with a zero-width space after `@`, and issue
  references with one after `#` before a digit.
- A line of a multi-line block also has its line-start marker escaped (`- `, `> `, `1. `,
  `# `, `===`, `[x]: …`), and its indentation kept visible with `&nbsp;`.
"""

from __future__ import annotations

import functools
import re

from checker.results.inert import visible as visible  # re-exported: one place shows them

_ALWAYS = "`*~|$"
_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKDOWN = re.compile(
    rf"[{re.escape(_ALWAYS)}]"
    r"|_+"  # a run of `_`: escaped unless between two letters or digits (see _escaped)
    r"|\](?=[(\[])"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=[A-Za-z][A-Za-z0-9]*;|#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};)"
    rf"|\\(?=[{_PUNCTUATION}]|$)"
    r"|(?<=[A-Za-z]):(?=//)|(?<=(?<![A-Za-z0-9])[wW]{3})\.")
_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=[A-Za-z][A-Za-z0-9]*;|#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};)")
_HTML_REFERENCE = {"<": "&lt;", "&": "&amp;"}
# A zero-width space after @ keeps GitHub from turning @name, @org/team or a@b.c into a link,
# and after # from turning #12 into a reference to issue 12 (which would also notify it).
_MENTION = re.compile(r"@(?=[A-Za-z0-9])|#(?=[0-9])")
_ZERO_WIDTH = "&#8203;"
# Characters that start a block only at the beginning of a line.
_LINE_START = re.compile(r"^([-+=>\[]|\d+[.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_INVALID_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"  # compiled for non-ASCII text
_NEWLINES = re.compile(r"\s*(?:\r\n|\r|\n)\s*")
_BACKTICK_RUN = re.compile(r"`+")


def _plain(text: object) -> str:
    """Untrusted text with control characters dropped and invisible ones made visible."""
    return visible(_CONTROL.sub("", str(text)))


def _one_line(text: object, max_chars: int | None) -> str:
    plain = _NEWLINES.sub(" ⏎ ", _plain(text).strip())
    if max_chars is not None and len(plain) > max_chars:
        plain = plain[: max_chars - 1].rstrip() + "…"
    return plain


def inline(text: object, *, max_chars: int | None = None) -> str:
    """One line of inert Markdown text for a paragraph, a heading or a table cell: newlines
    fold to ` ⏎ `, markup characters are backslash-escaped where they are markup."""
    if type(text) is str and len(text) <= _REMEMBERED_CHARS:
        return _remembered_inline(text, max_chars)
    return _escape(_one_line(text, max_chars))


# A report escapes the same short texts over and over (column names, values, metric keys:
# 167 distinct texts in 6,107 for 50 files), so each is escaped once.
_REMEMBERED_CHARS = 256


@functools.lru_cache(maxsize=4096)
def _remembered_inline(text: str, max_chars: int | None) -> str:
    return _escape(_one_line(text, max_chars))


def cell(text: object, *, max_chars: int = 300) -> str:
    """Inert text for a Markdown table cell (never empty, so the row keeps its cells)."""
    return inline(text, max_chars=max_chars) or " "


def html_text(text: object, *, max_chars: int | None = None) -> str:
    """One line of inert text inside raw HTML such as `<summary>` (Markdown is not parsed
    there): what could open a tag or a character reference, and mentions, are broken."""
    escaped = _HTML.sub(lambda m: _HTML_REFERENCE[m.group(0)], _one_line(text, max_chars))
    return _MENTION.sub(lambda m: m.group(0) + _ZERO_WIDTH, escaped)


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
    if match:  # `- x`, `+ x`, `> x`, `1. x`, `===`, `[x]: …`: the marker's last character escaped
        marker = match.group(1)
        escaped = marker[:-1] + "\\" + marker[-1] + _escape(body[len(marker):], line_start=False)
    else:
        escaped = _escape(body)
    return "&nbsp;" * indent + escaped


def _escape(text: str, *, line_start: bool = True) -> str:
    """Markup characters backslash-escaped where they are markup, mentions broken."""
    escaped = _MARKDOWN.sub(lambda m: _escaped(m, text), text)
    if line_start and escaped.startswith("#"):  # a heading
        escaped = "\\" + escaped
    if escaped.endswith("#") and not escaped.endswith("\\#"):  # a heading's closing sequence
        escaped = escaped[:-1] + "\\#"
    return _MENTION.sub(lambda m: m.group(0) + _ZERO_WIDTH, escaped)


def _escaped(match: re.Match[str], text: str) -> str:
    found = match.group(0)
    if found.startswith("_"):  # inside a word a run of `_` can neither open nor close emphasis
        start, end = match.span()
        inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
        return found if inside else "\\" + "\\".join(found)
    return "\\" + found


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
    invisible ones shown as `<U+XXXX>` (the JUnit writer escapes the `<`)."""
    plain = str(text)
    valid = _XML_INVALID_ASCII.sub("", plain) if plain.isascii() else _xml_invalid().sub("", plain)
    return visible(valid)


@functools.cache
def _xml_invalid() -> re.Pattern[str]:
    return re.compile(_XML_INVALID)


def is_http_url(value: object) -> bool:
    """An http(s) URL that is safe to use as a Markdown link destination as it is."""
    return isinstance(value, str) and re.fullmatch(r"https?://[^\s<>()\[\]\"'`\\]+", value) is not None
