"""The config of pipeline.registry and endpoint.parity: the smallest configs a new user writes,
and the mistakes they make, each an error naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_config

from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

CONTRACT = """\
version: 1
contracts:
  wine:
    columns:
      alcohol: {type: float, min: 10, max: 15}
      cultivar: {type: int, allowed: [0, 1], role: target}
"""
PIPELINE = """\
pipeline:
  contract: wine
  command: python train.py --out {out}
  model: {path: "{out}/model.joblib"}
"""


def problems(folder: Path, text: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(folder, CONTRACT + text), {})
    return info.value.problems


def one(folder: Path, text: str) -> ConfigProblem:
    found = problems(folder, text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_the_smallest_registry_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, CONTRACT + PIPELINE + """\
  registry: {tracking_uri: "http://127.0.0.1:5000", name: wine}
"""), {}).config
    assert config.pipeline is not None and config.pipeline.registry is not None
    registry = config.pipeline.registry
    assert (registry.alias, registry.flavor, registry.tolerance, registry.timeout) == ("candidate", "sklearn",
                                                                                      1e-6, 300.0)


def test_a_registry_without_a_model_is_an_error(tmp_path: Path) -> None:
    problem = one(tmp_path, """\
pipeline:
  contract: wine
  command: python train.py
  registry: {tracking_uri: "http://127.0.0.1:5000", name: wine}
""")
    assert (problem.key, problem.line) == ("pipeline.registry", 10)
    assert "registry needs model" in problem.message


def test_credentials_in_the_tracking_uri_are_refused_without_echoing_them(tmp_path: Path) -> None:
    problem = one(tmp_path, PIPELINE + """\
  registry: {tracking_uri: "https://me:hunter2-secret@mlflow.example.com", name: wine}
""")
    assert problem.key == "pipeline.registry.tracking_uri" and problem.line == 11
    assert "MLFLOW_TRACKING_PASSWORD" in problem.message and "hunter2" not in str(problem)


@pytest.mark.parametrize(("alias", "why"), [("latest", "reserved"), ("v3", "reserved"),
                                            ("has space", "should match pattern")])
def test_aliases_mlflow_refuses_are_refused_here(tmp_path: Path, alias: str, why: str) -> None:
    problem = one(tmp_path, PIPELINE + f"""\
  registry: {{tracking_uri: "http://127.0.0.1:5000", name: wine, alias: "{alias}"}}
""")
    assert problem.key == "pipeline.registry.alias" and why in problem.message


def test_a_registered_name_cannot_break_the_models_uri(tmp_path: Path) -> None:
    problem = one(tmp_path, PIPELINE + """\
  registry: {tracking_uri: "http://127.0.0.1:5000", name: "team/wine"}
""")
    assert problem.key == "pipeline.registry.name"


ENDPOINT = """\
endpoint:
  url: http://127.0.0.1:8080
  contract: wine
"""


def test_the_smallest_parity_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, CONTRACT + PIPELINE + ENDPOINT + """\
  parity: {model: "{pipeline}"}
"""), {}).config
    parity = config.endpoint[0].parity
    assert parity is not None and (parity.model, parity.tolerance, parity.rows) == ("{pipeline}", 1e-6, 100)


def test_parity_with_the_pipelines_model_needs_a_pipeline_model(tmp_path: Path) -> None:
    problem = one(tmp_path, ENDPOINT + """\
  parity: {model: "{pipeline}"}
""")
    assert (problem.key, problem.line) == ("endpoint.parity.model", 10)
    assert "needs a pipeline section with model" in problem.message


def test_a_parity_model_outside_the_project_is_refused(tmp_path: Path) -> None:
    problem = one(tmp_path, ENDPOINT + """\
  parity: {model: ../elsewhere/model.joblib}
""")
    assert problem.key == "endpoint.parity.model" and "leads outside the project folder" in problem.message


def test_parity_needs_the_rows_of_a_contract(tmp_path: Path) -> None:
    problem = one(tmp_path, """\
endpoint:
  url: http://127.0.0.1:8080
  parity: {model: model.joblib}
""")
    assert "parity needs contract" in problem.message
