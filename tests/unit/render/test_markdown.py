from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from markdown_structure import cells, split_fences, table_rows
from samples import INJECTION, evidence_report, hostile_report, representative_report
from snapshots import assert_golden, normalize

from checker.github.publish import COMMENT_LIMIT as GITHUB_COMMENT_LIMIT
from checker.render.markdown import marker, render_markdown, shorten_markdown
from checker.results.model import CheckResult, Report, Status
from checker.run.outputs import rendered


def fitted(report, limit):
    """The report as the publisher sends it under `limit` characters: whole when it fits."""
    return rendered(report, render_markdown(report)).fit(limit)


def test_golden_full_report(tmp_path):
    text = render_markdown(representative_report(str(tmp_path / "scratch")))
    assert_golden("report.md", normalize(text, [tmp_path]))


def test_golden_shortened_report(tmp_path):
    text = fitted(representative_report(str(tmp_path / "scratch")), 2500)
    assert len(text) <= 2500
    assert_golden("report-short.md", normalize(text, [tmp_path]))


def test_golden_hostile_report():
    assert_golden("report-hostile.md", render_markdown(hostile_report()))


def test_golden_evidence_report():
    """Evidence as tables, a big family folded, the failing rows linked to the artifact."""
    assert_golden("report-evidence.md", render_markdown(evidence_report()))


def test_snapshot_normalisation_hides_durations_and_temp_paths(tmp_path):
    fast = representative_report(str(tmp_path))
    slower = [c.with_duration(c.duration_s * 3 + 0.5) for c in fast.checks]
    slow = replace(fast, duration_s=3.7, checks=slower)
    other_tmp = tmp_path.parent / "elsewhere0"
    moved = representative_report(str(other_tmp))
    assert normalize(render_markdown(fast), [tmp_path]) == normalize(render_markdown(slow), [tmp_path])
    assert normalize(render_markdown(fast), [tmp_path]) == normalize(render_markdown(moved), [other_tmp])
    assert str(tmp_path) not in normalize(render_markdown(fast), [tmp_path])


def test_marker_is_the_first_line_and_depends_on_the_title_only():
    report = representative_report()
    text = render_markdown(report)
    assert text.splitlines()[0] == marker("ML smoke checks") == "<!-- mlsmoke:ML smoke checks -->"
    assert render_markdown(replace(report, title="Nightly")).splitlines()[0] == "<!-- mlsmoke:Nightly -->"
    assert marker("ML smoke checks") != marker("Nightly")


def test_marker_stays_one_html_comment_whatever_the_title():
    text = marker("evil --> <b>x</b>\n-- @x")
    assert text.startswith("<!-- ") and text.endswith(" -->")
    body = text[len("<!-- "):-len(" -->")]
    assert "--" not in body and "<" not in body and ">" not in body and "\n" not in body


def test_headline_has_verdict_emoji_and_counts():
    report = representative_report()
    failed = render_markdown(report).splitlines()
    assert failed[1] == "## ❌ ML smoke checks: failed"
    assert "**3** passed · **2** failed · **2** warnings · **1** error · **2** skipped" in failed
    passing = Report(status=Status.PASS, started_at="", duration_s=0.5,
                     checks=[CheckResult("data.rows", Status.PASS, "ok")])
    assert render_markdown(passing).splitlines()[1] == "## ✅ ML smoke checks: passed"


def test_warnings_that_fail_the_run_say_so():
    report = replace(representative_report(), fail_on="warning")
    assert "(warnings fail this run)" in render_markdown(report)


def test_one_table_per_family_in_family_order_with_five_cells_per_row():
    text = render_markdown(representative_report())
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings[:4] == [
        "### Data contracts (1 passed, 1 failed, 1 warning, 1 skipped)",
        "### Drift (1 passed, 1 failed)",
        "### Pipeline (1 error, 1 skipped)",
        "### Endpoint (1 passed, 1 warning)",
    ]
    check_rows = [cells(r) for r in table_rows(text.split("### Endpoint latency")[0])]
    assert {len(c) for c in check_rows} == {5}
    ids = [c[1] for c in check_rows if c[1] not in ("Check", "---")]
    assert ids == [c.id for c in representative_report().checks]


