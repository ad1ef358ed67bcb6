"""checker/checks/pipeline/probe.py run by an interpreter that is not the checker's: the cached
user venv (the example's requirements: pandas, scikit-learn, joblib), as mlsmoke runs it for a
user's project. Slow: the venv is built on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from probe_script import PICKLE_IT, probe, write_source
from user_env import user_venv

from checker.checks.pipeline.probing import PROBE_SCRIPT

pytestmark = pytest.mark.slow


def _venv_python() -> list[str]:
    return [str(user_venv() / "bin" / "python")]


def test_with_pandas_the_frame_is_typed_from_the_contract(tmp_path: Path) -> None:
    write_source(tmp_path, "dtype_model.py", """
        class Dtypes:
            def predict(self, frame):
                return [",".join(str(frame[c].dtype) for c in frame.columns)] * len(frame)
    """)
    write_source(tmp_path, "make.py", PICKLE_IT.format(module="dtype_model", cls="Dtypes"))
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=60)
    response = probe(_venv_python(), tmp_path, "m.pkl")
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
    write_source(tmp_path, "make.py", SKLEARN)
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=120)
    response = probe(_venv_python(), tmp_path, "m.joblib", types={"alcohol": "float", "year": "int"},
                      rows=[[12.0, 2020], [14.0, 2021]])
    assert response["load"]["feature_names"] == ["year", "alcohol"]
    assert [round(v, 6) for v in response["batches"]["rows"]["values"]] == [2.0, 3.0]


def test_a_fitted_model_with_other_columns_is_a_clear_failure(tmp_path: Path) -> None:
    write_source(tmp_path, "make.py", SKLEARN)
    subprocess.run([*_venv_python(), "make.py"], cwd=tmp_path, check=True, timeout=120)
    batch = probe(_venv_python(), tmp_path, "m.joblib")["batches"]["rows"]
    assert batch["ok"] is False and batch["kind"] == "columns"
    assert "it was not fitted on organic, harvested, color" in batch["error"]


def test_load_failures_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "text.joblib").write_text("not a model")
    unreadable = probe(_venv_python(), tmp_path, "text.joblib")["load"]
    assert unreadable["ok"] is False and unreadable["kind"] == "unreadable"
    missing = probe(_venv_python(), tmp_path, "absent.pkl")["load"]
    assert missing["kind"] == "unreadable" and "No such file" in missing["error"]
    no_skops = probe(_venv_python(), tmp_path, "m.skops")["load"]
    assert no_skops["kind"] == "missing_module" and no_skops["module"] == "skops"
    write_source(tmp_path, "make.py",
                 "import pickle\npickle.dump({'weights': [1, 2]}, open('d.pkl', 'wb'))\n")
    subprocess.run([sys.executable, "make.py"], cwd=tmp_path, check=True, timeout=60)
    no_predict = probe(_venv_python(), tmp_path, "d.pkl")["load"]
    assert no_predict["kind"] == "no_predict" and "builtins.dict" in no_predict["error"]


def test_several_models_share_one_probe_run(tmp_path: Path) -> None:
    write_source(tmp_path, "make.py", SKLEARN)
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
