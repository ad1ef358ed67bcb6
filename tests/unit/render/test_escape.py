from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_structure import split_fences

from checker.render import escape

one_line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)
markup_line = st.text(alphabet=st.sampled_from(list("<>/&;#@`|*_~[]()!$:.-+=\\\"' abwh0123")), max_size=60)
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
_SHOWN = re.compile(r"\\([!-/:-@\[-`{-~])|&#8203;|&nbsp;")


def _unescape(text: str) -> str:
    """What Markdown shows for escaped text: backslash escapes and our references resolved."""
    return _SHOWN.sub(lambda m: m.group(1) or (" " if m.group(0) == "&nbsp;" else ""), text)


def _live_markup(out: str) -> list[str]:
    """The markup characters of escaped inline text that are not escaped where they stand."""
    bare = _ESCAPED.sub("\x00", out)
    found = re.findall(r"@(?!&#8203;)(?=[A-Za-z0-9])|(?<!&)#(?!&#8203;)(?=[0-9])", bare)
    bare = re.sub("(?<=[@#\x00])&#8203;", " ", bare)  # ours, after a mention or reference
    found += [c for c in "`*~|$" if c in bare]
    found += re.findall(r"<[A-Za-z/!?]|\]\(|\]\[|&[A-Za-z#]\w*;|[A-Za-z]://|(?<![A-Za-z0-9])www\.", bare)
    found += [m.group(0) for m in re.finditer(r"_+", bare)
              if not (m.start() > 0 and m.end() < len(bare) and bare[m.start() - 1].isalnum()
                      and bare[m.end()].isalnum())]
    return found


@given(one_line)
def test_inline_output_has_no_live_markup_and_reads_as_the_input(text):
    out = escape.inline(text)
    assert _live_markup(out) == []
    assert "\n" not in out
    assert _unescape(out) == escape.visible(text).strip()  # invisible characters shown, see below


@given(markup_line)
def test_markup_heavy_inline_text_has_no_live_markup(text):
    out = escape.inline(text)
    assert _live_markup(out) == []
    assert _unescape(out) == text.strip()


def test_only_what_is_markup_where_it_stands_is_escaped():
    """The raw report stays readable: no references for characters that are plain text there."""
    assert escape.inline("base_ref, snake_case_name, wine__data_wine.csv") == (
        "base_ref, snake_case_name, wine__data_wine.csv")
    assert escape.inline("pH must be within [0, 14]; 3 < 5 > 2; ratio 3:1; a & b") == (
        "pH must be within [0, 14]; 3 < 5 > 2; ratio 3:1; a & b")
    assert escape.inline("see https://example.com/x and www.example.com") == (
        "see https\\://example.com/x and www\\.example.com")
    assert escape.inline("[x](javascript:alert(1)) ![i](y) [r][ref]") == (
        "[x\\](javascript:alert(1)) ![i\\](y) [r\\][ref]")
    assert escape.inline("_em_ __init__ *b* `c` ~d~ $x$ a|b") == (
        "\\_em\\_ \\_\\_init\\_\\_ \\*b\\* \\`c\\` \\~d\\~ \\$x\\$ a\\|b")
    assert escape.inline("<b> &lt; &#60; \\* \\a") == "\\<b> \\&lt; \\&#&#8203;60; \\\\\\* \\a"
    assert escape.inline("# title #") == "\\# title \\#"
    assert escape.inline("fixes #12, not # 3") == "fixes #&#8203;12, not # 3"  # no issue reference


def test_inline_neutralises_html_and_mentions():
    out = escape.inline("</details><img src=x onerror=alert(1)> @someone and @org/team")
    assert re.search(r"(?<!\\)<", out) is None
    assert "@someone" not in out and "@org/team" not in out
    assert "@&#8203;someone" in out


def test_html_text_escapes_for_raw_html_only():
    out = escape.html_text("</summary><img src=x> @someone a_b [0, 14] *x* &lt; 3 < 5 https://x")
    assert out == "&lt;/summary>&lt;img src=x> @&#8203;someone a_b [0, 14] *x* &amp;lt; 3 < 5 https://x"
    assert escape.html_text("a\nb", max_chars=3) == "a ⏎…" or len(escape.html_text("a\nb", max_chars=3)) <= 3


