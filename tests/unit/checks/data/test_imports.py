"""The data-only path stays light: `mlsmoke run --only data` on a small file (with failures to
report) never imports pandas or scipy, nor the GitHub client (requests, the API and artifact
modules: only a publish or a compare against an artifact needs them). A test of what is
imported, not of time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

_RUN = """
import runpy, sys
sys.argv = ["mlsmoke", "run", "--only", "data", "--no-publish", "--config", sys.argv[1], "--out", sys.argv[2]]
try:
    runpy.run_module("checker", run_name="__main__")
except SystemExit as exit:
    code = exit.code
heavy = ("pandas", "scipy", "requests", "checker.github.api", "checker.github.artifacts")
print("heavy:", ",".join(sorted(m for m in heavy if m in sys.modules)), "exit:", code)
"""


def test_data_only_run_imports_neither_pandas_scipy_nor_the_github_client(tmp_path: Path) -> None:
    table = pa.table({"id": [1, 2, 2, 4], "x": [0.5, 7.0, None, 0.1], "kind": ["a", "b", "z", "a"]})
    pq.write_table(table, tmp_path / "small.parquet")
    pacsv.write_csv(table, tmp_path / "small.csv")
    contract = {"columns": {"id": {"type": "int", "unique": True},
                            "x": {"type": "float", "min": 0, "max": 1},
                            "kind": {"type": "category", "allowed": ["a", "b"]}}}
    config = tmp_path / "mlsmoke.yml"
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": contract},
                                      "data": [{"contract": "small", "files": "small.*"}]}))
    done = subprocess.run([sys.executable, "-c", _RUN, str(config), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[4])
    assert done.stdout.strip().splitlines()[-1] == "heavy:  exit: 1", done.stdout + done.stderr
    assert (tmp_path / "out" / "report.md").exists()
