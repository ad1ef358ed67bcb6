"""The data-only path stays light: `mlsmoke run --only data` on a small file (with failures to
report, whole rows repeated among them: `unique_rows`) never imports pandas or scipy, nor
pyarrow.compute (its import builds a wrapper for every
compute function: checker.tables.compute calls them directly) or numpy.ma (np.unique asks it),
nor the GitHub client (requests, the API and artifact modules: only a publish or a compare
against an artifact needs them). A test of what is imported, not of time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

_RUN = """
import runpy, sys
for module in sys.argv[3:]:
    __import__(module)
sys.argv = ["mlsmoke", "run", "--only", "data", "--no-publish", "--config", sys.argv[1], "--out", sys.argv[2]]
try:
    runpy.run_module("checker", run_name="__main__")
except SystemExit as exit:
    code = exit.code
heavy = ("pandas", "scipy", "requests", "checker.github.api", "checker.github.artifacts", "pyarrow.compute",
         "numpy.ma")
print("heavy:", ",".join(sorted(m for m in heavy if m in sys.modules)), "exit:", code)
"""


def _small_run(folder: Path, *imported: str) -> str:
    """The last line of a data-only run on a small Parquet and CSV file (every rule failing once,
    a dictionary column among them, the last row repeating the first) and a JSON Lines file of
    mixed types (its last row repeating its first too), run after importing `imported`."""
    kind = pa.array(["a", "b", "z", "a", "a"]).dictionary_encode()
    table = pa.table({"id": [1, 2, 2, 4, 1], "x": [0.5, 7.0, None, 0.1, 0.5], "kind": kind,
                      "code": ["AB1", "x", None, "AB2", "AB1"], "age": ["1", "two", "3", None, "1"]})
    pq.write_table(table, folder / "small.parquet")
    pacsv.write_csv(table, folder / "small.csv")
    # JSON Lines whose `age` mixes JSON types: read again value by value, as JSON text
    rows = [{"id": 1, "x": 0.5, "kind": "a", "code": "AB1", "age": 1},
            {"id": 2, "x": 7.0, "kind": "b", "age": "two"}, {"id": 2, "kind": "z", "code": "x", "age": None},
            {"id": 1, "x": 0.5, "kind": "a", "code": "AB1", "age": 1}]
    (folder / "small.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    contract = {"columns": {"id": {"type": "int", "unique": True},
                            "x": {"type": "float", "min": 0, "max": 1, "nullable": False},
                            "kind": {"type": "category", "allowed": ["a", "b"]},
                            "code": {"type": "string", "pattern": "AB[0-9]", "unique": True},
                            "age": {"type": "int", "min": 0}}, "unique_rows": True}
    config = folder / "mlsmoke.yml"
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": contract},
                                      "data": [{"contract": "small", "files": "small.*"}]}))
    done = subprocess.run([sys.executable, "-c", _RUN, str(config), str(folder / "out"), *imported],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[4])
    assert (folder / "out" / "report.md").exists(), done.stdout + done.stderr
    assert any((folder / "out" / "failing-rows").iterdir())
    results = json.loads((folder / "out" / "results.json").read_text())["checks"]
    whole = [r["metrics"]["by_column"].get("(whole row)") for r in results if r["id"] == "data.unique"]
    assert whole == [2, 2, 2], whole  # every file: the repeated row and the row it repeats
    return done.stdout.strip().splitlines()[-1]


def test_data_only_run_imports_neither_pandas_scipy_nor_the_github_client(tmp_path: Path) -> None:
    assert _small_run(tmp_path) == "heavy:  exit: 1"


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    assert _small_run(tmp_path, "pyarrow.compute", "numpy.ma") == "heavy: numpy.ma,pyarrow.compute exit: 1"


def test_the_check_sees_pandas(tmp_path: Path) -> None:
    """What `unique_rows` imported before its row hash was its own (pandas' hash_pandas_object)."""
    heavy = _small_run(tmp_path, "pandas").split()[1].split(",")
    assert "pandas" in heavy