def test_inline_folds_newlines_and_truncates():
    assert escape.inline("a\n\n  b\r\nc") == "a ⏎ b ⏎ c"
    assert escape.inline("abcdefghij", max_chars=5) == "abcd…"


def test_cell_escapes_pipes_and_is_never_empty():
    assert escape.cell("a | b") == "a \\| b"
    assert re.search(r"(?<!\\)\|", escape.cell("|" * 10 + "\n|")) is None
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
    out = escape.block("- item\n+ item\n> quote\n1. one\n2) two\n# h\n===\n    code\n[x]: https://e\n\n\n\nlast")
    lines = out.split("\n")
    assert lines == [
        "\\- item\\", "\\+ item\\", "\\> quote\\", "1\\. one\\", "2\\) two\\", "\\# h\\",
        "\\===\\", "&nbsp;&nbsp;&nbsp;&nbsp;code\\", "\\[x]: https\\://e", "", "last",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Z"), whitelist_characters=" \t\n"),
               max_size=200))
def test_block_lines_read_as_the_input_lines(text):
    out = escape.block(text)
    for line in out.split("\n"):
        assert not line.startswith((" ", "\t", "-", "+", ">", "=", "#", "`", "~", "*", "_", "|", "["))
        assert not re.match(r"\d+[.)]", line)
        assert re.search(r"(?<!\\)<[A-Za-z/!?]", line) is None
    expected = [line.strip() for line in escape.visible(text).split("\n") if line.strip()]
    assert [_unescape(x.removesuffix("\\")).strip() for x in out.split("\n") if x] == expected


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
    assert escape.inline("see https://evil.example/x") == "see https\\://evil.example/x"
    assert escape.inline("WWW.evil.example") == "WWW\\.evil.example"
    assert escape.inline("mail a@b.example") == "mail a@&#8203;b.example"
    assert escape.inline("ratio 3:1, awww.b") == "ratio 3:1, awww.b"


BIDI_AND_INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                      "\u200b\u200c\u200d\u2060\ufeff")


def test_bidi_and_invisible_characters_are_shown_everywhere_untrusted_text_goes():
    text = "price\u202e01$ per\u200brow"
    shown = "price<U+202E>01$ per<U+200B>row"
    assert _unescape(escape.inline(text)) == shown
    assert _unescape(escape.block(text)) == shown
    assert html.unescape(escape.html_text(text)) == shown
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


def test_a_short_text_escaped_again_reads_the_same_and_longer_or_other_values_are_escaped_whole() -> None:
    from checker.render import escape

    texts = ["a_b *x* @you", "#12 | [0](x)", "é\u202e", "1e+20"]
    first = [escape.inline(t, max_chars=8) for t in texts]
    assert [escape.inline(t, max_chars=8) for t in texts] == first
    assert first == [escape._escape(escape._one_line(t, 8)) for t in texts]
    long = "*" * (escape._REMEMBERED_CHARS + 1)
    assert escape.inline(long) == "\\*" * len(long)
    assert escape.inline(12.5) == "12.5" and escape.inline(None) == "None"


_CHARS = [chr(c) for c in range(0x80)] + ["é", "\x85", "\xad", "\u202e", "\u200b", "\u2066", "\ud800",
                                          "\udfff", "\ufeff", "\ufffe", "\uffff", "\U000e0001", "😀"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CHARS), max_size=16).map("".join))
def test_xml_text_and_visible_read_as_their_whole_classes_whatever_the_text(text):
    """ASCII text skips the classes' non-ASCII parts: the same as running them whole."""
    from checker.results import inert

    def shown(found: str) -> str:
        return re.compile(inert._INVISIBLE).sub(lambda m: f"<U+{ord(m.group(0)):04X}>", found)

    assert escape.visible(text) == shown(text)
    assert escape.xml_text(text) == shown(re.compile(escape._XML_INVALID).sub("", text))


def test_ascii_text_compiles_neither_non_ascii_class():
    from checker.results import inert

    inert._invisible.cache_clear()
    escape._xml_invalid.cache_clear()
    assert escape.xml_text("a\x00b <c>") == "ab <c>" and escape.visible("plain") == "plain"
    assert inert._invisible.cache_info().currsize == escape._xml_invalid.cache_info().currsize == 0
    assert escape.xml_text("a\ud800\u202e") == "a<U+202E>"  # the twin: both compiled
    assert inert._invisible.cache_info().currsize == escape._xml_invalid.cache_info().currsize == 1
