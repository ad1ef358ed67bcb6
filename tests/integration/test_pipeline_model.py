"""pipeline.artifacts, .metrics, .model_load, .predict, .expect and .deterministic: models
trained by real scripts and probed in the real user venv."""

from __future__ import annotations

from pathlib import Path

from pipeline_project import make_project, rules_project, run_pipeline, statuses

PASSING = "rules.Threshold('alcohol', 12.5)"
EXPECT = """
model:
  path: "{out}/model.pkl"
  output: {type: int, allowed: [0, 1]}
  rows: 20
  expect:
    - {input: {alcohol: 14.0}, output: 1}
    - {input: {alcohol: 11.0, ph: 3.0}, output: 0}
"""


def _rules(tmp_path: Path, model: str, extra: str = "", **files: str) -> dict:
    return run_pipeline(rules_project(tmp_path / "p", model, extra, **files), tmp_path / "o")


def _rules_edited(tmp_path: Path, model: str, old: str, new: str) -> dict:
    """A rules project whose mlsmoke.yml has `old` replaced by `new`."""
    config = rules_project(tmp_path / "p", model)
    assert old in config.read_text()
    config.write_text(config.read_text().replace(old, new))
    return run_pipeline(config, tmp_path / "o")


def _with_metrics(config: Path, rules: str) -> Path:
    config.write_text(config.read_text().replace(
        "  artifacts:\n", f'  artifacts:\n    - {{path: "{{out}}/metrics.json", json: {rules}}}\n'))
    return config


def test_artifacts_and_metrics_pass(tmp_path: Path) -> None:
    config = _with_metrics(rules_project(tmp_path / "p", PASSING),
                           "{accuracy: {min: 0.5, max: 1}, sizes.train: {min: 100}}")
    results = run_pipeline(config, tmp_path / "o")
    assert results["pipeline.artifacts"].status.value == "pass", results["pipeline.artifacts"].to_dict()
    metrics = results["pipeline.metrics"]
    assert metrics.status.value == "pass", metrics.to_dict()
    assert "accuracy=0.9" in metrics.summary and "sizes.train=150" in metrics.summary


def test_metrics_below_floor_and_missing_key_fail(tmp_path: Path) -> None:
    config = _with_metrics(rules_project(tmp_path / "p", PASSING),
                           "{accuracy: {min: 0.95}, sizes.test: {min: 1}}")
    results = run_pipeline(config, tmp_path / "o")
    metrics = results["pipeline.metrics"]
    assert metrics.status.value == "fail"
    assert "accuracy: 0.9 is below the minimum 0.95" in metrics.summary
    assert "sizes.test: key not found" in metrics.summary
    assert results["pipeline.artifacts"].status.value == "pass"
    assert results["pipeline.predict"].status.value == "pass"  # a leaf: blocks nothing


def test_missing_artifact_fails_and_model_checks_skip(tmp_path: Path) -> None:
    results = _rules(tmp_path, PASSING, **{"train.py": """
        import os, sys
        out = sys.argv[sys.argv.index("--out") + 1]
        open(os.path.join(out, "modle.pkl"), "w").write("typo in the file name")
    """})
    artifacts = results["pipeline.artifacts"]
    assert artifacts.status.value == "fail"
    assert artifacts.summary == "{out}/model.pkl: missing"
    assert artifacts.evidence["found_in_out"] == ["modle.pkl"]
    assert results["pipeline.model_load"].status.value == "skip"
    assert "model file is missing" in results["pipeline.model_load"].summary


def test_artifact_smaller_than_min_bytes_fails(tmp_path: Path) -> None:
    artifacts = _rules_edited(tmp_path, PASSING, "min_bytes: 10}", "min_bytes: 100000}")["pipeline.artifacts"]
    assert artifacts.status.value == "fail"
    assert "expected at least 100000" in artifacts.summary


def test_model_load_passes_with_the_users_python(tmp_path: Path) -> None:
    load = _rules(tmp_path, PASSING)["pipeline.model_load"]
    assert load.status.value == "pass", load.to_dict()
    assert "rules.Threshold (pickle)" in load.summary


WRITE_BYTES = """
import sys
from pathlib import Path
out = Path(sys.argv[sys.argv.index("--out") + 1])
(out / "model.pkl").write_bytes({payload!r})
"""


def test_model_in_the_wrong_format_fails_load(tmp_path: Path) -> None:
    train = WRITE_BYTES.format(payload=b"just some text, not a pickle")
    results = _rules(tmp_path, PASSING, **{"train.py": train})
    load = results["pipeline.model_load"]
    assert load.status.value == "fail"
    assert load.summary.startswith("model.pkl cannot be loaded as pickle: _pickle.UnpicklingError")
    assert results["pipeline.predict"].status.value == "skip"


def test_model_needing_a_library_absent_from_the_user_env_names_it(tmp_path: Path) -> None:
    # a pickle of lightgbm.Booster: loading it imports lightgbm, which the user venv lacks
    train = WRITE_BYTES.format(payload=b"clightgbm\nBooster\n(tR.")
    results = _rules(tmp_path, PASSING, **{"train.py": train})
    load = results["pipeline.model_load"]
    assert load.status.value == "fail"
    assert "has no module 'lightgbm'" in load.summary
    assert "user-venv" in load.summary  # the interpreter it was looked for in
    assert "ModuleNotFoundError" in load.evidence["traceback"]


