"""`mlsmoke baseline` and `mlsmoke run` with a baseline of known failures, as a user drives
them: a red project made green by its baseline, then new, grown, fixed and stale entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli_in_process, write_config

CONFIG = """
    version: 1
    contracts:
      t:
        columns:
          a: {type: int, min: 0}
          b: {type: string, nullable: false}
          c: {type: int}
    data:
      - {contract: t, files: d.csv}
    """
RED = "a,b,c\n1,x,1\n-1,y,2\n-2,,3\n"  # two rows out of range in a, one null in b


def project(tmp_path: Path, data: str = RED, config: str = CONFIG) -> Path:
    write_config(tmp_path, config)
    (tmp_path / "d.csv").write_text(data, encoding="utf-8")
    return tmp_path


def run(folder: Path, *args: str):
    return cli_in_process("run", "--no-publish", *args, cwd=folder)


def results(folder: Path) -> dict:
    return json.loads((folder / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))


def baseline_file(folder: Path) -> dict:
    return json.loads((folder / ".mlsmoke" / "baseline.json").read_text(encoding="utf-8"))


def test_baseline_makes_a_red_project_green_with_the_known_failures_listed(tmp_path):
    folder = project(tmp_path)
    assert run(folder).returncode == 1  # the twin: without a baseline the project is red
    recorded = cli_in_process("baseline", cwd=folder)
    assert recorded.returncode == 0, recorded.stderr
    assert "wrote 2 known failures" in recorded.stdout
    done = run(folder)
    assert done.returncode == 0, done.stderr
    assert "data.ranges [t: d.csv] (known, baselined)" in done.stderr
    assert "data.nulls [t: d.csv] (known, baselined)" in done.stderr
    found = results(folder)
    assert found["status"] == "pass"
    assert {c["id"]: c.get("baseline") for c in found["checks"] if c["status"] == "fail"} == {
        "data.ranges": "known", "data.nulls": "known"}
    assert found["baseline"] == {"file": ".mlsmoke/baseline.json", "known": 2, "new": 0,
                                 "fixed": [], "stale": []}
    report = (folder / "mlsmoke-out" / "report.md").read_text(encoding="utf-8")
    assert "**0** new failures (2 known, baselined)" in report
    rendered = cli_in_process("report", "mlsmoke-out/results.json", cwd=folder)  # round trip
    assert rendered.returncode == 0 and rendered.stdout == report


def test_the_baseline_file_is_sorted_pretty_json_with_fingerprints(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    text = (folder / ".mlsmoke" / "baseline.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith("{\n  ")
    entries = json.loads(text)["entries"]
    assert [(e["check"], e["fingerprint"], e.get("violations")) for e in entries] == [
        ("data.nulls", {"columns": ["b"]}, 1), ("data.ranges", {"columns": ["a"]}, 2)]
    assert all(e["subject"] == "t: d.csv" and e["reason"] == "" for e in entries)


def test_a_new_failure_is_red_again_naming_only_the_new_one(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    (folder / "d.csv").write_text(RED + "3,z,oops\n", encoding="utf-8")  # c is no int any more
    done = run(folder)
    assert done.returncode == 1
    found = results(folder)
    assert {c["id"] for c in found["checks"] if c.get("baseline") == "new"} == {"data.types"}
    assert found["baseline"]["new"] == 1 and found["baseline"]["known"] == 2
    assert "**1** new failure (2 known, baselined)" in (folder / "mlsmoke-out" / "report.md").read_text()


def test_a_grown_violation_count_is_new_and_a_smaller_one_still_known(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    (folder / "d.csv").write_text(RED + "-3,z,4\n", encoding="utf-8")  # three rows out of range
    assert run(folder).returncode == 1
    ranges = next(c for c in results(folder)["checks"] if c["id"] == "data.ranges")
    assert ranges["baseline"] == "new" and ranges["metrics"]["violations"] == 3
    (folder / "d.csv").write_text("a,b,c\n1,x,1\n-1,y,2\n5,,3\n", encoding="utf-8")  # one row now
    assert run(folder).returncode == 0
    ranges = next(c for c in results(folder)["checks"] if c["id"] == "data.ranges")
    assert ranges["baseline"] == "known" and ranges["metrics"]["violations"] == 1


def test_a_failure_in_a_column_not_baselined_is_new(tmp_path):
    config = CONFIG.replace("c: {type: int}", "c: {type: int, min: 0}")
    folder = project(tmp_path, config=config)
    cli_in_process("baseline", cwd=folder)
    (folder / "d.csv").write_text("a,b,c\n1,x,1\n-1,y,-2\n-2,,3\n", encoding="utf-8")  # same count, c too
    assert run(folder).returncode == 1
    ranges = next(c for c in results(folder)["checks"] if c["id"] == "data.ranges")
    assert ranges["baseline"] == "new"


def test_fixing_a_baselined_failure_says_remove_it_from_the_baseline(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    unchanged = run(folder)
    assert "remove it from the baseline" not in unchanged.stderr  # the twin: nothing fixed yet
    (folder / "d.csv").write_text("a,b,c\n1,x,1\n-1,y,2\n-2,w,3\n", encoding="utf-8")  # b has no null
    done = run(folder)
    assert done.returncode == 0
    assert "data.nulls [t: d.csv] (columns: b) passes now: remove it from the baseline" in done.stderr
    found = results(folder)["baseline"]
    assert [e["check"] for e in found["fixed"]] == ["data.nulls"] and found["known"] == 1
    report = (folder / "mlsmoke-out" / "report.md").read_text(encoding="utf-8")
    assert "remove it from the baseline" in report


def test_a_stale_entry_is_a_warning(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    assert "stale" not in run(folder).stderr  # the twin: every entry still has its check
    (folder / "d.csv").rename(folder / "e.csv")
    write_config(folder, CONFIG.replace("d.csv", "e.csv"))
    done = run(folder)
    assert done.returncode == 1  # the failures of e.csv are new: the entries named d.csv
    assert "warning: stale baseline entry data.nulls [t: d.csv]" in done.stderr
    assert [e["subject"] for e in results(folder)["baseline"]["stale"]] == ["t: d.csv", "t: d.csv"]


def test_only_judges_entries_of_the_families_that_ran(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    done = run(folder, "--only", "pipeline")
    assert "stale" not in done.stderr


def test_the_reason_survives_re_recording_while_the_entry_matches(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    path = folder / ".mlsmoke" / "baseline.json"
    document = baseline_file(folder)
    for entry in document["entries"]:
        entry["reason"] = f"ticket for {entry['check']}"
    path.write_text(json.dumps(document), encoding="utf-8")
    (folder / "d.csv").write_text(RED + "-3,z,4\n", encoding="utf-8")  # data.ranges grew: a new entry
    assert cli_in_process("baseline", cwd=folder).returncode == 0
    reasons = {e["check"]: e["reason"] for e in baseline_file(folder)["entries"]}
    assert reasons == {"data.nulls": "ticket for data.nulls", "data.ranges": ""}


def test_baseline_from_a_results_file_and_to_another_file(tmp_path):
    folder = project(tmp_path)
    run(folder)
    done = cli_in_process("baseline", "--results", "mlsmoke-out/results.json", "-o", "known.json", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert len(json.loads((folder / "known.json").read_text())["entries"]) == 2
    assert not (folder / ".mlsmoke").exists()


def test_the_config_names_the_baseline_file(tmp_path):
    config = CONFIG.rstrip(" ") + "    baseline: {file: ci/known.json}\n"
    folder = project(tmp_path, config=config)
    cli_in_process("baseline", cwd=folder)
    assert (folder / "ci" / "known.json").is_file()
    assert run(folder).returncode == 0
    assert results(folder)["baseline"]["file"] == "ci/known.json"


@pytest.mark.parametrize("path", ["../known.json", "/tmp/known.json", ".git/known.json"])
def test_a_baseline_file_outside_the_project_is_refused(tmp_path, path):
    (tmp_path / "p").mkdir()
    folder = project(tmp_path / "p", config=CONFIG.rstrip(" ") + f"    baseline: {{file: \"{path}\"}}\n")
    done = run(folder)
    assert done.returncode == 2
    assert "baseline.file" in done.stderr


@pytest.mark.parametrize(("text", "says"), [
    ("{not json", "is not valid JSON"),
    ('{"version": 1, "entries": [{"check": "data.nulls"}]}', "is not an mlsmoke baseline file"),
    ('{"version": 2, "entries": []}', "is not an mlsmoke baseline file"),
    ("[" * 500 + "]" * 500, "nested deeper than"),
    ('{"version": 1, "entries": [], "pad": "' + "x" * (9 * 1024 * 1024) + '"}', "larger than 8 MiB"),
])
def test_a_malformed_or_hostile_baseline_file_is_exit_2_naming_it(tmp_path, text, says):
    folder = project(tmp_path)
    (folder / ".mlsmoke").mkdir()
    (folder / ".mlsmoke" / "baseline.json").write_text(text, encoding="utf-8")
    done = run(folder)
    assert done.returncode == 2
    assert "baseline.json" in done.stderr and says in done.stderr


def test_an_empty_baseline_file_is_read_and_gates_as_usual(tmp_path):
    folder = project(tmp_path)  # the twin of the malformed files: a valid one is read
    (folder / ".mlsmoke").mkdir()
    (folder / ".mlsmoke" / "baseline.json").write_text('{"version": 1, "entries": []}', encoding="utf-8")
    assert run(folder).returncode == 1
    assert results(folder)["baseline"]["new"] == 2


PIPELINE = """
    version: 1
    contracts:
      t: {columns: {a: {type: int, min: 0}}}
    pipeline:
      contract: t
      rows: 5
      command: "python3 -c 'import sys; sys.exit(3)'"
    """


def test_a_baselined_pipeline_step_is_known_and_another_step_failing_is_new(tmp_path):
    write_config(tmp_path, PIPELINE)
    cli_in_process("baseline", cwd=tmp_path)
    [entry] = baseline_file(tmp_path)["entries"]
    assert (entry["check"], entry["fingerprint"]) == ("pipeline.run", {"step": "run"})
    assert run(tmp_path).returncode == 0
    write_config(tmp_path, PIPELINE.rstrip(" ") + '      setup: "python3 -c \'import sys; sys.exit(1)\'"\n')
    assert run(tmp_path).returncode == 1
    assert [c["id"] for c in results(tmp_path)["checks"] if c.get("baseline") == "new"] == ["pipeline.setup"]


def test_a_baseline_fixed_whole_adds_no_zero_counts_to_the_headline(tmp_path):
    folder = project(tmp_path)
    cli_in_process("baseline", cwd=folder)
    (folder / "d.csv").write_text("a,b,c\n1,x,1\n", encoding="utf-8")  # every entry fixed
    assert run(folder).returncode == 0
    report = (folder / "mlsmoke-out" / "report.md").read_text(encoding="utf-8")
    assert "new failures" not in report.splitlines()[3]  # not "0 new failures (0 known, baselined)"
    assert "passes now: remove it from the baseline" in report
