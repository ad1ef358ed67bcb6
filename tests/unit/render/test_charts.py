"""Chart builders: Mermaid source from plain values, inert labels, table fallbacks, and the
charts a report gets from its checks' evidence."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import pytest
from chart_samples import HOSTILE_LABELS, charted_report, hostile_chart_report, latency_check, psi_check
from helpers import REPO
from hypothesis import given
from hypothesis import strategies as st
from markdown_structure import split_fences
from snapshots import assert_golden

from checker.github.publish import COMMENT_LIMIT, SUMMARY_LIMIT
from checker.render.charts import charts_by_family, family_charts
from checker.render.charts.drift import distribution_chart, drift_charts, psi_chart
from checker.render.charts.latency import (
    Marks,
    base_latency_charts,
    latency_charts,
    latency_histogram,
    latency_vs_base,
)
from checker.render.charts.mermaid import (
    MAX_BARS,
    MAX_LABEL,
    Series,
    XYChart,
    clip,
    label,
    number,
    source,
    unique,
)
from checker.render.charts.pipeline import base_metrics_charts, metrics_vs_base
from checker.render.charts.view import MAX_ROWS
from checker.render.markdown import render_markdown, shorten_markdown
from checker.results.chart_data import DISTRIBUTIONS, LATENCY_HISTOGRAM
from checker.results.model import CheckResult, Report, Status
from checker.run.outputs import rendered
from tests.unit.render.test_compare_view import compared_report

# What may never appear inside a Mermaid string: it could end the string, the chart, the fence
# or the sticky comment's marker, or start a directive, a comment or a tag. (`#` only starts
# the entity codes the escaping writes.)
FORBIDDEN = ('"', "`", "[", "]", "{", "}", "<", ">", "%", "&", "$", "\\", "\n", "\r")


def decoded(made: str) -> str:
    """A label as Mermaid draws it: its entity codes turned back into characters."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), made)


def assert_inert(made: str) -> None:
    assert not any(char in made for char in FORBIDDEN), made
    assert re.sub(r"#\d+;", "", made).count("#") == 0, made  # every # starts an entity code
    assert "-->" not in made and "%%" not in made and "<!--" not in made


@pytest.mark.parametrize("text", [*HOSTILE_LABELS, "\u202eevil", "a\u2028b", "x\x00\x1by", "é 日本 😀"])
def test_a_label_holds_nothing_mermaid_markdown_or_html_reads(text: str) -> None:
    made = label(text)
    assert_inert(made)
    assert decoded(made) == clip(text) and 0 < len(clip(text)) <= MAX_LABEL  # drawn as it was


def test_a_label_keeps_ordinary_text_and_marks_what_it_changed() -> None:
    assert label("color_intensity") == "color_intensity"
    assert label("é 日本 (x), a: b") == "é 日本 (x), a: b"
    assert label('say "hi"') == "say #34;hi#34;"
    assert label("a --> b") == "a --#62; b"
    assert label("%%{init}") == "#37;#37;#123;init#125;"
    assert label("#quot;") == "#35;quot#59;"  # a user's own entity code stays text
    assert label("line1\nline2") == "line1 ⏎ line2"
    assert label("\u202e") == "#60;U+202E#62;"  # invisible characters are shown
    assert label("") == "(empty)"
    assert label("x" * 100) == "x" * (MAX_LABEL - 1) + "…"


def test_equal_labels_are_made_distinct() -> None:
    assert unique(["a", "b", "a", "a"]) == ["a", "b", "a (2)", "a (3)"]
    assert unique(["a", "a (2)", "a", "a"]) == ["a", "a (2)", "a (3)", "a (4)"]


def test_source_is_one_chart_whatever_the_labels() -> None:
    chart = XYChart(title='t "x"\n%%{init: {}}%%', x_title="x", categories=HOSTILE_LABELS, y_title="y",
                    series=(Series("bar", tuple(range(len(HOSTILE_LABELS)))),))
    lines = source(chart).split("\n")
    assert lines[0] == "xychart-beta" and len(lines) == 5
    assert all(line.count('"') % 2 == 0 for line in lines)
    assert re.fullmatch(r'  x-axis "x" \[("[^"\n]*", )*"[^"\n]*"\]', lines[2])
    assert lines[3] == '  y-axis "y" 0 --> 11'
    assert lines[4] == f"  bar [{', '.join(str(i) for i in range(len(HOSTILE_LABELS)))}]"


