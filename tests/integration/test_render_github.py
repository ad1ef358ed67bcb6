"""The Markdown report through cmark-gfm, the renderer GitHub itself uses (via `cmarkgfm`, in
its own cached virtual environment), with raw HTML let through: whatever our escaping missed
would show up as a tag in the HTML."""

from __future__ import annotations

import html as html_module
import json
import re
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_structure import html_problems, split_fences, table_problems
from samples import BACKTICKS, INJECTION, MARKUP, evidence_report, hostile_report, representative_report
from venvs import cached_venv

from checker.render import escape
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
    """Tags (with attributes), table rows as cell counts and as cell texts, and text outside <pre>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[int] = []
        self.cells: list[list[str]] = []
        self.text: list[str] = []
        self.pre: list[str] = []
        self._in_pre = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append(0)
            self.cells.append([])
        elif tag in ("td", "th"):
            self.rows[-1] += 1
            self.cells[-1].append("")
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
            if self.cells and self.cells[-1] and self._in_cell():
                self.cells[-1][-1] += data

    def _in_cell(self) -> bool:
        for name, _ in reversed(self.tags):
            if name in ("td", "th"):
                return True
            if name in ("/td", "/th", "/tr", "/table"):
                return False
        return False

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _hostile_with(value: str) -> Report:
    check = CheckResult(id="data.allowed", status=Status.FAIL, subject=f"wine: {value}",
                        summary=f"bad {value} value", details=f"{value}\n{value}\n\n{value}",
                        metrics={"violations": 1, value: value},
                        evidence={"examples": [{"row": 1, "value": value}], "raw": {"value": value}})
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


def _shown(value: str, max_chars: int = 120) -> str:
    """What a report cell or summary shows for `value`: one line, mentions broken."""
    return html_module.unescape(escape.html_text(value, max_chars=max_chars))


def test_the_representative_report_renders_as_intended(cmark_gfm):
    html = Html(_html(cmark_gfm, render_markdown(representative_report())))
    assert html.count("table") == 4 + 1 + 4 + 1  # families, latency, metrics of four sections, examples
    assert html.count("details") == 5 and html.count("h3") == 6
    assert set(html.rows[:6]) == {5}
    assert ["row", "line", "column", "value", "rule"] in html.cells
    assert ["17", "19", "pH", "15.2", "outside [0, 14]"] in html.cells
    assert html.pre[0].startswith("epoch 1\nepoch 2\n")  # the output tail, as text
    run = "https://github.com/acme/wine/actions/runs/42"
    assert [attrs["href"] for name, attrs in html.tags if name == "a"] == [run, run]  # failing rows, footer


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
    assert html.pre == []  # the examples are a table, every value whole in its cell
    assert html.count("em") == html.count("del") == 0 and html.count("strong") == 2  # the headline's
    markdown = render_markdown(report)
    assert table_problems(markdown) == [] and html_problems(_html(cmark_gfm, markdown)) == []
    assert [row[1] for row in html.cells[-3:]] == [_shown(INJECTION), _shown(BACKTICKS), _shown(MARKUP)]
    assert "[x](https://evil.example)" in text and "**b** _e_ ~~d~~ $x$ &lt;b&gt; __init__" in text


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_nasty_values_everywhere_stay_inert(cmark_gfm, value):
    html = Html(_html(cmark_gfm, render_markdown(_hostile_with(value))))
    _assert_inert(html, sections=2)
    assert set(html.rows) <= {5, 2}  # the check tables, the metrics and examples tables
    assert json.loads(html.pre[-1]) == {"raw": {"value": value}}
    assert html.cells[html.cells.index(["row", "value"]) + 1] == ["1", _shown(value)]


MARKUP_TEXT = st.text(alphabet=st.sampled_from(list("<>/&;#@`|*_~[]()!$:.-+=\\\"' \n\tabcwhtps0123456789")),
                      max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=MARKUP_TEXT)
def test_generated_markup_stays_inert(cmark_gfm, value):
    html = Html(_html(cmark_gfm, render_markdown(_hostile_with(value))))
    _assert_inert(html, sections=2)
    assert json.loads(html.pre[-1]) == {"raw": {"value": value}}
    assert html.cells[html.cells.index(["row", "value"]) + 1] == ["1", _shown(value)]


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


# -- the report's structure, in its Markdown and in what GitHub renders from it ------------

GOLDEN = sorted((Path(__file__).parents[1] / "golden").glob("*.md"))


def _markdown_tables(markdown: str) -> int:
    return len(re.findall(r"(?m)^\|(?:\s*:?-+:?\s*\|)+$", split_fences(markdown)[0]))


@pytest.mark.parametrize("golden", GOLDEN, ids=[p.name for p in GOLDEN])
def test_every_golden_report_renders_with_its_structure(cmark_gfm, golden):
    markdown = golden.read_text(encoding="utf-8")
    rendered = _html(cmark_gfm, markdown)
    assert table_problems(markdown) == []
    assert html_problems(rendered) == []
    html = Html(rendered)
    assert html.count("table") == _markdown_tables(markdown)  # none eaten by the text around it
    assert html.count("details") == html.count("/details") == markdown.count("\n<details>")


def test_the_evidence_report_reads_as_tables(cmark_gfm):
    markdown = render_markdown(evidence_report())
    html = Html(_html(cmark_gfm, markdown))
    headers = [row for row in html.cells if row and row[0] in ("row", "probe", "column")]
    assert headers == [["row", "line", "column", "value", "rule"],
                       ["column", "change", "base", "head", "kind"],
                       ["probe", "sent", "status", "verdict", "response excerpt"]]
    assert ["3", "5", "plan", "Pro", "not in [basic, pro]"] in html.cells
    hostile = next(row for row in html.cells if row[:2] == ["7", "9"])
    assert hostile[3] == "a | b ⏎ `c` <b>x</b> @\u200bteam_x [l](https://e)"
    assert ["plan", "column removed", "string", "–", "breaking"] in html.cells
    probe = next(row for row in html.cells if row[0] == "wrong type")
    assert probe[2:4] == ["200", "fail: answered 200"] and len(probe[4].replace("\u200b", "")) <= 80
    assert {name.lstrip("/") for name, _ in html.tags} <= OUR_TAGS
    assert html.count("b") == 0 and html.count("script") == 0
    run = "https://github.com/acme/shop/actions/runs/7"
    assert [attrs["href"] for name, attrs in html.tags if name == "a"] == [run, run]
    where = "failing rows: 2 of 2 in failing-rows/shop__data_part-03.csv.csv; see the mlsmoke-results"
    assert f"{where} artifact of this run" in "".join(html.text)
    summaries = re.findall(r"<summary>(.*?)</summary>", _html(cmark_gfm, markdown))
    assert summaries[0] == "10 passed"  # the folded passes of the data family


def test_the_structure_checker_catches_an_unclosed_details(cmark_gfm):
    """The failing twin: a <details> left open swallows the rest of the comment."""
    broken = "### Data\n\n<details><summary>10 passed</summary>\n\n| a |\n|---|\n| 1 |\n\n### Drift\n"
    assert html_problems(_html(cmark_gfm, broken)) == ["1 <details> never closed"]
    stray = "text\n\n</details>\n"
    assert html_problems(_html(cmark_gfm, stray)) == ["a </details> with no <details> open"]


def test_the_structure_checker_catches_misaligned_tables(cmark_gfm):
    """The failing twin: an unescaped pipe adds a cell (GitHub drops it), a lost one removes
    one, and a table that runs into the next line takes that line as a row."""
    extra = "| row | value |\n|---|---|\n| 1 | a | b |\n"
    assert table_problems(extra) == ["table row '| 1 | a | b |': 3 cells, its header has 2"]
    assert Html(_html(cmark_gfm, extra)).cells[-1] == ["1", "a"]  # what GitHub would show: b is gone
    assert table_problems("| a | b |\n|---|---|\n| 1 |\n") == ["table row '| 1 |': 1 cells, its header has 2"]
    assert table_problems("| a |\n|---|\n| 1 |\ntext\n") == ["no blank line after the table, before 'text'"]
    assert table_problems("| a \\| b |\n|---|\n| 1 \\| 2 |\n") == []
