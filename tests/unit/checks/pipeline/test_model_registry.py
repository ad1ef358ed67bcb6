"""pipeline.registry's verdict from the round trip's answer (the round trip itself, against a
real tracking server, is in tests/integration/test_pipeline_registry.py)."""

from __future__ import annotations

from typing import Any

from checker.checks.pipeline.model_registry import RoundTrip, registry_env, registry_result
from checker.checks.pipeline.process import ProcessOutcome
from checker.config.schema import Registry
from checker.results.model import CheckResult, Status

SPEC = Registry(tracking_uri="http://127.0.0.1:5000", name="wine", alias="candidate")
DONE = ProcessOutcome(("python",), 0, 3.0, None, "", "")


def judged(answer: dict[str, Any], local: list[Any] | None = None,
           outcome: ProcessOutcome = DONE) -> CheckResult:
    return registry_result(SPEC, local if local is not None else [0, 1, 2],
                           RoundTrip(outcome, answer, "/venv/bin/python", 60.0), None)


def answered(values: list[Any], **found: Any) -> dict[str, Any]:
    return {"ok": True, "step": "done", "version": "3", "alias_version": "3", "run_id": "abc123",
            "source": "models:/m-1", "batch": {"ok": True, "values": values}, **found}


def test_the_same_predictions_pass_with_the_version_and_run() -> None:
    result = judged(answered([0, 1, 2.0000000001]))
    assert result.status is Status.PASS
    assert result.summary == ("version 3 registered (run abc123), models:/wine@candidate loads and predicts "
                              "the same 3 rows as the model file")
    assert result.metrics == {"version": "3", "run_id": "abc123", "alias_version": "3", "rows": 3}


def test_other_predictions_fail_with_the_first_mismatching_rows() -> None:
    result = judged(answered([0, 2, 1]))
    assert result.status is Status.FAIL
    assert "disagrees with the model file on 2 of 3 rows" in result.summary
    assert result.evidence["mismatches"] == [{"row": 1, "local": 1, "registry": 2},
                                             {"row": 2, "local": 2, "registry": 1}]


def test_an_alias_on_another_version_fails_even_with_equal_predictions() -> None:
    result = judged(answered([0, 1, 2], alias_version="2"))
    assert result.status is Status.FAIL
    assert result.summary.startswith("models:/wine@candidate resolves to version 2, not version 3")


def test_missing_mlflow_names_the_environment() -> None:
    result = judged({"ok": False, "step": "import", "kind": "missing_module", "module": "mlflow",
                     "error": "ModuleNotFoundError: No module named 'mlflow'"})
    assert result.summary == ("the user's environment (/venv/bin/python) has no module 'mlflow': install "
                              "mlflow there (setup or requirements) for pipeline.registry")


def test_a_raising_step_is_named_with_its_error_and_traceback() -> None:
    result = judged({"ok": False, "step": "register", "kind": "raised", "error": "MlflowException: denied",
                     "traceback": "Traceback ...", "run_id": "abc123"})
    assert result.summary == "failed while registering a new version: MlflowException: denied"
    assert result.evidence["traceback"] == "Traceback ..." and result.metrics["run_id"] == "abc123"


def test_a_round_trip_stopped_on_its_timeout_says_in_which_step() -> None:
    killed = ProcessOutcome(("python",), None, 60.0, None, "", "", timed_out=True)
    result = judged({"ok": False, "step": "reload"}, outcome=killed)
    assert result.summary == ("the registry round trip took longer than 60s while loading the model back "
                              "by its alias")


def test_no_answer_at_all_is_explained() -> None:
    missing = ProcessOutcome(("python",), None, 0.0, None, "", "", start_error="python: not found")
    assert judged({}, outcome=missing).summary == "cannot run the user's interpreter: python: not found"
    crashed = ProcessOutcome(("python",), -9, 1.0, None, "", "Killed\n")
    assert judged({}, outcome=crashed).summary == ("the registry round trip stopped without answering "
                                                   "(exit -9): Killed")


def test_mlflow_retries_are_bounded_unless_the_user_set_them() -> None:
    env = registry_env({"PATH": "/bin"}, 500.0)
    assert env["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "2" and env["MLFLOW_HTTP_REQUEST_TIMEOUT"] == "60"
    assert registry_env({}, 5.0)["MLFLOW_HTTP_REQUEST_TIMEOUT"] == "5"
    mine = registry_env({"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}, 60.0)
    assert mine["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "0"