def test_source_caps_the_bars_and_plots_only_finite_numbers() -> None:
    chart = XYChart(title="t", x_title="x", categories=tuple(str(i) for i in range(100)), y_title="y",
                    series=(Series("bar", (math.nan, math.inf, -2.0, *range(97))),))
    x_axis, y_axis, bars = source(chart).split("\n")[2:]
    assert x_axis.count('"') == 2 + 2 * MAX_BARS
    assert bars.startswith("  bar [0, 0, 0, 0, 1") and bars.count(",") == MAX_BARS - 1
    assert y_axis.endswith(" 0 --> 22")  # bars rise from the axis' bottom: it is 0


def test_latency_histogram_marks_the_percentiles_and_colours_the_buckets_over_budget() -> None:
    view = latency_histogram("svc", [0, 100, 200, 300, 400, 900], [5, 40, 30, 20, 5],
                             Marks(p50=180.0, p95=390.0, budget=300.0))
    body = view.block.split("\n")
    assert body[0] == "```mermaid" and body[-1] == "```"
    assert body[2] == '  title "svc: p50 180, p95 390, budget 300 ms"'
    assert body[3] == '  x-axis "latency (ms, bucket start)" ["0", "100 p50", "200", "300 p95", "400+"]'
    assert body[5:7] == ["  bar [5, 40, 30, 0, 0]", "  bar [0, 0, 0, 20, 5]"]
    assert view.header == ("latency (ms)", "requests", "note")
    assert view.rows[1] == ("100–200", "40", "p50")
    assert view.rows[3] == ("300–400", "20", "p95 over budget")
    assert view.align == ("---", "---:", "---")


def test_latency_histogram_without_a_budget_has_one_series() -> None:
    view = latency_histogram("svc", [0.5, 1.0, 1.5], [3, 1], Marks(p50=0.8))
    assert view.block.count("\n  bar [") == 1 and '"svc: p50 0.8 ms"' in view.block
    assert [row[2] for row in view.rows] == ["p50", " "]


def test_a_latency_check_gets_its_histogram_chart_from_its_evidence() -> None:
    check = latency_check("http://127.0.0.1:8080")
    [view] = latency_charts(check)
    assert "budget 300 ms" in view.block
    assert sum(int(row[1]) for row in view.rows) == check.metrics["requests"]


@pytest.mark.parametrize("histogram", [
    None, [], "x", {"edges_ms": [0, 1], "counts": [1, 2]}, {"edges_ms": [0, 1, 2], "counts": [1, -2]},
    {"edges_ms": [0, 2, 1], "counts": [1, 2]}, {"edges_ms": [0, "1", 2], "counts": [1, 2]},
    {"edges_ms": [0, math.inf, 2], "counts": [1, 2]}, {"edges_ms": [0, 1, 2], "counts": [True, 2]},
    {"edges_ms": list(range(MAX_BARS + 2)), "counts": [1] * (MAX_BARS + 1)},
])
def test_a_malformed_histogram_in_a_results_file_draws_no_chart(histogram: object) -> None:
    check = latency_check("svc")
    assert latency_charts(replace(check, evidence={**check.evidence, LATENCY_HISTOGRAM: histogram})) == []


def test_latency_against_base_is_a_bar_pair_per_percentile() -> None:
    view = latency_vs_base("svc", (40.0, 44.0), (250.0, 320.0), budget=300.0)
    assert '["p50 base", "p50 head", "p95 base", "p95 head"]' in view.block
    assert "  bar [40, 0, 250, 0]\n  bar [0, 44, 0, 320]\n  line [300, 300, 300, 300]" in view.block
    assert view.rows == (("p50", "40 ms", "44 ms", "+10%"), ("p95", "250 ms", "320 ms", "+28%"))
    assert latency_vs_base("svc", (None, 4.0), (None, 9.0)).rows[0] == ("p50", "–", "4 ms", "–")


def test_latency_against_base_draws_no_zero_bar_for_a_side_that_did_not_report() -> None:
    view = latency_vs_base("svc", (None, 44.0), (250.0, 320.0))
    assert '["p95 base", "p95 head"]' in view.block and "  bar [250, 0]\n  bar [0, 320]" in view.block
    assert view.rows[0] == ("p50", "–", "44 ms", "–")  # the table keeps it


