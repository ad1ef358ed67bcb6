"""Publish a report in GitHub Actions: masks, annotations, job summary, sticky PR comment,
commit status and step outputs; after a deploy (`PublishOptions.deployment`), a `failure`
status on a deployment whose smoke failed, the commit status on the deployed commit under its
own context, and the comment on each pull request of that commit (github/post_deploy.py).

The report arrives rendered (`Rendered`): this package publishes text, it never renders.
Publishing never changes the verdict: a GitHub API failure (a fork's read-only token, an
outage) becomes a `::warning::` and the job summary and outputs are still written.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, Protocol, TypeVar

from checker.config.secrets import Redactor
from checker.github.api import GithubApiError, GithubClient
from checker.github.commands import WorkflowCommands, append_outputs, append_summary
from checker.github.deployment import Deployment
from checker.github.env import GithubSettings
from checker.github.post_deploy import deployed_pulls, failure_description, mark_failed
from checker.github.rendered import Rendered
from checker.github.sticky import StickyTarget, upsert_sticky_comment
from checker.record import record
from checker.results.inert import visible
from checker.results.model import KNOWN, Report, Status

SUMMARY_LIMIT = 1_000_000  # GitHub shows up to 1 MiB of job summary per step
COMMENT_LIMIT = 65_536  # characters GitHub accepts in an issue comment body
STATUS_CONTEXT = "mlsmoke"
T = TypeVar("T")


class _Attempt(Protocol):
    """Runs one publishing step, turning its failure into a warning (`_attempt`)."""

    def __call__(self, what: str, action: Callable[[], T]) -> T | None: ...


@record
class PublishOptions:
    comment: bool
    commit_status: bool
    out_dir: Path
    secrets: frozenset[str]
    deployment: Deployment | None = None  # a post-deploy run: what it checked


@record
class PublishOutcome:
    comment_url: str | None = None
    status_set: bool = False
    warnings: tuple[str, ...] = ()


@record
class Channels:
    """Where publishing writes: the GitHub API (a client made from the settings unless one is
    given) and the step's output, which carries the workflow commands (stdout unless given)."""

    client: GithubClient | None = None
    stream: IO[str] | None = None


def publish(report: Report, rendered: Rendered, settings: GithubSettings, options: PublishOptions,
            channels: Channels | None = None) -> PublishOutcome:
    channels = channels or Channels()
    commands = WorkflowCommands(channels.stream or sys.stdout)
    warnings: list[str] = []

    def attempt(what: str, action: Callable[[], T]) -> T | None:
        return _attempt(what, commands, warnings, action)

    mask_secrets(commands, settings, options.secrets)
    emit_annotations(commands, report, settings)
    attempt("the job summary", lambda: write_job_summary(settings, rendered))
    api = channels.client or _client(settings)
    deployment = options.deployment
    if deployment is not None:
        settings = replace(settings, sha=deployment.sha)  # the head commit is the deployed one
        if report.status is not Status.PASS:
            description = failure_description(report, Redactor(options.secrets))
            attempt("the deployment status", lambda: mark_failed(api, settings, deployment, description))
    comment_url = _comments(api, settings, rendered, deployment, attempt) if options.comment else None
    status_set = False
    if options.commit_status:
        context = deployment.status_context if deployment else STATUS_CONTEXT
        status_set = bool(attempt("the commit status",
                                  lambda: set_commit_status(api, settings, report, context)))
    attempt("the step outputs",
            lambda: write_outputs(settings, report, options.out_dir.resolve() / "report.md", comment_url))
    return PublishOutcome(comment_url, status_set, tuple(warnings))


def mask_secrets(commands: WorkflowCommands, settings: GithubSettings, secrets: frozenset[str]) -> None:
    """Hide the token and configured secrets (header values) in the job log."""
    values = [settings.token] if settings.token else []
    commands.mask(dict.fromkeys([*values, *sorted(secrets)]))  # each value once


def emit_annotations(commands: WorkflowCommands, report: Report, settings: GithubSettings) -> None:
    """One annotation per failing (or warning) check that points at a file and line."""
    for check in report.checks:
        if check.location is None or check.status < Status.WARN:
            continue
        level = "warning" if check.status is Status.WARN else "error"
        known = " (known, baselined)" if check.baseline == KNOWN else ""
        subject = f" [{check.subject}]" if check.subject else ""
        commands.issue("notice" if known else level, visible(f"{check.summary}{subject}"),  # bidi shown
                       file=_repo_path(check.location.file, settings),
                       line=check.location.line, title=visible(f"mlsmoke {check.id}{known}"))


def write_job_summary(settings: GithubSettings, rendered: Rendered) -> None:
    if settings.step_summary is not None:
        append_summary(settings.step_summary, rendered.fit(SUMMARY_LIMIT))


def write_outputs(settings: GithubSettings, report: Report, report_path: Path,
                  comment_url: str | None) -> None:
    if settings.output is None:
        return
    counts = report.counts
    append_outputs(settings.output, {
        "status": report.status.value,
        "passed": str(counts[Status.PASS]),
        "failed": str(report.failed - report.known),  # what gates: known failures apart
        "known": str(report.known),
        "warnings": str(counts[Status.WARN]),
        "report": str(report_path),
        "comment-url": comment_url or "",
    })


