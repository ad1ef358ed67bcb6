"""endpoint.parity with a model file of the project and the small MLflow-style test server (no
venv to build): the offline model is a pickle of the project's own class, loaded by the
probe with this interpreter as `parity.python`, in the project folder, which stays unchanged."""

from __future__ import annotations

import pickle
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml
from fake_model_server import Behavior, serving
from helpers import by_id, run_check, write_config
from pipeline_project import tree_hash
from real_servers import CONTRACT, FEATURES

from checker.results.model import CheckResult, Status

SCORING = """
class Constant:
    def __init__(self, value):
        self.value = value

    def predict(self, frame):
        return [self.value] * len(frame)
"""


def project(folder: Path, value: float, parity: dict[str, Any], pipeline: bool = False) -> Path:
    folder.mkdir(parents=True)
    (folder / "scoring.py").write_text(textwrap.dedent(SCORING), encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        import scoring  # type: ignore[import-not-found]

        (folder / "model.pkl").write_bytes(pickle.dumps(scoring.Constant(value)))
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("scoring", None)
    body: dict[str, Any] = {"version": 1, "contracts": CONTRACT, "endpoint": {
        "url": "${MODEL_URL}", "contract": "wine", "requests": 0, "health": {"timeout": "5s"},
        "parity": {"python": sys.executable, "rows": 30, **parity}}}
    if pipeline:
        body["pipeline"] = {"contract": "wine", "command": "true", "model": {"path": "{out}/model.pkl"}}
    return write_config(folder, yaml.safe_dump(body, sort_keys=False))


def parity_of(config: Path, url: str) -> CheckResult:
    before = tree_hash(config.parent)
    result = by_id(run_check(config, "endpoint", environ={"MODEL_URL": url},
                             out_dir=config.parent.parent / "out"), "endpoint.parity")
    assert tree_hash(config.parent) == before, "parity wrote into the project folder"
    return result


def test_served_values_equal_to_the_model_files_pass(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, prediction=0.5)) as url:
        parity = parity_of(project(tmp_path / "p", 0.5, {"model": "model.pkl"}), url)
    assert parity.status is Status.PASS, parity.to_dict()
    assert parity.metrics == {"rows": 30, "mismatches": 0, "compared": "predict", "tolerance": 1e-6}


def test_served_values_off_by_more_than_the_tolerance_fail_on_every_row(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, prediction=0.5)) as url:
        parity = parity_of(project(tmp_path / "p", 0.5001, {"model": "model.pkl"}), url)
    assert parity.status is Status.FAIL
    assert parity.summary.startswith("30 of 30 rows differ from the offline model's predict (within 1e-06): "
                                     "rows 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …")
    assert parity.evidence["mismatches"][0] == {"row": 0, "input": parity.evidence["mismatches"][0]["input"],
                                                "offline": 0.5001, "served": 0.5}


def test_a_looser_tolerance_lets_a_small_difference_pass(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, prediction=0.5)) as url:
        parity = parity_of(project(tmp_path / "p", 0.5001, {"model": "model.pkl", "tolerance": 0.001}), url)
    assert parity.status is Status.PASS, parity.to_dict()


def test_the_pipelines_model_without_the_pipeline_in_the_run_is_a_skip_saying_so(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, prediction=0.5)) as url:
        parity = parity_of(project(tmp_path / "p", 0.5, {"model": "{pipeline}"}, pipeline=True), url)
    assert parity.status is Status.SKIP
    assert parity.summary == "{pipeline}: the pipeline family did not run in this run (see --only)"


def test_a_model_file_that_does_not_load_fails_with_the_cause(tmp_path: Path) -> None:
    config = project(tmp_path / "p", 0.5, {"model": "model.pkl"})
    (config.parent / "model.pkl").write_bytes(b"not a pickle")
    with serving(Behavior(columns=FEATURES, prediction=0.5)) as url:
        parity = parity_of(config, url)
    assert parity.status is Status.FAIL
    assert parity.summary.startswith("the offline model (model.pkl): model.pkl cannot be loaded as pickle: ")
