"""checker/checks/pipeline/probe.py run directly, as mlsmoke runs it: by an interpreter that is not the
checker's (the cached user venv), or one with no third-party packages at all (`python -S`)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from user_env import user_venv

from checker.checks.pipeline.probing import PROBE_SCRIPT

TYPES = {"alcohol": "float", "year": "int", "organic": "bool", "harvested": "datetime", "color": "string"}
ROWS = [[12.5, 2019, True, "2020-05-01T00:00:00", "red"], [14.0, 2020, False, "2021-06-02T12:00:00", "white"]]


PICKLE_IT = "import pickle, {module}\npickle.dump({module}.{cls}(), open('m.pkl', 'wb'))\n"


def _probe(python: list[str], folder: Path, model: str, *, types: dict[str, str] = TYPES,
           rows: list[list[Any]] = ROWS) -> dict[str, Any]:
    """The probe's answer for one model."""
    request = {"columns": list(types), "types": types,
               "models": [{"path": str(folder / model), "format": None, "batches": {"rows": rows}}]}
    (folder / "request.json").write_text(json.dumps(request))
    subprocess.run([*python, str(PROBE_SCRIPT), "request.json", "response.json"], cwd=folder,
                   check=True, timeout=120, capture_output=True)
    response = json.loads((folder / "response.json").read_text())
    assert response["python"] and len(response["models"]) == 1
    return response["models"][0]


def _venv_python() -> list[str]:
    return [str(user_venv() / "bin" / "python")]


def _write(folder: Path, name: str, code: str) -> None:
    (folder / name).write_text(textwrap.dedent(code))


def test_without_pandas_the_model_gets_row_lists(tmp_path: Path) -> None:
    _write(tmp_path, "echo_model.py", """
        class Echo:
            def predict(self, rows):
                return [type(rows).__name__ + ":" + str(len(row)) for row in rows]
    """)
    _write(tmp_path, "make.py", PICKLE_IT.format(module="echo_model", cls="Echo"))
    subprocess.run([sys.executable, "-S", "make.py"], cwd=tmp_path, check=True, timeout=60)
    response = _probe([sys.executable, "-S"], tmp_path, "m.pkl")
    assert response["load"]["ok"] and response["load"]["model_type"] == "echo_model.Echo"
    assert response["batches"]["rows"]["values"] == ["list:5", "list:5"]


def test_with_pandas_the_frame_is_typed_from_the_contract(tmp_path: Path) -> None:
    _write(tmp_path, "dtype_model.py", """
        class Dtypes:
            def predict(self, frame):
                return [",".join(str(frame[c].dtype) for c in frame.columns)] * len(frame)
    """)
    _write(tmp_path, "make.py", PICKLE_IT.format(module="dtype_model", cls="Dtypes"))
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=60)
    response = _probe(_venv_python(), tmp_path, "m.pkl")
    dtypes = response["batches"]["rows"]["values"][0].split(",")
    assert dtypes[:3] == ["float64", "int64", "bool"] and dtypes[3].startswith("datetime64")
    assert dtypes[4] in ("object", "str")


SKLEARN = """
    import joblib, pandas as pd
    from sklearn.linear_model import LinearRegression
    frame = pd.DataFrame({"year": [2019, 2020, 2021], "alcohol": [10.0, 12.0, 14.0]})
    joblib.dump(LinearRegression().fit(frame, [1.0, 2.0, 3.0]), "m.joblib")
"""


def test_columns_follow_the_order_a_fitted_model_remembers(tmp_path: Path) -> None:
    _write(tmp_path, "make.py", SKLEARN)
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=120)
    response = _probe(_venv_python(), tmp_path, "m.joblib", types={"alcohol": "float", "year": "int"},
                      rows=[[12.0, 2020], [14.0, 2021]])
    assert response["load"]["feature_names"] == ["year", "alcohol"]
    assert [round(v, 6) for v in response["batches"]["rows"]["values"]] == [2.0, 3.0]


def test_a_fitted_model_with_other_columns_is_a_clear_failure(tmp_path: Path) -> None:
    _write(tmp_path, "make.py", SKLEARN)
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=120)
    batch = _probe(_venv_python(), tmp_path, "m.joblib")["batches"]["rows"]
    assert batch["ok"] is False and batch["kind"] == "columns"
    assert "it was not fitted on organic, harvested, color" in batch["error"]


def test_load_failures_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "text.joblib").write_text("not a model")
    unreadable = _probe(_venv_python(), tmp_path, "text.joblib")["load"]
    assert unreadable["ok"] is False and unreadable["kind"] == "unreadable"
    missing = _probe(_venv_python(), tmp_path, "absent.pkl")["load"]
    assert missing["kind"] == "unreadable" and "No such file" in missing["error"]
    no_skops = _probe(_venv_python(), tmp_path, "m.skops")["load"]
    assert no_skops["kind"] == "missing_module" and no_skops["module"] == "skops"
    _write(tmp_path, "make.py", "import pickle\npickle.dump({'weights': [1, 2]}, open('d.pkl', 'wb'))\n")
    subprocess.run([sys.executable, "make.py"], cwd=tmp_path, check=True, timeout=60)
    no_predict = _probe(_venv_python(), tmp_path, "d.pkl")["load"]
    assert no_predict["kind"] == "no_predict" and "builtins.dict" in no_predict["error"]


def test_several_models_share_one_probe_run(tmp_path: Path) -> None:
    _write(tmp_path, "make.py", SKLEARN)
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=120)
    (tmp_path / "bad.joblib").write_text("oops")
    batch = {"rows": [[12.0, 2020]]}
    request = {"columns": ["alcohol", "year"], "types": {"alcohol": "float", "year": "int"},
               "models": [{"path": "m.joblib", "format": None, "batches": batch},
                          {"path": "bad.joblib", "format": None, "batches": batch},
                          {"path": "m.joblib", "format": "joblib", "batches": batch}]}
    (tmp_path / "request.json").write_text(json.dumps(request))
    subprocess.run([*_venv_python(), str(PROBE_SCRIPT), "request.json", "response.json"], cwd=tmp_path,
                   check=True, timeout=120)
    first, bad, third = json.loads((tmp_path / "response.json").read_text())["models"]
    assert first["batches"] == third["batches"] and first["load"]["ok"]
    assert bad["load"]["ok"] is False and "batches" not in bad