def test_psi_chart_ranks_the_features_and_draws_the_threshold() -> None:
    scores = {f"f{i}": i / 100 for i in range(30)}
    view = psi_chart(scores, 0.2)
    assert f"highest {MAX_BARS} of 30" in view.block
    assert '"f29", "f28"' in view.block and f"  line [{', '.join(['0.2'] * MAX_BARS)}]" in view.block
    assert len(view.rows) == 30 and view.rows[0] == ("f29", "0.2900", "over") and view.rows[-1][2] == " "


def test_a_numeric_distribution_is_bars_and_a_line_over_the_same_bins() -> None:
    view = distribution_chart("pH", "numeric", [("< 3", 0.1, 0.3), ("[3, 4]", 0.9, 0.7)])
    assert "  bar [10, 90]\n  line [30, 70]" in view.block
    assert '["#60; 3", "#91;3, 4#93;"]' in view.block
    assert view.rows == (("< 3", "10.0%", "30.0%"), ("[3, 4]", "90.0%", "70.0%"))


def test_a_categorical_distribution_is_a_bar_pair_per_category() -> None:
    bins = [("red", 0.6, 0.2), ("white", 0.4, 0.3), ("(unseen in reference)", 0.0, 0.5), ("gone", 0.0, 0.0)]
    view = distribution_chart("color", "categorical", bins)
    assert '["red ref", "red cur", "white ref", "white cur", "(unseen in refer… ref", ' in view.block
    assert "  bar [60, 0, 40, 0, 0, 0]\n  bar [0, 20, 0, 30, 0, 50]" in view.block
    assert "3 of 4 categories" in view.block and len(view.rows) == 4  # the table has them all


def test_a_failing_or_warning_psi_check_gets_psi_and_distribution_charts() -> None:
    check = psi_check("pH", "region", ("north", "south"))
    assert len(drift_charts(check)) == 3
    assert len(drift_charts(replace(check, status=Status.WARN))) == 3
    assert drift_charts(replace(check, status=Status.PASS)) == []


def test_a_malformed_distribution_is_left_out() -> None:
    check = psi_check("pH", "region", ("north", "south"))
    columns = [{"column": "x", "bins": [{"bin": "a", "reference": 2.0, "current": 0.1}]}, "x",
               {"column": "y", "bins": "no"}, *check.evidence[DISTRIBUTIONS][:1]]
    assert len(drift_charts(replace(check, evidence={DISTRIBUTIONS: columns}))) == 2  # PSI and pH
    assert drift_charts(replace(check, evidence={DISTRIBUTIONS: "x"})) == []


def test_metrics_against_base_pair_each_metric_and_table_them_all() -> None:
    view = metrics_vs_base({"accuracy": (0.91, 0.87), "f1": (0.8, 0.82), "new": (None, 1.0)})
    assert view is not None
    assert '["accuracy base", "accuracy head", "f1 base", "f1 head"]' in view.block
    assert "  bar [0.91, 0, 0.8, 0]\n  bar [0, 0.87, 0, 0.82]" in view.block
    assert view.rows[0] == ("accuracy", "0.91", "0.87", "-0.04") and view.rows[2] == ("new", "–", "1", "–")
    assert metrics_vs_base({"only": (None, 1.0)}) is None
    negative = metrics_vs_base({"accuracy": (0.9, 0.8), "log_loss": (-0.3, -0.2)})
    assert negative is not None and "log_loss" not in negative.block
    assert "1 of 2, all in the table" in negative.block
    assert [row[0] for row in negative.rows] == ["accuracy", "log_loss"]


def test_metrics_of_another_scale_than_the_first_are_in_the_table_only() -> None:
    # accuracy (0-1) beside rows.train (225): one axis would draw accuracy as an invisible bar
    view = metrics_vs_base({"accuracy": (1.0, 0.96), "rows.train": (225.0, 150.0), "f1": (0.0, 0.5),
                            "loss": (0.3, 0.2)})
    assert view is not None
    assert '["accuracy base", "accuracy head", "f1 base", "f1 head", "loss base", "loss head"]' in view.block
    assert "(3 of 4, all in the table)" in view.block and len(view.rows) == 4


