"""The Markdown report through cmark-gfm, the renderer GitHub itself uses (via `cmarkgfm`, in
its own cached virtual environment), with raw HTML let through: whatever our escaping missed
would show up as a tag in the HTML."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import INJECTION, hostile_report, representative_report
from venvs import cached_venv

from checker.render.markdown import render_markdown, shorten_markdown
from checker.results.model import CheckResult, Report, Status

pytestmark = pytest.mark.slow

RENDER = (
    "import sys, cmarkgfm\n"
    "from cmarkgfm.cmark import Options\n"
    "sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read(),"
    " options=Options.CMARK_OPT_UNSAFE))\n"
)
# Every tag the report itself writes (GitHub's own sanitiser allows all of them).
OUR_TAGS = {"h2", "h3", "p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "details",
            "summary", "code", "pre", "sub", "a", "blockquote", "br"}
NASTY = [
    INJECTION, "<script>alert(1)</script>", "<!-- x", "-->", "`", "```", "~~~", "| | |", "\\|",
    "&lt;img src=x&gt;", "&#60;img src=x&#62;", "[x](javascript:alert(1))", "![x](https://e/x.png)",
    "<https://evil.example>", "**bold** _em_ ~~del~~", "# heading", "\n---\n", "\n\n</details>\n\n",
    "$x^2$", "@org/team", "<details open>", "\r\n\r\n<img src=x>\r\n", "- [ ] task", "> quote",
    "    indented", "1. item", "<summary>x</summary>", "\\", "&amp;", "\x00\x1b[31m", "<", "a\u2028b",
]


@pytest.fixture(scope="module")
def cmark_gfm() -> Path:
    try:
        venv = cached_venv("venv-cmarkgfm", ("cmarkgfm>=2024.1",), key="cmarkgfm", timeout=600)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot install cmarkgfm: {exc}")
    return venv / "bin" / "python"


def _html(python: Path, markdown: str) -> str:
    done = subprocess.run([str(python), "-c", RENDER], input=markdown, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout


class Html(HTMLParser):
    """Tags (with attributes), table rows as cell counts, and text outside <pre>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[int] = []
        self.text: list[str] = []
        self.pre: list[str] = []
        self._in_pre = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1
        elif tag == "pre":
            self._in_pre = True
            self.pre.append("")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((f"/{tag}", {}))
        if tag == "pre":
            self._in_pre = False

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.pre[-1] += data
        else:
            self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _hostile_with(value: str) -> Report:
    check = CheckResult(id="data.allowed", status=Status.FAIL, subject=f"wine: {value}",
                        summary=f"bad {value} value", details=f"{value}\n{value}\n\n{value}",
                        metrics={"violations": 1, value: value}, evidence={"value": value})
    warn = CheckResult(id="endpoint.latency", status=Status.WARN, subject=value, summary=value,
                       metrics={"p50_ms": 1.0, "requests": value})
    return Report(status=Status.FAIL, checks=[check, warn], started_at="", duration_s=1.0,
                  title=f"Smoke {value}", mlsmoke_version=value,
                  environment={"commit": value, "run_url": "https://github.com/a/b/actions/runs/1"})


def _assert_inert(html: Html, sections: int) -> None:
    assert {name.lstrip("/") for name, _ in html.tags} <= OUR_TAGS
    assert html.count("details") == html.count("/details") == sections
    assert html.count("summary") == sections
    assert html.count("em") == 0 and html.count("strong") == 3  # the counts in the headline
    links = [attrs.get("href") for name, attrs in html.tags if name == "a"]
    assert links == ["https://github.com/a/b/actions/runs/1"]
    assert not any(attrs for name, attrs in html.tags if name not in ("a", "code", "th", "td", "pre"))
    text = "".join(html.text)
    assert "@org" not in text and "@someone" not in text


def test_the_representative_report_renders_as_intended(cmark_gfm):
    html = Html(_html(cmark_gfm, render_markdown(representative_report())))
    assert html.count("table") == 4 + 1 + 4  # families, latency, metrics of four sections
    assert html.count("details") == 5 and html.count("h3") == 6
    assert set(html.rows[:6]) == {5}
    assert json.loads(html.pre[1])["examples"][0]["value"] == 15.2
    assert [attrs["href"] for name, attrs in html.tags if name == "a"] == [
        "https://github.com/acme/wine/actions/runs/42"]


def test_the_injection_report_stays_inert(cmark_gfm):
    report = hostile_report()
    html = Html(_html(cmark_gfm, render_markdown(report)))
    assert {name.lstrip("/") for name, _ in html.tags} <= OUR_TAGS
    assert html.count("details") == html.count("/details") == 1
    assert html.count("img") == 0 and html.count("a") == 0
    assert set(html.rows[:3]) == {5}  # the header and two checks
    text = "".join(html.text)
    assert "</details><img src=x onerror=alert(1)> @\u200bsomeone" in text
    assert "@someone" not in text
    assert json.loads(html.pre[0]) == report.checks[0].evidence


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_nasty_values_everywhere_stay_inert(cmark_gfm, value):
    html = Html(_html(cmark_gfm, render_markdown(_hostile_with(value))))
    _assert_inert(html, sections=2)
    assert set(html.rows) <= {5, 2}  # the check tables, the metrics tables
    assert json.loads(html.pre[0]) == {"value": value}


MARKUP_TEXT = st.text(alphabet=st.sampled_from(list("<>/&;#@`|*_~[]()!$:.-+=\\\"' \n\tabcwhtps0123456789")),
                      max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=MARKUP_TEXT)
def test_generated_markup_stays_inert(cmark_gfm, value):
    html = Html(_html(cmark_gfm, render_markdown(_hostile_with(value))))
    _assert_inert(html, sections=2)
    assert json.loads(html.pre[0]) == {"value": value}


def test_shortened_report_is_still_well_formed(cmark_gfm):
    checks = [replace(c, id="data.allowed", summary=f"{i} {c.summary}")
              for i, c in enumerate(_hostile_with(INJECTION).checks * 200)]
    report = replace(_hostile_with(INJECTION), checks=checks)
    markdown = shorten_markdown(report, 20_000)
    assert len(markdown) <= 20_000
    html = Html(_html(cmark_gfm, markdown))
    assert {name.lstrip("/") for name, _ in html.tags} <= OUR_TAGS
    assert html.count("details") == html.count("/details")
    assert html.count("img") == 0
