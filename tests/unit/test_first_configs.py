"""The first configs a new user writes for the data family: one data file and nothing else, then
the smallest contract that checks it. Each ends in a clear exit 2 or the right verdict."""

from __future__ import annotations

import json

from helpers import cli_in_process as cli
from helpers import write_config

NO_GITHUB = {"GITHUB_ACTIONS": "false"}


def _project(tmp_path, config: str, csv: str = "id,name\n1,a\n2,b\n"):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text(csv, encoding="utf-8")
    write_config(tmp_path, config)


def test_one_data_file_and_nothing_else_is_exit_2_saying_how_to_get_a_contract(tmp_path):
    _project(tmp_path, "version: 1\ndata:\n  - files: data/x.csv\n")
    for command in (("validate",), ("run", "--no-publish")):
        done = cli(*command, cwd=tmp_path, env=NO_GITHUB)
        assert done.returncode == 2, done.stderr
        assert "mlsmoke.yml:3: data[0]: missing required key 'contract'" in done.stderr
        assert "mlsmoke infer" in done.stderr and "Traceback" not in done.stderr


SMALLEST = """version: 1
contracts:
  x:
    columns:
      id: {type: int, unique: true}
      name: {type: string}
data:
  - contract: x
    files: data/x.csv
"""


def test_the_smallest_contract_on_one_file_passes(tmp_path):
    _project(tmp_path, SMALLEST)
    done = cli("run", "--no-publish", "--out", "out", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["status"] == "pass"
    assert {c["id"] for c in results["checks"]} >= {"data.readable", "data.columns", "data.unique"}


def test_the_smallest_contract_on_a_file_that_breaks_it_fails(tmp_path):
    _project(tmp_path, SMALLEST, csv="id,name\n1,a\n1,b\n")
    done = cli("run", "--no-publish", "--out", "out", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 1, done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    unique = next(c for c in results["checks"] if c["id"] == "data.unique")
    assert unique["status"] == "fail" and unique["metrics"]["violations"] == 2
