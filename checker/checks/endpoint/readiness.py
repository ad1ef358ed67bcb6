"""What endpoint.health calls ready, and what its failure says.

For `kserve-v2` the model's own readiness (`/v2/models/{model}/ready`) and its metadata
(`/v2/models/{model}`) must answer after the server's: a server can say ready with no model
loaded (MLServer's `/v2/health/ready` does). A failure then tells "server is down" (nothing
answered), "server is not ready" (it answered, not 2xx) and "server is up, model <name> is not
loaded/ready" (the server path passed in the same round, the model's did not) apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.checks.endpoint.health import HealthOutcome, not_2xx
from checker.checks.endpoint.http import Exchange, public_url
from checker.checks.endpoint.protocols import Protocol

_UNREACHABLE = ("refused", "dns", "tls", "connection")


def judge(protocol: Protocol) -> Callable[[Exchange], str | None]:
    """The readiness test of each answer: a 2xx, and for kserve-v2 not a body saying
    `"ready": false` (the protocol's JSON form of a readiness answer)."""
    if protocol.name != "kserve-v2":
        return not_2xx

    def kserve_not_ready(answer: Exchange) -> str | None:
        why = not_2xx(answer)
        if why is None and _says_not_ready(answer):
            return f"HTTP {answer.status}, but the body says \"ready\": false"
        return why

    return kserve_not_ready


def _path_hint(protocol: Protocol, last: Exchange | None) -> str:
    """What a 404 at a health path the config did not name most likely means."""
    if last is None or last.status != 404 or protocol.health_path_given():
        return ""
    return (f" ({protocol.server_health_path()} is mlsmoke's default for the {protocol.name} protocol:"
            " set endpoint.health.path to the service's health route)")


def _says_not_ready(answer: Exchange) -> bool:
    if not answer.is_json:
        return False
    try:
        document = answer.json()
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("ready") is False


def failure(protocol: Protocol, outcome: HealthOutcome, timeout: float,
            url: str) -> tuple[str, dict[str, Any]]:
    """The failed health check's summary, and what it says about the server and the model."""
    last = outcome.last
    reason = outcome.reason or (last.outcome() if last else "no request could be sent")
    where = public_url(last.url) if last else public_url(url)
    if not protocol.model_readiness_paths():
        return f"not healthy within {timeout:g}s: {where} → {reason}{_path_hint(protocol, last)}", {}
    waited = f"{where} → {reason} (retried for {timeout:g}s)"
    if outcome.failed_at is not None and outcome.failed_at > 0:
        model = protocol.endpoint.model
        return (f"server is up, model {model} is not loaded/ready: {waited}",
                {"server": "up", "model": "not loaded/ready"})
    if last is None or (last.status is None and last.error_kind in _UNREACHABLE):
        return f"server is down: {waited}", {"server": "down"}
    if last.status is None:
        return f"server is not answering: {waited}", {"server": "not answering"}
    return f"server is not ready: {waited}", {"server": "not ready"}
