"""checker/checks/pipeline/probe.py run directly, as mlsmoke runs it, by an interpreter with no
third-party packages at all (`python -S`). The same script in a real user venv (pandas,
scikit-learn) is tested in tests/integration/test_probe_user_venv.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from probe_script import PICKLE_IT, probe, write_source


def test_without_pandas_the_model_gets_row_lists(tmp_path: Path) -> None:
    write_source(tmp_path, "echo_model.py", """
        class Echo:
            def predict(self, rows):
                return [type(rows).__name__ + ":" + str(len(row)) for row in rows]
    """)
    write_source(tmp_path, "make.py", PICKLE_IT.format(module="echo_model", cls="Echo"))
    subprocess.run([sys.executable, "-S", "make.py"], cwd=tmp_path, check=True, timeout=60)
    response = probe([sys.executable, "-S"], tmp_path, "m.pkl")
    assert response["load"]["ok"] and response["load"]["model_type"] == "echo_model.Echo"
    assert response["batches"]["rows"]["values"] == ["list:5", "list:5"]


def test_scores_come_from_the_methods_the_model_has(tmp_path: Path) -> None:
    write_source(tmp_path, "scored_model.py", """
        class Scored:
            def predict(self, rows):
                return [1 for _ in rows]

            def predict_proba(self, rows):
                return [[0.25, 0.75] for _ in rows]

            def decision_function(self, rows):
                raise ValueError("not fitted for margins")
    """)
    write_source(tmp_path, "make.py", PICKLE_IT.format(module="scored_model", cls="Scored"))
    subprocess.run([sys.executable, "-S", "make.py"], cwd=tmp_path, check=True, timeout=60)
    batch = probe([sys.executable, "-S"], tmp_path, "m.pkl", scores=True)["batches"]["rows"]
    assert batch["values"] == [1, 1]
    assert batch["scores"]["predict_proba"]["values"] == [[0.25, 0.75], [0.25, 0.75]]
    assert batch["scores"]["decision_function"] == {"ok": False,
                                                    "error": "ValueError: not fitted for margins"}
    plain = probe([sys.executable, "-S"], tmp_path, "m.pkl")["batches"]["rows"]
    assert "scores" not in plain