def test_family_charts_are_bounded_and_each_drawn_once() -> None:
    checks = [latency_check(f"svc{i}") for i in range(20)]
    assert len(family_charts(checks)) == 8
    psi = psi_check("pH", "region", ("north", "south"))
    ks = replace(psi, id="drift.ks", metrics={"by_column": {"pH": 1e-6}, "ks_pvalue_min": 0.01},
                 evidence={DISTRIBUTIONS: psi.evidence[DISTRIBUTIONS][:1]})
    assert len(drift_charts(ks)) == 1  # pH's distribution; KS has no PSI chart
    assert len(family_charts([psi, ks])) == 3  # PSI, pH and region: pH once


def test_golden_report_with_charts() -> None:
    assert_golden("report-charts.md", render_markdown(charted_report()))


def test_golden_report_with_hostile_chart_labels() -> None:
    assert_golden("report-charts-hostile.md", render_markdown(hostile_chart_report()))


def mermaid_blocks(text: str) -> list[str]:
    return [block for block in split_fences(text)[1] if block.startswith("xychart-beta")]


def test_each_chart_sits_under_its_family_heading_with_its_table() -> None:
    text = render_markdown(charted_report())
    drift, endpoint = text.index("### Drift"), text.index("### Endpoint (")
    positions = [m.start() for m in re.finditer("```mermaid", text)]
    assert len(positions) == 4
    assert all(drift < p < endpoint for p in positions[:3]) and endpoint < positions[3]
    assert text.count("<details><summary>") - text.count("— ") == 4  # one table per chart
    assert "<summary>Latency of http://127.0.0.1:8080 as a table</summary>" in text


def test_hostile_labels_stay_inside_their_chart() -> None:
    text = render_markdown(hostile_chart_report())
    assert text.split("\n")[0] == "<!-- mlsmoke:Smoke -&#45;&gt; %%{init} -->"
    outside, _ = split_fences(text)
    # nothing opens an HTML comment but the marker, so no `-->` can end one early
    assert len(re.findall(r"(?<!\\)<!--", outside)) == 1 and outside.split("\n")[0].count("-->") == 1
    for block in mermaid_blocks(text):
        assert block.count("-->") == 1  # the chart's own y-axis range
        labels = re.findall(r'"([^"]*)"', block)
        assert labels
        for made in labels:
            assert_inert(made)
        assert len(block.split("\n")) in (5, 6)


def test_report_charts_false_draws_none() -> None:
    report = charted_report()
    assert mermaid_blocks(render_markdown(report))
    off = replace(report, charts=False)
    assert "```mermaid" not in render_markdown(off) and "as a table" not in render_markdown(off)
    assert Report.from_dict(off.to_dict()).charts is False
    assert "charts" not in report.to_dict() and Report.from_dict(report.to_dict()).charts is True


def test_charts_are_the_first_thing_a_short_comment_leaves_out() -> None:
    report = charted_report()
    full = render_markdown(report)
    shortened = shorten_markdown(report, len(full) - 1)
    assert "```mermaid" not in shortened and "as a table</summary>" not in shortened
    assert "The charts were left out to fit GitHub's size limit; they are in the job summary" in shortened
    assert "[this workflow run](https://github.com/acme/wine/actions/runs/42)" in shortened
    # everything else is still there: the charts were the only thing dropped
    assert shortened.count("<details>") == full.count("<details>") - 4
    assert "| ✅ | drift.ks |" in shortened
    shorter = shorten_markdown(report, len(render_markdown(replace(report, charts=False))) - 1)
    assert "passed checks are counted, not listed. " in shorter and "The charts were left out too." in shorter


def test_the_readme_shows_a_chart_the_report_draws() -> None:
    readme = mermaid_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert readme and set(readme) <= set(mermaid_blocks(render_markdown(charted_report())))


def test_near_the_comment_limit_the_comment_drops_the_charts_and_the_job_summary_keeps_them() -> None:
    report = charted_report()
    # warnings: rows and sections that a report never folds away
    warnings = [CheckResult(id="data.nulls", status=Status.WARN, subject=f"wine: data/part-{i:04}.csv",
                            summary="x" * 250) for i in range(400)]
    while len(render_markdown(replace(report, charts=False))) < COMMENT_LIMIT - 1000:
        report = replace(report, checks=[warnings.pop(), *report.checks])
    full = render_markdown(report)
    assert len(full) > COMMENT_LIMIT  # the charts alone push it over
    publishing = rendered(report, full)
    comment, summary = publishing.fit(COMMENT_LIMIT), publishing.fit(SUMMARY_LIMIT)
    assert len(comment) <= COMMENT_LIMIT and "```mermaid" not in comment
    assert "The charts were left out to fit GitHub's size limit" in comment
    assert comment.count("| ⚠️ | data.nulls |") == len(report.checks) - 3  # nothing else was left out
    assert summary == full and summary.count("```mermaid") == 4