def test_an_interpreter_that_does_not_exist_fails_model_load(tmp_path: Path) -> None:
    results = _rules_edited(tmp_path, PASSING, "  contract: wine\n",
                            "  contract: wine\n  python: no-such-python\n")
    assert results["pipeline.run"].status.value == "pass"  # the command names its own interpreter
    load = results["pipeline.model_load"]
    assert load.status.value == "fail"
    assert load.summary.startswith("cannot run the user's interpreter: no-such-python")


def test_unknown_model_extension_asks_for_format(tmp_path: Path) -> None:
    load = _rules_edited(tmp_path, PASSING, 'path: "{out}/model.pkl"\n', 'path: "{out}/model.bin"\n')[
        "pipeline.model_load"]
    assert load.status.value == "fail"
    assert "set model.format" in load.summary


def test_predict_passes_and_sees_only_feature_columns(tmp_path: Path) -> None:
    results = _rules_edited(tmp_path, "rules.ColumnNames()", "allowed: [0, 1]", "allowed: [2]")
    predict = results["pipeline.predict"]
    assert predict.status.value == "pass", predict.to_dict()
    assert predict.metrics["rows"] == 20
    assert predict.evidence["predictions"][:3] == [2, 2, 2]


def test_predict_raising_shows_the_exception(tmp_path: Path) -> None:
    results = _rules(tmp_path, "rules.Raising()")
    predict = results["pipeline.predict"]
    assert predict.status.value == "fail"
    assert predict.summary == "predict() raised ValueError: alcohol must be positive, got a frame of 20 rows"
    assert "Traceback" in predict.evidence["traceback"]
    assert results["pipeline.expect"].status.value == "skip"


def test_wrong_shape_fails_predict(tmp_path: Path) -> None:
    predict = _rules(tmp_path, "rules.Short()")["pipeline.predict"]
    assert predict.status.value == "fail"
    assert predict.summary.startswith("19 predictions for 20 rows")


def test_predictions_outside_output_or_nan_fail(tmp_path: Path) -> None:
    predict = _rules(tmp_path / "a", "rules.Constant(5)")["pipeline.predict"]
    assert predict.status.value == "fail"
    assert predict.summary == "20 of 20 predictions are bad: not one of [0, 1]"
    assert predict.metrics["violations"] == 20
    nan = _rules_edited(tmp_path / "b", "rules.Constant(float('nan'))", "{type: int, allowed: [0, 1]}",
                        "{type: float, min: 0, max: 1}")["pipeline.predict"]
    assert nan.status.value == "fail"
    assert nan.summary == "20 of 20 predictions are bad: NaN"


def test_sklearn_model_fitted_on_an_id_column_fails_predict_naming_it(tmp_path: Path) -> None:
    train = """
        import sys
        from pathlib import Path
        import joblib, pandas as pd
        from sklearn.linear_model import LogisticRegression
        frame = pd.read_parquet(sys.argv[sys.argv.index("--data") + 1])
        out = Path(sys.argv[sys.argv.index("--out") + 1])
        model = LogisticRegression().fit(frame.drop(columns=["cultivar", "batch"]), frame["cultivar"])
        joblib.dump(model, out / "model.joblib")
    """
    config = make_project(tmp_path / "p", """
        contract: wine
        command: python train.py --data {data} --out {out}
        model: {path: "{out}/model.joblib", output: {type: int, allowed: [0, 1]}}
    """, {"train.py": train})
    results = run_pipeline(config, tmp_path / "o")
    assert results["pipeline.model_load"].status.value == "pass", results["pipeline.model_load"].to_dict()
    predict = results["pipeline.predict"]
    assert predict.status.value == "fail"
    assert "it expects wine_id (not feature columns)" in predict.summary


def test_expect_passes_when_the_pattern_is_learned(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", PASSING)
    results = run_pipeline(_with_model(config, EXPECT), tmp_path / "o")
    expect = results["pipeline.expect"]
    assert expect.status.value == "pass", expect.to_dict()
    assert expect.metrics == {"expectations": 2, "violations": 0}


def test_expect_fails_when_the_model_ignores_the_pattern(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", "rules.Constant(0)")
    results = run_pipeline(_with_model(config, EXPECT), tmp_path / "o")
    expect = results["pipeline.expect"]
    assert expect.status.value == "fail"
    assert expect.summary == "1 of 2 expectations not met: for {'alcohol': 14.0} expected 1, got 0"
    assert expect.evidence["mismatches"] == [{"input": {"alcohol": 14.0}, "expected": 1, "predicted": 0}]
    assert statuses(results)["pipeline.predict"] == "pass"


def test_deterministic_training_passes(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", PASSING)
    results = run_pipeline(_with_model(config, EXPECT + "  deterministic: true\n"), tmp_path / "o")
    deterministic = results["pipeline.deterministic"]
    assert deterministic.status.value == "pass", deterministic.to_dict()
    assert deterministic.metrics["violations"] == 0


def test_nondeterministic_training_fails(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", "rules.Noisy()")
    config = _with_model(config, 'model: {path: "{out}/model.pkl", output: {type: float}, '
                                 'deterministic: true}\n')
    results = run_pipeline(config, tmp_path / "o")
    deterministic = results["pipeline.deterministic"]
    assert deterministic.status.value == "fail"
    assert "disagree on 50 of 50 predictions" in deterministic.summary
    assert statuses(results)["pipeline.predict"] == "pass"


def _with_model(config: Path, section: str) -> Path:
    """Swap rules_project's model section for `section` (YAML at the pipeline's level)."""
    text = config.read_text()
    head = text[:text.index("  model:\n")]
    body = "".join(f"  {line}\n" if line.strip() else "\n" for line in section.strip("\n").splitlines())
    config.write_text(head + body)
    return config