def set_commit_status(client: GithubClient, settings: GithubSettings, report: Report,
                      context: str = STATUS_CONTEXT) -> bool:
    """`mlsmoke` status (or `context`) on the head commit, linking the run; for branch protection."""
    owner_repo, sha = settings.owner_repo, settings.head_sha
    if owner_repo is None or not sha:
        raise GithubApiError("POST", "/statuses", None, "no repository or commit to set a status on")
    description = status_description(report)
    body = {"state": "success" if report.status is Status.PASS else "failure",
            "context": context, "description": description[:140]}
    if settings.run_url:
        body["target_url"] = settings.run_url
    owner, repo = owner_repo
    client.request("POST", f"/repos/{owner}/{repo}/statuses/{sha}", json=body)
    return True


def status_description(report: Report) -> str:
    """'ML smoke checks: 3 passed, 1 failed', known (baselined) failures counted apart:
    '3 passed, 1 new failure, 2 known (baselined)'."""
    passed = f"{report.title}: {report.counts[Status.PASS]} passed"
    if not report.known:
        return f"{passed}, {report.failed} failed"
    new = report.failed - report.known
    return f"{passed}, {new} new {'failure' if new == 1 else 'failures'}, {report.known} known (baselined)"


def _comments(client: GithubClient, settings: GithubSettings, rendered: Rendered,
              deployment: Deployment | None, attempt: _Attempt) -> str | None:
    """The sticky comment on the event's PR, or after a deploy on each PR of the deployed
    commit (one failing PR does not stop the others); the URL of the first one."""
    if deployment is None:
        return attempt("the PR comment", lambda: _comment(client, settings, rendered))
    numbers = attempt("the pull requests of the deployed commit",
                      lambda: deployed_pulls(client, settings, deployment)) or []
    urls = [attempt(f"the comment on PR #{number}",
                    functools.partial(_comment, client, replace(settings, pull_number=number), rendered))
            for number in numbers]
    return next((url for url in urls if url), None)


def _comment(client: GithubClient, settings: GithubSettings, rendered: Rendered) -> str | None:
    if settings.pr_number is None or settings.owner_repo is None:
        return None  # a push build: no PR to comment on
    owner, repo = settings.owner_repo
    target = StickyTarget(owner, repo, settings.pr_number, rendered.marker, settings.comment_author)
    return upsert_sticky_comment(client, target, rendered.fit(COMMENT_LIMIT))


def _attempt(what: str, commands: WorkflowCommands, warnings: list[str],
             action: Callable[[], T]) -> T | None:
    """Run one publishing step; a failure becomes a warning, never an exception."""
    try:
        return action()
    except GithubApiError as exc:
        hint = (" (a pull request from a fork gets a read-only token: see the fork-safe recipe "
                "in mlsmoke's README)") if exc.forbidden else ""
        message = f"mlsmoke could not publish {what}: {exc}{hint}. The report is in the job summary."
    except OSError as exc:
        message = f"mlsmoke could not write {what}: {exc}"
    except (ValueError, KeyError, TypeError) as exc:  # an answer that is not GitHub's usual JSON
        message = f"mlsmoke could not publish {what}: unexpected answer ({type(exc).__name__}: {exc})"
    commands.warning(message)
    warnings.append(message)
    return None


def for_results(settings: GithubSettings, claimed_pr: object, *, client: GithubClient | None = None,
                stream: IO[str] | None = None) -> GithubSettings:
    """Settings for publishing a results.json made by another run (`mlsmoke publish`).

    The PR number then comes from an artifact a fork could have written, so it is used only
    when that PR's head is the commit the triggering run tested.
    """
    if settings.pr_number is not None or not isinstance(claimed_pr, int) or isinstance(claimed_pr, bool):
        return settings
    owner_repo, sha = settings.owner_repo, settings.head_sha
    commands = WorkflowCommands(stream or sys.stdout)
    if owner_repo is None or not sha:
        commands.warning(f"mlsmoke: no repository or head commit to check PR #{claimed_pr} against; "
                         "not commenting")
        return settings
    owner, repo = owner_repo
    pull = _attempt(f"to PR #{claimed_pr}", commands, [], lambda: (client or _client(settings)).request(
        "GET", f"/repos/{owner}/{repo}/pulls/{claimed_pr}").json())
    if pull is None:
        return settings
    if (pull.get("head") or {}).get("sha") != sha:
        commands.warning(f"mlsmoke: PR #{claimed_pr} does not have head commit {sha}; not commenting")
        return settings
    return replace(settings, pull_number=claimed_pr)


def _client(settings: GithubSettings) -> GithubClient:
    return GithubClient(settings.api_url, settings.token)


def _repo_path(file: str, settings: GithubSettings) -> str:
    """Annotation paths are relative to the repository root, wherever mlsmoke ran."""
    if settings.workspace is None:
        return file
    try:
        return Path(file).resolve().relative_to(settings.workspace.resolve()).as_posix()
    except ValueError:
        return file