def test_tables_and_details_have_blank_lines_around_them():
    lines = render_markdown(representative_report()).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and not lines[i - 1].startswith("|"):
            assert lines[i - 1] == "", f"no blank line before the table at line {i + 1}"
        if line.startswith("|") and not lines[i + 1].startswith("|"):
            assert lines[i + 1] == "", f"no blank line after the table at line {i + 1}"
        if line.startswith("<details>"):
            assert lines[i - 1] == "" and lines[i + 1] == ""
        if line == "</details>":
            assert lines[i - 1] == ""


def test_a_details_section_per_failure_error_and_warning_failures_first():
    text = render_markdown(representative_report())
    summaries = [line for line in text.splitlines() if line.startswith("<details>")]
    order = [s.split("<code>")[1].split("</code>")[0] for s in summaries]
    assert order == ["pipeline.run", "data.ranges", "drift.ks", "data.nulls", "endpoint.latency"]
    assert text.count("<details>") == text.count("</details>") == 5


def test_examples_are_a_table_long_text_a_text_block_and_metrics_a_table():
    report = representative_report()
    text = render_markdown(report)
    _, blocks = split_fences(text)
    assert blocks[0].startswith("epoch 1\nepoch 2")  # pipeline.run's output tail, as text
    assert "| row | line | column | value | rule |\n|---:|---:|---|---|---|\n" in text
    assert "| 17 | 19 | pH | 15.2 | outside [0, 14] |" in text
    assert "| violations | 4 |" in text
    assert "Location: mlsmoke.yml, line 9" in text


def test_evidence_that_is_not_a_list_of_records_stays_json():
    check = CheckResult("pipeline.predict", Status.FAIL, "bad",
                        evidence={"predictions": [1, 2], "python": "3.11"})
    report = Report(status=Status.FAIL, checks=[check], started_at="", duration_s=1)
    _, blocks = split_fences(render_markdown(report))
    assert json.loads(blocks[0]) == {"predictions": [1, 2], "python": "3.11"}


def test_long_evidence_is_truncated():
    check = CheckResult("endpoint.predict", Status.FAIL, "bad body", evidence={"body": "x" * 50_000})
    report = Report(status=Status.FAIL, checks=[check], started_at="", duration_s=1)
    text = render_markdown(report)
    assert len(text) < 6000
    assert "more characters]" in text


def test_latency_percentiles_table():
    text = render_markdown(representative_report())
    assert "| Endpoint | Requests | p50 | p95 | max |" in text
    assert "| http\\://127.0.0.1:8080 | 50 | 41 ms | 312 ms | 403 ms |" in text


def test_no_latency_table_without_latency_metrics():
    report = Report(status=Status.PASS, started_at="", duration_s=0,
                    checks=[CheckResult("endpoint.health", Status.PASS, "ok")])
    assert "Endpoint latency" not in render_markdown(report)


def test_footer_has_commit_run_link_version_and_duration():
    footer = render_markdown(representative_report()).splitlines()[-1]
    assert footer == ("<sub>commit 1111111 · [workflow run](https://github.com/acme/wine/actions/runs/42)"
                      " · mlsmoke 0.1.0 · 2 min 5 s</sub>")


@pytest.mark.parametrize("run_url",
                         ["javascript:alert(1)", "ftp://x/y", "https://x/a b", "https://x/(", None])
def test_run_link_only_for_http_urls(run_url):
    report = replace(representative_report(), environment={"commit": "abc", "run_url": run_url})
    assert "workflow run" not in render_markdown(report)


def test_empty_report_renders():
    report = Report(status=Status.PASS, checks=[], started_at="", duration_s=0.01)
    text = render_markdown(report)
    assert "## ✅ ML smoke checks: passed" in text
    assert "|" not in text


def test_injection_is_inert():
    text = render_markdown(hostile_report())
    outside, blocks = split_fences(text)
    assert re.search(r"(?<!\\)<img", outside.replace("&lt;img", "")) is None
    assert "@someone" not in outside
    opened, closed = re.findall(r"(?m)^<details>", outside), re.findall(r"(?m)^</details>$", outside)
    assert len(opened) == len(closed) == 1
    assert outside.index("\n<details>") < outside.index("\n</details>")
    assert "</details>" in outside.splitlines()[-3]
    assert blocks == []  # the examples are a table: every cell escaped (rendered: tests/integration)


def test_injection_keeps_every_table_row_at_five_cells():
    text = render_markdown(hostile_report())
    rows = [cells(r) for r in table_rows(text)]
    check_rows = [r for r in rows if len(r) != 2]  # the metrics and examples tables have two columns
    assert len(check_rows) == 4  # header, separator, two checks
    assert {len(r) for r in check_rows} == {5}
    assert {len(r) for r in rows if r not in check_rows} == {2}
    assert len([r for r in rows if len(r) == 2]) == 4 + 5  # metrics: 2 + 2; examples: 2 + 3


