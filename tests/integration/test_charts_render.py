"""Charts as GitHub shows them: every ```mermaid block of the golden reports rendered by the real
Mermaid (../shared/tools/mermaid.sh, one browser for all of them), hostile labels drawn as plain
text, an unescaped twin that Mermaid rejects, and the report's structure through cmark-gfm."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from chart_samples import hostile_chart_report
from helpers import REPO
from markdown_structure import split_fences
from mermaid_tool import Rendered, render_mermaid
from test_render_github import Html, _html, cmark_gfm  # noqa: F401  (cmark_gfm is a fixture)

from checker.render.charts import drift, latency, mermaid, pipeline
from checker.render.markdown import render_markdown
from tests.unit.render.test_charts import decoded

pytestmark = pytest.mark.slow

GOLDEN = REPO / "tests" / "golden"
HOSTILE = GOLDEN / "report-charts-hostile.md"
Run = tuple[Rendered, Path, Path]  # the result, the SVG folder, the twin
SVG_TAGS = {"svg", "g", "text", "tspan", "path", "rect", "line", "style", "title", "desc", "defs"}


def unescaped(text: object, max_chars: int = 0) -> str:
    return str(text)[: max_chars or None]  # cut, as the real one, but not escaped


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The golden reports and the unescaped twin, rendered in one call (the browser is slow)."""
    folder = tmp_path_factory.mktemp("mermaid")
    twin = folder / "unescaped-twin.md"
    with pytest.MonkeyPatch.context() as patch:
        for module in (mermaid, latency, drift, pipeline):
            for name in ("label", "clip"):
                if hasattr(module, name):
                    patch.setattr(module, name, unescaped)
        twin.write_text(render_markdown(hostile_chart_report()), encoding="utf-8")
    builders = folder / "builders.md"
    builders.write_text(builder_charts(), encoding="utf-8")
    files = (*sorted(GOLDEN.glob("*.md")), REPO / "README.md", builders, twin)
    return render_mermaid(*files, svg_dir=folder / "svg"), folder / "svg", twin


def builder_charts() -> str:
    """The charts no golden report holds yet (the base comparison is not wired), with extreme
    numbers: big, tiny, negative."""
    charts = [
        latency.latency_vs_base('svc "x" --> %%{init}', (0.00004, 0.00005), (1.5e9, 2e9), budget=1e9),
        latency.latency_vs_base("svc", (None, 40.0), (250.0, None)),
        pipeline.metrics_vs_base({"accuracy": (0.91, 0.87), "log_loss": (-0.3, -0.25), "rows": (1e7, 3e7),
                                  'name "]': (0.0, 1e-9)}),
        latency.latency_histogram("tiny", [0.001, 0.002, 0.003], [100_000, 5],
                                  latency.Marks(0.0012, 0.0025, 0.002)),
        drift.psi_chart({f"f{i}": i / 7 for i in range(40)}, 0.2),
    ]
    return "\n\n".join(c.block for c in charts if c is not None) + "\n"


def blocks(path: Path) -> list[str]:
    return [b for b in split_fences(path.read_text(encoding="utf-8"))[1] if b.startswith("xychart-beta")]


def test_every_mermaid_block_of_the_golden_reports_and_the_readme_renders(rendered: Run) -> None:
    result, _, twin = rendered
    assert [f for f in result.failures() if f[0] != str(twin)] == [], result.output
    assert sum(len(blocks(p)) for p in GOLDEN.glob("*.md")) >= 8


def test_the_base_comparison_charts_render_too(rendered: Run) -> None:
    result, svg_dir, _ = rendered
    assert [f for f in result.failures() if f[0].endswith("builders.md")] == [], result.output
    assert len(list(svg_dir.glob("*builders-*.svg"))) == 5


def test_an_unescaped_label_makes_mermaid_fail_naming_the_block(rendered: Run) -> None:
    result, _, twin = rendered
    assert result.returncode == 1
    failed = [block for file, block in result.failures() if file == str(twin)]
    assert failed == list(range(1, len(blocks(twin)) + 1)), result.output  # every chart of it


def test_hostile_labels_are_drawn_as_the_plain_text_they_are(rendered: Run) -> None:
    _, svg_dir, _ = rendered
    sources = blocks(HOSTILE)
    assert len(sources) == 4
    for n, source in enumerate(sources, start=1):
        [svg_file] = svg_dir.glob(f"*report-charts-hostile-{n}.svg")
        svg = svg_file.read_text(encoding="utf-8")
        assert set(re.findall(r"<([a-zA-Z][\w:-]*)", svg)) <= SVG_TAGS, svg_file.name
        texts = {html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
        labels = {decoded(made) for made in re.findall(r'"([^"]*)"', source)}
        assert labels and labels <= texts, labels - texts  # each label as the text it was


def test_the_charts_are_mermaid_code_blocks_on_github(cmark_gfm: Path) -> None:  # noqa: F811
    for path in (GOLDEN / "report-charts.md", HOSTILE):
        markdown = path.read_text(encoding="utf-8")
        page = _html(cmark_gfm, markdown)
        found = re.findall(r'<pre lang="mermaid"><code>(.*?)</code></pre>', page, re.S)
        codes = [html.unescape(c) for c in found]
        assert [c.rstrip("\n") for c in codes] == blocks(path)  # the whole chart, and only it
        parsed = Html(page)
        assert parsed.count("details") == parsed.count("/details") == markdown.count("<details>")
        assert parsed.count("pre") == len(codes) + markdown.count("```json")
        tables = re.findall(r"<table>.*?</table>", page, re.S)
        assert len(tables) == len(re.findall(r"^\|---", markdown, re.M))
        for table in tables:  # every row has the header's number of cells
            counts = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
            assert len(counts) == 1, table
