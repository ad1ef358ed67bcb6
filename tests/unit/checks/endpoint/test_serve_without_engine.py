"""endpoint.serve with no Docker engine at all: in the action's Docker-free mode
(`runner: python`, MLSMOKE_RUNNER=python) a clear skip, and the entry's later checks skip with
it; anywhere else (the image, a local run) a failure, since the engine was expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli_in_process, write_config

CONFIG = """\
version: 1
contracts:
  t:
    columns:
      a: {type: int}
data:
  - {contract: t, files: t.csv}
endpoint:
  name: model
  contract: t
  serve: {image: "example/model:1", port: 18931}
"""
NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def endpoint_checks(tmp_path: Path, env: dict[str, str]) -> tuple[int, dict[str, dict]]:
    (tmp_path / "t.csv").write_text("a\n1\n", encoding="utf-8")
    write_config(tmp_path, CONFIG)
    done = cli_in_process("run", "--no-publish", "--only", "data,endpoint", cwd=tmp_path, env=env)
    results = json.loads((tmp_path / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
    return done.returncode, {c["id"]: c for c in results["checks"] if c["id"].startswith("endpoint.")}


@pytest.mark.timeout(60)
def test_runner_python_without_an_engine_skips_serve_saying_why(tmp_path: Path) -> None:
    code, checks = endpoint_checks(tmp_path, {**NO_ENGINE, "MLSMOKE_RUNNER": "python"})
    assert code == 0
    assert checks["endpoint.serve"]["status"] == "skip"
    assert "serve needs a Docker engine and none answers on this runner (runner: python)" in \
        checks["endpoint.serve"]["summary"]
    assert {c["status"] for c in checks.values()} == {"skip"}


@pytest.mark.timeout(60)
def test_elsewhere_a_missing_engine_fails_serve(tmp_path: Path) -> None:
    code, checks = endpoint_checks(tmp_path, NO_ENGINE)
    assert code == 1
    assert checks["endpoint.serve"]["status"] == "fail"
    assert "no Docker engine answers" in checks["endpoint.serve"]["summary"]
