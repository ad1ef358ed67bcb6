"""Where the base branch's results come from, found once before the checks run.

`compare.results` names a local file (another CI, a local run); else, on a pull request in
GitHub Actions, the newest unexpired artifact `compare.artifact` uploaded by a run on the PR's
base branch. No base results (no pull request, no artifact yet, an expired one, a token that
may not read artifacts, a damaged zip or file) is never a failure: the comparison is skipped
with the reason. The search and download are bounded by `compare.timeout` and the run's deadline.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from checker.checks.deadline import Deadline
from checker.config.limits import MAX_RESULTS_BYTES, LimitExceededError, loads_json_bounded, read_capped
from checker.config.load import LoadedConfig
from checker.config.paths import PathRefusedError, confine
from checker.config.secrets import Redactor
from checker.errors import UsageError
from checker.github.env import GithubSettings
from checker.results.model import Report
from checker.results.schema import problems

if TYPE_CHECKING:  # a base is read only when the config compares
    from checker.config.compare_schema import CompareSettings
    from checker.github.api import RetryPolicy
    from checker.results.compare import Base


def _retry() -> RetryPolicy:
    """A base that does not answer soon is not worth holding the job for."""
    from checker.github.api import RetryPolicy

    return RetryPolicy(attempts=3, backoff_s=1.0, max_wait_s=10.0, timeout_s=15.0)


def base_results(loaded: LoadedConfig, github: GithubSettings, deadline: Deadline,
                 retry: RetryPolicy | None = None) -> Base | None:
    """The base side of the comparison, or None when the config does not compare."""
    settings = loaded.config.compare
    if settings is None:
        return None
    if settings.results:
        return _local(loaded, settings.results)
    bounded = deadline.within(settings.timeout, "the compare section's timeout")
    return _artifact(settings, github, bounded, retry or _retry())


def _local(loaded: LoadedConfig, path: str) -> Base:
    from checker.results.compare import Base

    try:
        found = confine(loaded.root, path)
    except PathRefusedError as exc:
        return Base.missing(path, str(exc))
    if not found.is_file():
        return Base.missing(path, f"compare.results: {path} does not exist")
    try:
        return Base(path, _report(read_capped(found, MAX_RESULTS_BYTES), path))
    except LimitExceededError as exc:
        return Base.missing(path, f"{path}: {exc}")
    except (OSError, UsageError) as exc:
        return Base.missing(path, str(exc))


def _artifact(settings: CompareSettings, github: GithubSettings, deadline: Deadline,
              retry: RetryPolicy) -> Base:
    from checker.github import artifacts  # the GitHub client only when a base is fetched
    from checker.github.api import GithubClient
    from checker.results.compare import Base

    source = f"artifact {settings.artifact}"
    branch, owner_repo = github.base_branch, github.owner_repo
    if not github.actions or branch is None:
        return Base.missing(source, "not a pull request, and compare.results names no file")
    if owner_repo is None or not github.token:
        return Base.missing(source, "no GITHUB_TOKEN and GITHUB_REPOSITORY to find the base "
                                    "branch's artifact")
    client = GithubClient(github.api_url, github.token, retry=retry, deadline_at=deadline.at)
    try:
        artifact = artifacts.newest(client, owner_repo, settings.artifact, branch, deadline.at)
        found = artifacts.download(client, owner_repo, artifact, deadline.at, github.server_url)
        report = _report(found.data, found.source)
        return Base(found.source, report, head_sha=found.commit, link=found.run_url)
    except (artifacts.NoArtifactError, UsageError) as exc:
        return Base.missing(source, str(exc))


def _report(data: bytes, source: str) -> Report:
    """The results.json in `data`; a UsageError naming `source` when it is not one."""
    if len(data) > MAX_RESULTS_BYTES:
        raise UsageError(f"{source} is larger than {MAX_RESULTS_BYTES:,} bytes")
    try:
        document = loads_json_bounded(data)
    except LimitExceededError as exc:
        raise UsageError(f"{source} is not an mlsmoke results file: {exc}") from None
    except ValueError as exc:
        raise UsageError(f"{source} is not valid JSON: {str(exc)[:200]}") from None
    found = problems(document)
    if found:
        raise UsageError(f"{source} is not an mlsmoke results file: " + "; ".join(found[:3])[:500])
    try:
        return Report.from_dict(document)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{source} is not an mlsmoke results file: {exc}") from None


def with_comparison(report: Report, base: Base | None, redactor: Redactor) -> Report:
    """`report` with results.json's `compare` object (its new failures, fixed checks and
    deltas against `base`), redacted like every result; unchanged when nothing is compared."""
    if base is None:
        return report
    from checker.checks.compare.deltas import summarize

    return replace(report, compare=redactor(summarize(report.checks, base)))
