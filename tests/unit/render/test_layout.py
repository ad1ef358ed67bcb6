"""The report's layout block by block, in the states the golden reports do not all reach: the
blank lines GitHub needs around a table and inside `<details>`, and none where a part is
absent. Each case has its twin: the same block with the part present, or absent."""

from __future__ import annotations

from checker.render import layout
from checker.render.compare_view import CompareView, DeltaTable
from checker.render.evidence import EvidenceView, TableView
from checker.render.view import FamilyView, ReportView, RowView, SectionView

ROW = RowView(icon="✅", check="data.nulls", subject="s", summary="ok", duration="0.1s")
TABLE = ("| | Check | Subject | Summary | Time |\n|---|---|---|---|---:|\n"
         "| ✅ | data.nulls | s | ok | 0.1s |\n")


def _family(**parts: object) -> FamilyView:
    return FamilyView(**{"heading": "Data contracts (1 passed)", "rows": (), "not_listed": "", **parts})


def test_a_family_is_its_heading_and_table_with_nothing_after_it():
    assert layout.family(_family(rows=(ROW,))) == f"### Data contracts (1 passed)\n\n{TABLE}"


def test_passed_checks_folded_under_the_table_are_a_blank_line_apart_and_alone_are_not():
    folded = f"<details><summary>1 passed</summary>\n\n{TABLE}\n</details>\n"
    assert layout.family(_family(rows=(ROW,), folded=(ROW,), folded_summary="1 passed")) == (
        f"### Data contracts (1 passed)\n\n{TABLE}\n{folded}")
    assert layout.family(_family(folded=(ROW,), folded_summary="1 passed")) == (
        f"### Data contracts (1 passed)\n\n{folded}")


def test_what_was_not_listed_follows_a_table_after_a_blank_line_and_stands_alone_without_one():
    listed = layout.family(_family(rows=(ROW,), not_listed="3 not listed"))
    assert listed.endswith(f"{TABLE}\n_3 not listed_\n")
    assert layout.family(_family(not_listed="3 not listed")) == (
        "### Data contracts (1 passed)\n\n_3 not listed_\n")


def _section(**parts: object) -> SectionView:
    return SectionView(**{"summary": "❌ data.ranges", "location": "", "details": "", "metrics": (),
                          "evidence": EvidenceView(), **parts})


def test_an_empty_section_is_its_summary_and_a_closing_tag_a_blank_line_apart():
    assert layout.section(_section()) == "<details><summary>❌ data.ranges</summary>\n\n</details>\n"


def test_every_part_of_a_section_is_a_paragraph_of_its_own():
    table = TableView(title="Rows", header=("row", "x"), align=("---:", "---:"), rows=(("3", "7.0"),),
                      note="1 more")
    evidence = EvidenceView(tables=(table,), blocks=("Log:\n```\nboom\n```",))
    text = layout.section(_section(location="data/x.csv:3", details="x > 1", failing_rows="See rows.csv",
                                   metrics=(("rows", "1"),), evidence=evidence))
    assert text == ("<details><summary>❌ data.ranges</summary>\n\nLocation: data/x.csv:3\n\nx > 1\n\n"
                    "See rows.csv\n\n| Metric | Value |\n|---|---|\n| rows | 1 |\n\nRows:\n\n| row | x |\n"
                    "|---:|---:|\n| 3 | 7.0 |\n\n_1 more_\n\nLog:\n```\nboom\n```\n\n</details>\n")


def _compare(**parts: object) -> CompareView:
    return CompareView(**{"heading": "Compared with base", "skipped": "", "new": (), "fixed": (),
                          "tables": (), **parts})


def test_a_comparison_lists_new_and_fixed_failures_and_aligns_its_numbers_right():
    delta = DeltaTable(header=("Check", "Subject", "Δ"), rows=(("a", "b", "+1"),), text_columns=2)
    assert layout.compare(_compare(new=("x",), fixed=("y", "z"), tables=(delta,))) == (
        "### Compared with base\n\n**New failures (1)**\n\n- x\n\n**Fixed (2)**\n\n- y\n- z\n\n"
        "| Check | Subject | Δ |\n|---|---|---:|\n| a | b | +1 |\n")
    assert layout.compare(_compare()) == "### Compared with base\n\nNo new failures.\n"


def test_a_comparison_not_made_says_why_and_shows_nothing_else():
    skipped = _compare(skipped="no base artifact", new=("x",), tables=(DeltaTable(header=("a",), rows=()),))
    assert layout.compare(skipped) == "### Compared with base\n\n⏭️ Not compared: no base artifact\n"


def _report(**parts: object) -> ReportView:
    return ReportView(**{"marker": "<!-- mlsmoke:T -->", "title": "T", "verdict_icon": "✅",
                         "verdict": "passed", "counts": "1 passed", "notice": "", "families": (),
                         "latency": (), "sections": (), "footer": "mlsmoke", **parts})


def test_a_report_notice_is_a_note_callout_and_no_notice_leaves_no_trace():
    head = "<!-- mlsmoke:T -->\n## ✅ T: passed\n\n1 passed\n"
    assert layout.report(_report()) == f"{head}\n<sub>mlsmoke</sub>\n"
    noted = layout.report(_report(notice="shortened"))
    assert noted == f"{head}\n> [!NOTE]\n> shortened\n\n<sub>mlsmoke</sub>\n"


def test_the_failures_heading_comes_only_with_a_section():
    text = layout.report(_report(sections=(_section(),)))
    assert "\n### Failures and warnings\n\n<details><summary>❌ data.ranges</summary>\n" in text
    assert "Failures and warnings" not in layout.report(_report(baseline=("fixed: x",)))
