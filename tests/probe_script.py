"""Drive checker/checks/pipeline/probe.py directly, as mlsmoke runs it: write a request, run the
script with a given interpreter, read its answer for one model."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from checker.checks.pipeline.probing import PROBE_SCRIPT

TYPES = {"alcohol": "float", "year": "int", "organic": "bool", "harvested": "datetime", "color": "string"}
ROWS = [[12.5, 2019, True, "2020-05-01T00:00:00", "red"], [14.0, 2020, False, "2021-06-02T12:00:00", "white"]]
PICKLE_IT = "import pickle, {module}\npickle.dump({module}.{cls}(), open('m.pkl', 'wb'))\n"


def probe(python: list[str], folder: Path, model: str, *, types: dict[str, str] = TYPES,  # noqa: PLR0913
          rows: list[list[Any]] = ROWS, scores: bool = False) -> dict[str, Any]:
    """The probe's answer for one model (`scores`: predict_proba and decision_function too)."""
    request = {"columns": list(types), "types": types,
               "models": [{"path": str(folder / model), "format": None, "batches": {"rows": rows},
                           "scores": scores}]}
    (folder / "request.json").write_text(json.dumps(request))
    subprocess.run([*python, str(PROBE_SCRIPT), "request.json", "response.json"], cwd=folder,
                   check=True, timeout=120, capture_output=True)
    response = json.loads((folder / "response.json").read_text())
    assert response["python"] and len(response["models"]) == 1
    answer: dict[str, Any] = response["models"][0]
    return answer


def write_source(folder: Path, name: str, code: str) -> None:
    (folder / name).write_text(textwrap.dedent(code))
