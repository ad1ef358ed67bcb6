"""checker.render.evidence: the lists a reviewer reads row by row become tables, with every
cell escaped and cut; what is not such a list stays a text or JSON block."""

from __future__ import annotations

import json

from markdown_structure import cells, split_fences, table_problems

from checker.render import evidence
from checker.render.markdown import render_markdown
from checker.results.model import CheckResult, Report, Status


def _table(found: dict, max_chars: int = 4000) -> evidence.TableView:
    view = evidence.build(found, max_chars)
    assert len(view.tables) == 1, view
    return view.tables[0]


def test_examples_read_row_line_column_value_rule() -> None:
    table = _table({"examples": [{"row": 3, "column": "plan", "value": "Pro", "rule": "not in [basic, pro]",
                                  "line": 5}]})
    assert table.header == ("row", "line", "column", "value", "rule")
    assert table.align == ("---:", "---:", "---", "---", "---")
    assert table.rows == (("3", "5", "plan", "Pro", "not in [basic, pro]"),)


def test_a_column_no_example_has_is_left_out_and_other_keys_follow() -> None:
    table = _table({"examples": [{"row": 1, "value": 2.5, "problem": "not a class"}]})
    assert table.header == ("row", "value", "problem")


def test_probes_read_probe_sent_status_verdict_and_an_excerpt() -> None:
    probe = {"id": "x", "probe": "wrong type", "sent": "a string", "body_sent": "{}", "status": 200,
             "verdict": "fail", "reason": "answered 200", "response": "y" * 500, "content_type": "text/plain"}
    table = _table({"probes": [probe, {"probe": "closed", "sent": "junk", "verdict": "pass",
                                       "reason": "connection closed"}]})
    assert table.header == ("probe", "sent", "status", "verdict", "response excerpt")
    assert table.rows[0][:4] == ("wrong type", "a string", "200", "fail: answered 200")
    assert len(table.rows[0][4]) == 80 and table.rows[0][4].endswith("…")
    assert table.rows[1][2] == table.rows[1][4] == "–"


def test_parity_mismatches_read_row_offline_served_input_with_nested_cells() -> None:
    mismatch = {"row": 7, "input": {"hue": 1.2, "alcohol": 13.1}, "offline": [0.1, 0.9], "served": [0.8, 0.2]}
    table = _table({"mismatches": [mismatch]})
    assert table.header == ("row", "offline", "served", "input")
    assert table.rows == (("7", "[0.1, 0.9]", "[0.8, 0.2]", '{"hue": 1.2, "alcohol": 13.1}'),)


def test_untrusted_cells_stay_inert_and_on_one_row() -> None:
    hostile = "a | b\n`c` <img src=x> @team [l](https://e) ![i](x)"
    table = _table({"examples": [{"row": 1, "column": "c|d", "value": hostile, "rule": "x"}]})
    row = "| " + " | ".join(table.rows[0]) + " |"
    assert len(cells(row)) == 4  # row, column, value, rule (no line: not a CSV)
    assert "\n" not in row and "@team" not in row and "<img" not in row.replace("\\<img", "")
    assert "](" not in row.replace("\\](", "")


def test_long_lists_stop_at_the_budget_with_a_note() -> None:
    examples = [{"row": i, "column": "x", "value": i} for i in range(20)] + ["… 480 more items"]
    table = _table({"examples": examples}, max_chars=600)
    assert len(table.rows) == 3
    assert table.note == "… 497 more not shown"


def test_what_is_not_a_list_of_records_is_a_text_or_json_block() -> None:
    view = evidence.build({"traceback": "Traceback\n  File x\nValueError", "predictions": [1, 2],
                           "nested": [{"a": {"b": 1}}]}, 4000)
    assert view.tables == ()
    text, data = view.blocks
    assert text.startswith("traceback:\n\n```text\nTraceback\n")
    assert json.loads(split_fences(data)[1][0]) == {"predictions": [1, 2], "nested": [{"a": {"b": 1}}]}


def test_no_evidence_or_no_budget_shows_nothing() -> None:
    assert evidence.build({}, 4000) == evidence.EvidenceView()
    assert evidence.build({"examples": [{"row": 1}]}, None) == evidence.EvidenceView()


def test_the_failing_rows_line_links_the_artifact_of_the_run() -> None:
    found = {"file": "failing-rows/wine__data_wine.csv.csv", "rows": 1000, "total": 5432}
    run = "https://github.com/acme/wine/actions/runs/42"
    assert evidence.failing_rows_line(found, {"artifact": "mlsmoke-results", "run_url": run}) == (
        f"failing rows: 1,000 of 5,432 in failing-rows/wine__data_wine.csv.csv; see the mlsmoke-results "
        f"artifact of [this run]({run})")
    unsafe = {"artifact": "mlsmoke-results", "run_url": "javascript:x"}
    assert evidence.failing_rows_line(found, unsafe).endswith("artifact of this run")
    assert evidence.failing_rows_line(found, {}).endswith("(in the run's output folder)")
    assert evidence.failing_rows_line(None, {}) == ""


def test_a_hostile_artifact_name_stays_inert() -> None:
    found = {"file": "failing-rows/x.csv", "rows": 1, "total": 1}
    line = evidence.failing_rows_line(found, {"artifact": "[x](https://evil) @org <b>"})
    assert "[x\\](https\\://evil) @&#8203;org \\<b>" in line


def test_a_report_with_every_evidence_table_has_sound_tables() -> None:
    check = CheckResult("endpoint.malformed", Status.FAIL, "bad",
                        evidence={"probes": [{"probe": "p|q", "sent": "s", "status": 200, "verdict": "fail",
                                              "reason": "r", "response": "x | y"}],
                                  "changes": [{"column": None, "change": "c", "base": 1, "head": 2,
                                               "kind": "compatible"}]})
    text = render_markdown(Report(status=Status.FAIL, checks=[check], started_at="", duration_s=1))
    assert table_problems(text) == []
    assert "Probes:\n\n| probe | sent | status | verdict | response excerpt |" in text
    assert "| (table) | c | 1 | 2 | compatible |" in text