@pytest.mark.parametrize(("value", "text"), [(0.0, "0"), (-0.0, "0"), (123456.0, "123500"), (1e-5, "0.00001"),
                                             (0.4532, "0.4532"), (-2.25, "-2.25"), (3e12, "3000000000000"),
                                             (math.nan, "0"), (-math.inf, "0"), (1e-13, "0")])
def test_numbers_are_written_without_an_exponent(value: float, text: str) -> None:
    assert number(value) == text


@given(st.text(max_size=60))
def test_no_text_makes_a_label_that_mermaid_markdown_or_html_reads(text: str) -> None:
    made = label(text)
    assert_inert(made)
    assert decoded(made) == clip(text) and 0 < len(clip(text)) <= MAX_LABEL


@given(st.lists(st.text(max_size=30), min_size=1, max_size=30))
def test_any_categories_make_one_quoted_string_each(names: list[str]) -> None:
    chart = XYChart(title=names[0], x_title="x", categories=tuple(names), y_title="y",
                    series=(Series("bar", (1.0,) * len(names)),))
    lines = source(chart).split("\n")
    assert len(lines) == 5
    assert len(re.findall(r'"[^"]*"', lines[2])) == 1 + min(len(names), MAX_BARS)
    assert len(set(re.findall(r'"([^"]*)"', lines[2])[1:])) == min(len(names), MAX_BARS)  # distinct


def test_a_table_fallback_is_bounded_and_counts_what_it_left_out() -> None:
    view = psi_chart({f"f{i:03}": i / 1000 for i in range(500)}, 0.2)
    assert len(view.rows) == MAX_ROWS and view.rows[-1] == ("… 471 more", " ", " ")
    assert view.rows[0][0] == "f499" and view.align == ("---", "---:", "---")


def test_mlsmoke_report_draws_the_same_charts_from_results_json() -> None:
    report = charted_report()
    again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert render_markdown(again) == render_markdown(report)


def test_with_a_comparison_latency_and_metrics_get_base_against_head_charts() -> None:
    report = compared_report()
    charts = charts_by_family(report)
    [endpoint] = charts["endpoint"]
    assert '"http://127.0.0.1:8080: base vs head"' in endpoint.block
    assert "  bar [30, 0, 200, 0]\n  bar [0, 41.2, 0, 312]" in endpoint.block
    [metrics] = charts["pipeline"]
    assert '["accuracy base", "accuracy head", "rmse base", "rmse head"]' in metrics.block
    assert "compare" not in charts and "data" not in charts
    assert "```mermaid" not in render_markdown(replace(report, charts=False))


def test_a_comparison_without_the_base_side_or_malformed_draws_nothing() -> None:
    latency = latency_check("svc")
    both = {"latency": {"svc": {"p50_ms": {"base": 30, "head": 41}, "p95_ms": {"base": 200, "head": 312}}}}
    [chart] = base_latency_charts(latency, both)
    assert "line [300, 300, 300, 300]" in chart.block  # the check's budget
    no_base = {"base": None, "head": 41}
    head_only = {"latency": {"svc": {"p50_ms": no_base, "p95_ms": no_base}}}
    for deltas in (head_only, {}, {"latency": "x"}, {"latency": {"svc": [1]}},
                   {"latency": {"other": both["latency"]["svc"]}}):
        assert base_latency_charts(latency, deltas) == []
    assert base_latency_charts(replace(latency, metrics={}), both) == []  # not a latency check
    for deltas in ({}, {"metrics": []}, {"metrics": {"a": "x", "b": {"base": "1", "head": 2}}}):
        assert base_metrics_charts(deltas) == []
    hostile = {"metrics": {HOSTILE_LABELS[2]: {"base": 1, "head": True}, "ok": {"base": 1e400, "head": 2}}}
    assert base_metrics_charts(hostile) == []  # a bool and an infinity are no numbers
