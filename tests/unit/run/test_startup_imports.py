"""A data-only run pays only for what it uses: `mlsmoke run --only data` on a small file (with
failures to report) imports neither pandas nor scipy, nor the models of config sections it does
not have, nor the GitHub client, nor git and the contract diff (no base ref), the deployment
event (not a `deployment_status` run), CSV's readers (a Parquet file), the chart builders and
records (no chart to draw), pyarrow.parquet and its filesystems (never), the comparison's view
(nothing compared), the baseline's records (no baseline file), difflib (no name to suggest) or a
template engine (the report is laid out in Python: render/layout.py), nor hashlib (no
failing-rows file name to shorten), nor the page index's reader (the file has none), nor the other
commands' options. The twins show the test sees imports: a config with drift imports scipy, one
with an endpoint and a pipeline builds their models, a CSV file imports CSV's readers, a base
ref git and the diff, a `deployment_status` event its reader, a comparison its view, a baseline
file its records, a misspelt column difflib, a data file with a long name hashlib, a page index
its reader, `validate` the other commands. A run that passes imports neither the evidence's view
nor csv (no section to show, no failing rows to write); a failing one does. A test of what is
imported, not of time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from tests.helpers import REPO

HEAVY = ("pandas", "scipy", "requests", "checker.github.api", "checker.github.artifacts",
         "checker.config.endpoint_schema", "checker.config.metrics_schema", "checker.config.pipeline_schema",
         "checker.config.compare_schema", "checker.checks.drift.family",
         "checker.tables.csv_spans", "checker.tables.csv_pieces", "checker.tables.csv_read",
         "checker.tables.csv_lines",  # CSV's own
         "checker.checks.compat.git", "checker.contracts.diff",  # only with a base ref
         "checker.github.deployment",  # only on a `deployment_status` run
         "checker.render.charts.drift", "checker.render.charts.latency",  # only with a chart to draw
         "checker.render.charts.view", "checker.render.charts.mermaid",
         "checker.render.compare_view", "checker.results.compare",  # only with a comparison
         "checker.results.baseline",  # only with a baseline file
         "checker.tables.text_reread",  # CSV's and JSON Lines' rereads
         "difflib",  # only to suggest a name in a message
         "hashlib",  # only for a failing-rows file name too long or too alike to keep whole
         "checker.tables.page_index",  # only for a Parquet file with a page index that may prove a rule
         "checker.commands",  # only for a command besides `run`
         "pyarrow.parquet", "pyarrow.fs",  # never: Parquet is read through tables/parquet_file.py
         "xml.etree.ElementTree",  # never: junit.xml is written as text (test_junit.py: byte for byte)
         "jinja2", "markupsafe")  # never: the report is laid out in Python (render/layout.py)
CSV_READERS = {"checker.tables.csv_spans", "checker.tables.csv_pieces", "checker.tables.csv_read",
               "checker.tables.csv_lines", "checker.tables.text_reread"}

_RUN = """
import json, runpy, sys

import checker.checks.engine as engine
first_check = []  # whether pyarrow was imported when the first check began
timed = engine._timed
def first_timed(check, subject):
    first_check.append("pyarrow" in sys.modules)
    return timed(check, subject)
engine._timed = first_timed
sys.argv = ["mlsmoke", "run", "--no-publish", *sys.argv[1:]]
try:
    runpy.run_module("checker", run_name="__main__")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"exit": code, "modules": sorted(sys.modules),
                  "pyarrow_first": first_check[:1]}))
