"""No run imports pydantic: the config and contract models are checker.shape's. `mlsmoke
validate` and a data-only `mlsmoke run`, each in a fresh interpreter, are watched through
sys.modules; the twin shows the watch sees imports (the models' own engine is there), and a
config with every section builds its models without pydantic too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO

_WATCH = """
import json, runpy, sys
sys.argv = ["mlsmoke", *sys.argv[1:]]
try:
    runpy.run_module("checker", run_name="__main__")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""

CONTRACT = {"columns": {"id": {"type": "int", "unique": True}, "x": {"type": "float", "min": 0, "max": 1}}}
SECTIONS: dict[str, Any] = {
    "pipeline": {"contract": "small", "command": "python train.py", "model": {"path": "m.joblib"}},
    "endpoint": {"url": "http://127.0.0.1:9/", "contract": "small", "metrics": True},
    "compare": {"latency": {"p95_increase_max": "25%"}},
    "drift": [{"contract": "small", "reference": "small.csv", "current": "small.csv"}],
}


def _project(folder: Path, **sections: Any) -> Path:
    (folder / "small.csv").write_text("id,x\n1,0.5\n2,7\n", encoding="utf-8")
    config = folder / "mlsmoke.yml"
    config.write_text(yaml.safe_dump({"version": 1, "contracts": {"small": CONTRACT},
                                      "data": [{"contract": "small", "files": "small.csv"}], **sections}))
    return config


def _modules(config: Path, *command: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "GITHUB_ACTIONS": "false"}
    done = subprocess.run([sys.executable, "-c", _WATCH, *command, "--config", str(config)],
                          capture_output=True, text=True, timeout=120, cwd=config.parent, env=env)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _pydantic(found: dict[str, Any]) -> list[str]:
    return [name for name in found["modules"] if name.split(".")[0] in ("pydantic", "pydantic_core")]


COMMANDS = [("validate",), ("run", "--only", "data", "--no-publish", "--out", "out")]


@pytest.mark.parametrize("command", COMMANDS)
def test_validate_and_a_data_only_run_import_no_pydantic(tmp_path: Path, command: tuple[str, ...]) -> None:
    found = _modules(_project(tmp_path), *command)
    assert found["exit"] in (0, 1)  # the run finds x = 7 above max
    assert "checker.shape.model" in found["modules"] and "checker.config.schema" in found["modules"]
    assert _pydantic(found) == []


def test_every_section_validates_without_pydantic(tmp_path: Path) -> None:
    found = _modules(_project(tmp_path, **SECTIONS), "validate")
    assert found["exit"] == 0
    sections = {f"checker.config.{name}_schema" for name in ("pipeline", "endpoint", "metrics", "compare")}
    assert sections <= set(found["modules"])
    assert _pydantic(found) == []
