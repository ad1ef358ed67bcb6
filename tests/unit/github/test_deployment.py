"""The `deployment_status` event: live or not, which URL is the staging URL, and hostile fields
refused (or made inert) without being shown."""

from __future__ import annotations

from typing import Any

import pytest

from checker.github.deployment import (
    MAX_ENVIRONMENT_CHARS,
    Deployment,
    DeploymentEventError,
    NotLive,
    deployment_event,
)
from checker.github.env import GithubSettings

SHA = "d" * 40


def event(state: str = "success", deployment: dict[str, Any] | None = None, **status: Any) -> dict[str, Any]:
    return {"deployment_status": {"state": state, "environment": "staging", **status},
            "deployment": {"id": 42, "sha": SHA, "environment": "staging", **(deployment or {})}}


def parsed(payload: dict[str, Any], event_name: str = "deployment_status") -> Deployment | NotLive | None:
    return deployment_event(GithubSettings(event_name=event_name, event=payload))


def test_a_successful_deployment_is_checked_at_its_environment_url() -> None:
    found = parsed(event(environment_url="https://staging.example/", target_url="https://ci.example/log"))
    assert found == Deployment(42, SHA, "staging", "https://staging.example/", "environment_url")
    assert found.title == "post-deploy smoke: staging"
    assert found.status_context == "mlsmoke post-deploy (staging)"


@pytest.mark.parametrize("environment_url", [None, ""])
def test_without_an_environment_url_the_target_url_is_used(environment_url: str | None) -> None:
    found = parsed(event(environment_url=environment_url, target_url="http://10.0.0.5:8080/"))
    assert isinstance(found, Deployment)
    assert (found.url, found.url_field) == ("http://10.0.0.5:8080/", "target_url")


def test_a_deployment_without_any_url_keeps_the_configs_urls() -> None:
    found = parsed(event())
    assert isinstance(found, Deployment) and (found.url, found.url_field) == (None, None)


@pytest.mark.parametrize("state", ["failure", "error", "pending", "in_progress", "queued", "inactive"])
def test_any_other_state_is_not_live(state: str) -> None:
    found = parsed(event(state, environment_url="https://staging.example/"))
    assert found == NotLive(state, "staging")
    assert f"is {state!r}, not 'success': nothing to check" in found.message


def test_a_state_that_is_not_live_needs_no_valid_deployment() -> None:
    assert isinstance(parsed(event("failure", deployment={"id": "x", "sha": "../../x"})), NotLive)


def test_a_hostile_state_is_one_short_line() -> None:
    found = parsed(event("x\r\n::error::boom" + "y" * 200))
    assert isinstance(found, NotLive)
    assert "\n" not in found.message and "\r" not in found.message and len(found.state) <= 40
    assert parsed(event(None)) == NotLive("(no state)", "staging")  # type: ignore[arg-type]


@pytest.mark.parametrize("event_name", ["pull_request", "push", "workflow_run", None])
def test_other_events_are_not_deployments(event_name: str | None) -> None:
    assert parsed(event(environment_url="https://staging.example/"), event_name) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "said"), [
    ("https://user:hunter2@staging.example/", "carries credentials"),
    ("https://hunter2@staging.example/", "carries credentials"),
    ("http://staging.example/\r\nX-Injected: hunter2", "contains spaces, line breaks or control characters"),
    ("http://staging.example/\u202ehunter2", "contains spaces, line breaks or control characters"),
    ("http://staging example/hunter2", "contains spaces, line breaks or control characters"),
    ("ftp://staging.example/hunter2", "must be an http:// or https:// URL with a host"),
    ("javascript:alert('hunter2')", "must be an http:// or https:// URL with a host"),
    ("http:///hunter2", "must be an http:// or https:// URL with a host"),
    ("https://staging.example/" + "hunter2" * 400, "is longer than 2048 characters"),
])
def test_a_hostile_url_is_refused_without_showing_it(url: str, said: str) -> None:
    with pytest.raises(DeploymentEventError) as raised:
        parsed(event(environment_url=url))
    assert f"deployment_status.environment_url {said}" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_a_url_that_is_not_text_is_refused() -> None:
    with pytest.raises(DeploymentEventError, match="target_url must be a URL, got dict"):
        parsed(event(target_url={"href": "http://x"}))


@pytest.mark.parametrize("deployment", [
    {"id": "42"}, {"id": True}, {"id": 0}, {"id": None},
    {"sha": "../../../issues/1/comments#"}, {"sha": "D" * 40}, {"sha": "d" * 39}, {"sha": None},
])
def test_a_deployment_whose_id_or_sha_cannot_go_into_a_path_is_refused(deployment: dict[str, Any]) -> None:
    with pytest.raises(DeploymentEventError, match=r"deployment\.(id|sha) of the deployment_status event"):
        parsed(event(deployment=deployment))


def test_a_hostile_environment_name_becomes_one_short_inert_line() -> None:
    found = parsed(event(environment="prod\r\n::warning::x\u202e" + "e" * 500,
                         description="@everyone " * 100_000))
    assert isinstance(found, Deployment)
    assert found.environment.startswith("prod ::warning::x<U+202E>eee")
    assert len(found.environment) == MAX_ENVIRONMENT_CHARS and found.environment.endswith("…")


def test_the_environment_falls_back_to_the_deployments_then_a_name() -> None:
    payload = event()
    del payload["deployment_status"]["environment"]
    assert parsed(payload).environment == "staging"  # type: ignore[union-attr]
    del payload["deployment"]["environment"]
    assert parsed(payload).environment == "unnamed environment"  # type: ignore[union-attr]


def test_a_malformed_event_is_not_a_traceback() -> None:
    assert isinstance(parsed({"deployment_status": "success"}), NotLive)
    with pytest.raises(DeploymentEventError):
        parsed({"deployment_status": {"state": "success"}, "deployment": []})
