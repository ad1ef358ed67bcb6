"""What a post-deploy run writes to GitHub besides the usual: a `failure` status on the
deployment when the smoke fails (what rollback tooling watches), and the pull requests of the
deployed commit, which get the report as their post-deploy comment.

A passing smoke leaves the deployment's status as the deploy job set it (`success`).
"""

from __future__ import annotations

from itertools import islice

from checker.config.secrets import Redactor
from checker.github.api import GithubApiError, GithubClient
from checker.github.deployment import Deployment
from checker.github.env import GithubSettings
from checker.results.inert import one_line
from checker.results.model import Report, Status

DESCRIPTION_LIMIT = 140  # characters GitHub keeps of a deployment status's description
MAX_PULLS = 10  # pull requests commented on per deployed commit (a merge commit has one)


def failure_description(report: Report, redactor: Redactor) -> str:
    """One line for the deployment's `failure` status: how many checks failed and the first
    one's summary, redacted, inert and at most 140 characters."""
    failing = [check for check in report.checks if check.status >= Status.FAIL]
    if not failing:  # a warning that fails the run (fail_on: warning)
        failing = [check for check in report.checks if check.status is Status.WARN]
    text = f"mlsmoke post-deploy smoke failed: {len(failing)} of {len(report.checks)} checks"
    if failing:
        first = failing[0]
        subject = f" [{first.subject}]" if first.subject else ""
        text += f"; {first.id}{subject}: {first.summary}"
    text = " ".join(one_line(redactor.text(text)).split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"


def mark_failed(client: GithubClient, settings: GithubSettings, deployment: Deployment,
                description: str) -> bool:
    """Post a `failure` status on the deployment, linking this run's log."""
    owner, repo = _owner_repo(settings, "deployments")
    body = {"state": "failure", "description": description}
    if settings.run_url:
        body["log_url"] = settings.run_url
    if deployment.url:  # GitHub would otherwise clear the deployment's link to the environment
        body["environment_url"] = deployment.url
    client.request("POST", f"/repos/{owner}/{repo}/deployments/{deployment.id}/statuses", json=body)
    return True


def deployed_pulls(client: GithubClient, settings: GithubSettings, deployment: Deployment) -> list[int]:
    """The numbers of the pull requests that brought the deployed commit (at most MAX_PULLS)."""
    owner, repo = _owner_repo(settings, "commits")
    pulls = islice(client.paginate(f"/repos/{owner}/{repo}/commits/{deployment.sha}/pulls"), MAX_PULLS)
    numbers = [pull.get("number") for pull in pulls]
    return [n for n in numbers if isinstance(n, int) and not isinstance(n, bool) and n > 0]


def _owner_repo(settings: GithubSettings, what: str) -> tuple[str, str]:
    if settings.owner_repo is None:
        raise GithubApiError("GET" if what == "commits" else "POST", f"/{what}", None,
                             "no repository (GITHUB_REPOSITORY) to publish to")
    return settings.owner_repo
