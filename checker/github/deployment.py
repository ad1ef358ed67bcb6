"""The `deployment_status` event: which deployment to smoke-test once it is live, and where.

A workflow `on: deployment_status` runs for every status a deploy job posts. mlsmoke checks
the deployment only when that status is `success`, at `deployment_status.environment_url`
(else `target_url`); any other state is `NotLive` and the run checks nothing. The fields come
from whoever created the deployment, so none is trusted: the URL must be a plain http(s) URL
(no credentials, spaces or control characters, at most 2048 characters), the sha hexadecimal
(it goes into API paths), the id a positive number, and the environment name becomes one
short inert line. A field that fails is a UsageError that names the field and never shows
the URL (it may hold a secret). Nothing else of the event (its description …) is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checker.config.http_fields import url_credentials
from checker.errors import UsageError
from checker.github.env import DEPLOYMENT_EVENT, GithubSettings
from checker.record import record
from checker.results.inert import one_line

LIVE_STATE = "success"
MAX_URL_CHARS = 2048
MAX_ENVIRONMENT_CHARS = 100
MAX_STATE_CHARS = 40
URL_FIELDS = ("environment_url", "target_url")  # the first one set is the staging URL

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_HTTP_URL = re.compile(r"https?://[^/?#@]+(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)
# spaces, controls, and Unicode spaces and invisible characters (a URL never needs them raw)
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f"
                         r"\u205f-\u206f\u3000\ufeff]")


class DeploymentEventError(UsageError):
    """A `deployment_status` event mlsmoke cannot act on (exit 2)."""


@record
class Deployment:
    """A deployment that went live: the run checks it and reports on it."""

    id: int
    sha: str
    environment: str
    url: str | None  # where it answers; None when the event names no URL
    url_field: str | None = None  # which event field `url` came from

    @property
    def title(self) -> str:
        """The report's title, and so the sticky comment's (one per environment)."""
        return f"post-deploy smoke: {self.environment}"

    @property
    def status_context(self) -> str:
        """The commit status's context: beside the pull request's `mlsmoke`, not over it."""
        return f"mlsmoke post-deploy ({self.environment})"


@record
class NotLive:
    """A `deployment_status` event whose state is not `success`: nothing to check."""

    state: str
    environment: str

    @property
    def message(self) -> str:
        return (f"mlsmoke: the deployment to {self.environment} is {self.state!r}, not "
                f"{LIVE_STATE!r}: nothing to check (post-deploy smoke runs once it is live)")


def deployment_event(settings: GithubSettings) -> Deployment | NotLive | None:
    """The deployment a `deployment_status` run is about; None for any other event."""
    if settings.event_name != DEPLOYMENT_EVENT:
        return None
    status = _mapping(settings.event.get("deployment_status"))
    deployment = _mapping(settings.event.get("deployment"))
    environment = _environment(status.get("environment") or deployment.get("environment"))
    state = status.get("state")
    if state != LIVE_STATE:
        return NotLive(_short(state, MAX_STATE_CHARS) or "(no state)", environment)
    url, url_field = staging_url(status)
    return Deployment(_id(deployment.get("id")), _sha(deployment.get("sha")), environment, url, url_field)


def staging_url(status: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The first URL field set in `deployment_status`, checked, and its name."""
    for name in URL_FIELDS:
        value = status.get(name)
        if value is not None and value != "":
            return checked_url(value, f"deployment_status.{name}"), name
    return None, None


def checked_url(value: object, where: str) -> str:
    """`value` if it is a plain http(s) URL; else a DeploymentEventError that does not show it."""
    hidden = "(the URL is not shown)"
    if not isinstance(value, str):
        raise DeploymentEventError(f"{where} must be a URL, got {type(value).__name__}")
    if len(value) > MAX_URL_CHARS:
        raise DeploymentEventError(f"{where} is longer than {MAX_URL_CHARS} characters {hidden}")
    if _NOT_IN_URL.search(value):
        raise DeploymentEventError(f"{where} contains spaces, line breaks or control characters {hidden}")
    if url_credentials(value):
        raise DeploymentEventError(
            f"{where} carries credentials (user:password@host), which mlsmoke never sends {hidden}: "
            "post the URL without them and give them as a header of the endpoint entry in mlsmoke.yml")
    if not _HTTP_URL.fullmatch(value):
        raise DeploymentEventError(f"{where} must be an http:// or https:// URL with a host {hidden}")
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _environment(value: object) -> str:
    return _short(value, MAX_ENVIRONMENT_CHARS) or "unnamed environment"


def _short(value: object, limit: int) -> str:
    """One inert line of at most `limit` characters ('' for a missing or non-text value)."""
    if not isinstance(value, str):
        return ""
    text = " ".join(one_line(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DeploymentEventError("deployment.id of the deployment_status event must be a positive number")
    return value


def _sha(value: object) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise DeploymentEventError("deployment.sha of the deployment_status event must be a full "
                                   "commit sha (40 or 64 lowercase hexadecimal characters)")
    return value
