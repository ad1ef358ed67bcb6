from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st
from markdown_structure import split_fences

from checker.render import escape

MARKUP = set("&<>\\`*_[]!#~|$")
one_line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


def _unescape(text: str) -> str:
    return html.unescape(text).replace("\u200b", "")


@given(one_line)
def test_inline_output_has_no_markup_and_reads_as_the_input(text):
    out = escape.inline(text)
    assert not MARKUP & set(re.sub(r"&(?:amp|lt|gt|#\d+);", "", out))
    assert re.search(r"@(?!&#8203;)", out) is None
    assert "\n" not in out
    assert _unescape(out) == escape.visible(text).strip()  # invisible characters shown, see below


def test_inline_neutralises_html_and_mentions():
    out = escape.inline("</details><img src=x onerror=alert(1)> @someone and @org/team")
    assert "<" not in out and ">" not in out
    assert "@someone" not in out and "@org/team" not in out
    assert "@&#8203;someone" in out


def test_inline_folds_newlines_and_truncates():
    assert escape.inline("a\n\n  b\r\nc") == "a ⏎ b ⏎ c"
    assert escape.inline("abcdefghij", max_chars=5) == "abcd…"


def test_cell_escapes_pipes_and_is_never_empty():
    assert escape.cell("a | b") == "a &#124; b"
    assert "|" not in escape.cell("|" * 10 + "\n|")
    assert escape.cell("") == " "


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_code_block_cannot_be_closed_by_its_content(content):
    block = escape.code_block(content, "json")
    outside, blocks = split_fences(block)
    assert outside == ""
    assert len(blocks) == 1


def test_code_block_fence_is_longer_than_any_backtick_run():
    block = escape.code_block("a ```` b\n`````\nc", "json")
    assert block.startswith("``````json\n")
    assert block.endswith("\n``````")
    assert block.split("\n")[1:-1] == ["a ```` b", "`````", "c"]


def test_code_block_keeps_content_literal():
    content = '{"value": "</details><img src=x> @someone | * _"}'
    assert escape.code_block(content) == f"```\n{content}\n```"


def test_block_keeps_lines_and_neutralises_line_starts():
    out = escape.block("- item\n+ item\n> quote\n1. one\n2) two\n# h\n===\n    code\n\n\n\nlast")
    lines = out.split("\n")
    assert lines == [
        "&#45; item\\", "&#43; item\\", "&#62; quote\\", "1&#46; one\\", "2&#41; two\\", "&#35; h\\",
        "&#61;==\\", "&nbsp;&nbsp;&nbsp;&nbsp;code", "", "last",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Z"), whitelist_characters=" \t\n"),
               max_size=200))
def test_block_lines_read_as_the_input_lines(text):
    out = escape.block(text)
    for line in out.split("\n"):
        assert not line.startswith((" ", "\t", "-", "+", ">", "=", "#", "`", "~", "*", "_", "|"))
        assert not re.match(r"\d+[.)]", line)
        assert "<" not in line
    expected = [line.strip() for line in escape.visible(text).split("\n") if line.strip()]
    assert [_unescape(x.removesuffix("\\")).replace("\xa0", " ").strip()
            for x in out.split("\n") if x] == expected


def test_html_comment_cannot_end_the_comment():
    out = escape.html_comment("x --> <b> --!> \n y ---")
    assert "--" not in out and "<" not in out and ">" not in out and "\n" not in out


def test_xml_text_drops_forbidden_characters():
    assert escape.xml_text("a\x00b\x1bc\td\ne\ud800") == "abc\td\ne"


def test_is_http_url():
    assert escape.is_http_url("https://github.com/a/b/actions/runs/1?x=1&y=2")
    assert escape.is_http_url("http://127.0.0.1:8080/x")
    for bad in ("javascript:alert(1)", "https://x/a)b", "https://x/<b>", "ftp://x", "", None, 3):
        assert not escape.is_http_url(bad)


def test_inline_leaves_bare_urls_and_emails_unlinked():
    assert escape.inline("see https://evil.example/x") == "see https&#58;//evil.example/x"
    assert escape.inline("WWW.evil.example") == "WWW&#46;evil.example"
    assert escape.inline("mail a@b.example") == "mail a@&#8203;b.example"
    assert escape.inline("ratio 3:1, awww.b") == "ratio 3:1, awww.b"


BIDI_AND_INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                      "\u200b\u200c\u200d\u2060\ufeff")


def test_bidi_and_invisible_characters_are_shown_everywhere_untrusted_text_goes():
    text = "price\u202e01$ per\u200brow"
    shown = "price<U+202E>01$ per<U+200B>row"
    assert html.unescape(escape.inline(text)) == shown
    assert html.unescape(escape.block(text)) == shown
    assert escape.code_block(text) == f"```\n{shown}\n```"
    assert html.unescape(escape.html_comment(text)) == shown
    assert escape.xml_text(text) == shown
    assert escape.visible(BIDI_AND_INVISIBLE) == "".join(f"<U+{ord(c):04X}>" for c in BIDI_AND_INVISIBLE)


def test_visible_characters_are_left_as_they_are():
    text = "Zürich – 東京 ✓ émoji 👍 tab\there"
    assert escape.visible(text) == text


def test_every_format_character_is_shown():
    import sys
    import unicodedata

    missing = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
               if unicodedata.category(chr(cp)) == "Cf" and escape.visible(chr(cp)) == chr(cp)]
    assert missing == []