"""

CONTRACT = {"columns": {"id": {"type": "int", "unique": True},
                        "x": {"type": "float", "min": 0, "max": 1},
                        "kind": {"type": "category", "allowed": ["a", "b"]}}}


def _project_table() -> pa.Table:
    return pa.table({"id": [1, 2, 2, 4], "x": [0.5, 7.0, None, 0.1], "kind": ["a", "b", "z", "a"]})


def _project(folder: Path, **sections: Any) -> Path:
    pq.write_table(_project_table(), folder / "small.parquet")
    config = folder / "mlsmoke.yml"
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": CONTRACT},
                                      "data": [{"contract": "small", "files": "small.parquet"}], **sections}))
    return config


def _run(config: Path, *options: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """One run in a fresh interpreter; its exit code and the modules it imported."""
    scratch = config.parent / "tmp"
    scratch.mkdir(exist_ok=True)
    outside = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}  # CI's PR: a base ref
    env = {**outside, "TMPDIR": str(scratch), "PYTHONPATH": str(REPO), **(environ or {})}
    done = subprocess.run([sys.executable, "-c", _RUN, "--config", str(config), "--out",
                           str(config.parent / "out"), *options],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _heavy(found: dict[str, Any]) -> list[str]:
    return [module for module in HEAVY if module in found["modules"]]


def test_a_data_only_run_imports_nothing_it_does_not_use(tmp_path):
    config = _project(tmp_path)
    found = _run(config, "--only", "data")
    assert found["exit"] == 1  # the planted faults fail
    assert _heavy(found) == []
    assert "## ❌" in (tmp_path / "out" / "report.md").read_text()


def test_the_data_checks_libraries_are_imported_with_the_start_up_not_by_the_first_check(tmp_path):
    """CheckGroup.prepare: pyarrow comes in before any check runs, where the collector is
    paused (run/collector.py). The twin: an endpoint-only run, whose checks need no pyarrow,
    has not imported it when its first check begins."""
    assert _run(_project(tmp_path), "--only", "data")["pyarrow_first"] == [True]
    endpoint = _project(tmp_path, endpoint={"url": "http://127.0.0.1:9/predict", "contract": "small"})
    assert _run(endpoint, "--only", "endpoint", "--deadline", "1s")["pyarrow_first"] == [False]


ONLY_FOR_FAILURES = {"checker.render.evidence", "csv"}


def test_a_passing_run_imports_neither_the_evidence_view_nor_csv(tmp_path):
    config = _project(tmp_path)
    clean = pa.table({"id": [1, 2, 3, 4], "x": [0.5, 0.7, 0.2, 0.1], "kind": ["a", "b", "b", "a"]})
    pq.write_table(clean, tmp_path / "small.parquet")
    passed = _run(config, "--only", "data")
    assert passed["exit"] == 0
    assert ONLY_FOR_FAILURES.isdisjoint(passed["modules"])
    pq.write_table(_project_table(), tmp_path / "small.parquet")  # the twin: the planted faults
    failed = _run(config, "--only", "data")
    assert failed["exit"] == 1
    assert set(failed["modules"]) >= ONLY_FOR_FAILURES


def test_a_config_with_drift_imports_scipy(tmp_path):
    config = _project(tmp_path, drift=[{"contract": "small", "reference": "small.parquet",
                                        "current": "small.parquet"}])
    found = _run(config, "--only", "drift")
    assert {"scipy", "checker.checks.drift.family"} <= set(_heavy(found))


@pytest.mark.parametrize(("section", "model"), [
    ({"endpoint": {"url": "http://127.0.0.1:9/predict", "contract": "small"}},
     "checker.config.endpoint_schema"),
    ({"pipeline": {"contract": "small", "command": "true"}}, "checker.config.pipeline_schema"),
    ({"compare": None}, "checker.config.compare_schema"),
])
def test_a_config_with_a_section_builds_its_models(tmp_path, section, model):
    found = _run(_project(tmp_path, **section), "--only", "data")
    assert model in _heavy(found)


def test_a_csv_run_imports_the_csv_line_proof(tmp_path):
    config = _project(tmp_path)
    (tmp_path / "small.csv").write_text("id,x,kind\n1,0.5,a\n2,7.0,b\n2,,z\n4,0.1,a\n")
    config.write_text(config.read_text().replace("small.parquet", "small.csv"))
    found = _run(config, "--only", "data")
    assert found["exit"] == 1
    assert set(_heavy(found)) >= CSV_READERS


def test_a_run_with_a_base_ref_imports_git_and_the_contract_diff(tmp_path):
    config = _project(tmp_path, compatibility={"base_ref": "HEAD"})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *args], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    found = _run(config, "--only", "data")
    assert found["exit"] == 1
    assert {"checker.checks.compat.git", "checker.contracts.diff"} <= set(_heavy(found))


def test_a_deployment_status_run_imports_the_deployment_event(tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"deployment_status": {"state": "failure", "environment": "staging"},
                                 "deployment": {"id": 1, "environment": "staging"}}))
    found = _run(_project(tmp_path), "--only", "data",
                 environ={"GITHUB_EVENT_NAME": "deployment_status", "GITHUB_EVENT_PATH": str(event)})
    assert found["exit"] == 0  # not live: nothing is checked
    assert "checker.github.deployment" in _heavy(found)


def test_a_run_with_a_chart_to_draw_imports_the_chart_builders(tmp_path):
    shifted = pa.table({"id": [1, 2, 3, 4] * 25, "x": [0.9] * 100, "kind": ["b"] * 100})
    pq.write_table(shifted, tmp_path / "shifted.parquet")
    config = _project(tmp_path, drift=[{"contract": "small", "reference": "small.parquet",
                                        "current": "shifted.parquet"}])
    found = _run(config, "--only", "drift")
    assert {"checker.render.charts.drift", "checker.render.charts.latency", "checker.render.charts.view",
            "checker.render.charts.mermaid"} <= set(_heavy(found))


def test_a_run_that_compares_imports_the_comparisons_view(tmp_path):
    config = _project(tmp_path, compare={"results": "base-results.json"})  # missing: skipped, and said
    found = _run(config, "--only", "data,compare")
    assert {"checker.render.compare_view", "checker.results.compare"} <= set(_heavy(found))


def test_a_run_with_a_baseline_file_imports_the_baselines_records(tmp_path):
    config = _project(tmp_path)
    (tmp_path / ".mlsmoke").mkdir()
    (tmp_path / ".mlsmoke" / "baseline.json").write_text(json.dumps({"version": 1, "entries": []}))
    found = _run(config, "--only", "data")
    assert found["exit"] == 1
    assert "checker.results.baseline" in _heavy(found)


def test_a_misspelt_column_imports_difflib_for_its_suggestion(tmp_path):
    config = _project(tmp_path)
    table = pa.table({"id": [1, 2], "x": [0.5, 0.1], "kinds": ["a", "b"]})  # `kind` misspelt
    pq.write_table(table, tmp_path / "small.parquet")
    found = _run(config, "--only", "data")
    assert found["exit"] == 1
    assert "difflib" in _heavy(found)


def test_a_data_file_with_a_long_name_imports_hashlib_for_its_failing_rows_file(tmp_path):
    config = _project(tmp_path)
    long_name = "a-long-name-" * 12 + ".parquet"  # its failing-rows file name keeps a hash
    (tmp_path / "small.parquet").rename(tmp_path / long_name)
    config.write_text(config.read_text().replace("small.parquet", long_name))
    found = _run(config, "--only", "data")
    assert found["exit"] == 1
    assert "hashlib" in _heavy(found)
    (written,) = (tmp_path / "out" / "failing-rows").iterdir()
    assert re.fullmatch(r"small__a-long-name-.*-[0-9a-f]{10}\.csv", written.name)  # cut, with its hash


@pytest.mark.parametrize("page_index", [False, True])
def test_only_a_file_with_a_page_index_imports_its_reader(tmp_path, page_index):
    """An int32 column whose range the row group's statistics do not prove: its pages may,
    where the writer wrote them."""
    pq.write_table(pa.table({"n": pa.array([1, 20, 3, 4], pa.int32())}), tmp_path / "small.parquet",
                   write_page_index=page_index)
    config = tmp_path / "mlsmoke.yml"
    contract = {"columns": {"n": {"type": "int", "min": 0, "max": 10}}}
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": contract},
                                      "data": [{"contract": "small", "files": "small.parquet"}]}))
    found = _run(config, "--only", "data")
    assert found["exit"] == 1  # 20 is out of range either way
    assert ("checker.tables.page_index" in found["modules"]) is page_index


def test_a_command_besides_run_builds_the_other_commands(tmp_path):
    script = ("import runpy, sys\nsys.argv = ['mlsmoke', 'validate', '--config', sys.argv[1]]\n"
              "try:\n    runpy.run_module('checker', run_name='__main__')\nexcept SystemExit:\n    pass\n"
              "print('checker.commands' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(_project(tmp_path))], capture_output=True,
                          text=True, timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "valid (1 contract, data)" in done.stdout
    assert done.stdout.splitlines()[-1] == "True"
