"""A family of more than ten checks lists what did not pass first and folds its passed checks
under one `<details>` line; a family of ten (the twin) stays one table in run order."""

from __future__ import annotations

import re

from markdown_structure import split_fences, table_problems

from checker.render.markdown import render_markdown, shorten_markdown
from checker.results.model import CheckResult, Report, Status


def _report(passed: int, skipped: int = 0) -> Report:
    """`passed` passes with one failure second, then `skipped` skips."""
    checks = [CheckResult("data.readable", Status.PASS, "ok", subject=f"wine: data/p{i}.csv")
              for i in range(passed)]
    checks.insert(1, CheckResult("data.ranges", Status.FAIL, "out of range", subject="wine: data/p0.csv"))
    checks += [CheckResult("data.unique", Status.SKIP, "off", subject=f"wine: data/s{i}.csv")
               for i in range(skipped)]
    return Report(status=Status.FAIL, checks=checks, started_at="", duration_s=1)


def test_more_than_ten_checks_fold_their_passes() -> None:
    text = render_markdown(_report(passed=41, skipped=1))
    family = text.split("### Data contracts")[1].split("### ")[0]
    first_table = family.split("<details>")[0]
    assert [line.split(" | ")[1] for line in first_table.splitlines() if line.startswith("| ❌") or
            line.startswith("| ⏭️")] == ["data.ranges", "data.unique"]
    assert "| ✅ |" not in first_table
    assert "<details><summary>41 passed</summary>\n\n| | Check |" in family
    assert family.count("| ✅ |") == 41
    assert re.search(r"\|\n\n</details>\n", family)  # a blank line ends the table before </details>
    assert table_problems(text) == []
    assert text.count("<details>") == text.count("</details>") == 1 + 1  # the fold, the failure


def test_ten_checks_stay_one_table_in_run_order() -> None:
    text = render_markdown(_report(passed=9))
    family = text.split("### Data contracts")[1].split("### ")[0]
    assert "passed</summary>" not in family
    rows = [line for line in family.splitlines() if line.startswith("| ✅") or line.startswith("| ❌")]
    assert [r.split(" | ")[0] for r in rows][:3] == ["| ✅", "| ❌", "| ✅"]  # run order


def test_a_family_with_nothing_passed_has_no_fold() -> None:
    checks = [CheckResult("data.ranges", Status.FAIL, "x", subject=f"s{i}") for i in range(12)]
    text = render_markdown(Report(status=Status.FAIL, checks=checks, started_at="", duration_s=1))
    assert "passed</summary>" not in text


def test_the_shortened_report_counts_passes_instead_of_folding_them() -> None:
    text = shorten_markdown(_report(passed=3000), 20_000)
    outside, _ = split_fences(text)
    assert "passed</summary>" not in outside and "_3000 passed checks not listed_" in outside