def test_injection_builds_no_list_heading_or_code_in_details():
    outside, _ = split_fences(render_markdown(hostile_report()))
    lines = outside.splitlines()
    assert not any(line.startswith(("- ", "# ", "    ", "===", "```")) for line in lines)


# -- shortening for GitHub's comment limit -------------------------------------------------

def _big_report(passes: int = 2000, failures: int = 60) -> Report:
    checks = [CheckResult("data.rows", Status.PASS, f"{i} rows", subject=f"wine: data/part-{i}.csv")
              for i in range(passes)]
    checks += [CheckResult("data.ranges", Status.FAIL, f"{i} rows out of range", subject=f"wine: part-{i}",
                           details="pH must be within [0, 14]\n" * 40,
                           evidence={"examples": [{"row": r, "value": "x" * 50} for r in range(30)]})
               for i in range(failures)]
    return Report(status=Status.FAIL, checks=checks, started_at="", duration_s=3.0,
                  environment={"run_url": "https://github.com/a/b/actions/runs/1"})


def test_render_markdown_without_limit_is_the_full_report():
    report = _big_report()
    assert len(render_markdown(report)) > GITHUB_COMMENT_LIMIT
    assert fitted(report, 10**9) == render_markdown(report)


@pytest.mark.parametrize("limit", [GITHUB_COMMENT_LIMIT, 20_000, 4000, 1500])
def test_shortened_report_fits_and_keeps_failures_first(limit):
    report = _big_report()
    text = fitted(report, limit)
    assert len(text) <= limit
    assert text.splitlines()[0] == marker(report.title)
    assert "## ❌ ML smoke checks: failed" in text
    assert "This report was shortened" in text and "job summary" in text
    assert "[this workflow run](https://github.com/a/b/actions/runs/1)" in text
    assert "data/part-" not in text  # passes are counted, not listed
    if limit >= 4000:
        assert "data.ranges" in text and "| ❌ |" in text
    if limit >= 20_000:
        assert "_2000 passed checks not listed_" in text


def test_shortened_report_keeps_all_failures_when_they_fit():
    report = _big_report(passes=3000, failures=5)
    text = shorten_markdown(report, GITHUB_COMMENT_LIMIT)
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert text.count("<details>") == 5
    assert all(f"wine: part-{i}" in text for i in range(5))
    outside, _ = split_fences(text)
    assert outside.count("<details>") == outside.count("</details>")


def test_short_report_is_not_shortened():
    report = representative_report()
    assert fitted(report, GITHUB_COMMENT_LIMIT) == render_markdown(report)


def test_hostile_title_is_escaped_in_the_headline():
    text = render_markdown(hostile_report())
    assert INJECTION not in split_fences(text)[0]
    assert text.splitlines()[1].startswith("## ❌ Smoke --> \\</details>\\<img")


def test_long_details_and_many_metrics_are_bounded():
    check = CheckResult("pipeline.run", Status.FAIL, "exit 1", details="line\n" * 20_000,
                        metrics={f"m{i}": i for i in range(100)})
    text = render_markdown(Report(status=Status.FAIL, checks=[check], started_at="", duration_s=1))
    assert len(text) < 15_000
    assert "| m29 | 29 |" in text and "| m30 |" not in text
    assert "| … | 70 more entries |" in text


def baselined_report():
    """The representative report judged against a baseline: known, new, fixed and stale."""
    from checker.results.baseline import Entry, entries_for, with_baseline

    report = representative_report()
    known = [e for e in entries_for(report.checks) if e.check != "drift.ks"]
    entries = [*known, Entry("data.readable", "wine: data/wine.csv", {}),
               Entry("data.nulls", "wine: data/old.csv", {"columns": ["pH"]}, 2)]
    return with_baseline(report, entries, ".mlsmoke/baseline.json")


def test_golden_baselined_report():
    text = render_markdown(baselined_report())
    assert "**1** new failure (2 known, baselined)" in text
    assert "remove it from the baseline" in text and "stale baseline entry" in text
    assert_golden("report-baselined.md", text)


def test_a_report_without_a_baseline_has_no_baseline_headline():
    text = render_markdown(representative_report())
    assert "baselined" not in text and "### Baseline" not in text
