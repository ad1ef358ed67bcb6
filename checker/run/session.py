"""One `mlsmoke run`, from settings read once to the report and its exit code.

The session loads and validates the config, puts `--staging-url` (or, on a
`deployment_status` event, the deployment's URL) into its endpoint entry, decides the base
ref, plans and runs the checks (the runner redacts every result as it leaves), writes
results.json, report.md and junit.xml, and publishes in GitHub Actions.
Nothing here reads os.environ or sys.argv: the CLI passes them in, tests pass a dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker.checks.deadline import Deadline
from checker.config.field_types import parse_duration
from checker.config.http_fields import http_url
from checker.config.load import LoadedConfig, load_config
from checker.config.schema import FailOn
from checker.config.secrets import environ_secrets
from checker.config.staging import with_staging_url
from checker.errors import ExitCode, UsageError
from checker.github.env import DEPLOYMENT_EVENT, GithubSettings
from checker.record import record
from checker.results.model import Report, Status
from checker.run import runner
from checker.run.baseline import baseline_path, behind_known, existing_entries
from checker.run.compare import base_results, with_comparison
from checker.run.context import RunContext
from checker.run.outputs import read_results, write_outputs
from checker.run.progress import Progress

if TYPE_CHECKING:  # the GitHub client is imported only when a run publishes, the deployment on one
    from checker.github.deployment import Deployment, NotLive
    from checker.github.publish import PublishOptions
    from checker.github.rendered import Rendered


@record(eq=False, repr=False)
class RunOptions:
    """The options of `mlsmoke run`, as given on the command line."""

    config_path: str = "mlsmoke.yml"
    only: str | None = None
    staging_url: str | None = None
    out_dir: str = "mlsmoke-out"
    fail_on: FailOn | None = None
    deadline: str | None = None  # e.g. "10m"; None: the config's deadlines.run
    publish: bool = True
    comment: bool = True
    commit_status: bool | None = None  # None: only after a deploy (a `deployment_status` run)


@record(eq=False, repr=False)
class RunSettings:
    """Everything a run takes from outside, read and checked once."""

    options: RunOptions
    families: frozenset[str] | None  # None: every configured family
    out_dir: Path
    environ: Mapping[str, str]  # for `${VAR}` and the user's processes
    github: GithubSettings
    pr_base_ref: str | None  # the pull request's base branch, when there is one
    deadline_s: float | None = None  # --deadline, in seconds
    deployment: Deployment | NotLive | None = None  # a `deployment_status` run: what it is about

    @classmethod
    def read(cls, options: RunOptions, environ: Mapping[str, str]) -> RunSettings:
        """Settings from the options and the environment. `--staging-url` also sets
        STAGING_URL when it is unset, for `url: ${STAGING_URL}` in the config. On a
        `deployment_status` event that is live, the deployment's URL is the staging URL
        unless `--staging-url` is given."""
        environ = dict(environ)
        github = GithubSettings.from_mapping(environ)
        deployment = None
        if github.event_name == DEPLOYMENT_EVENT:
            github, options, deployment = _deployment_run(github, options)
        if options.staging_url:
            try:
                http_url(options.staging_url)
            except ValueError as exc:
                raise UsageError(f"--staging-url {exc}") from None
            environ.setdefault("STAGING_URL", options.staging_url)
        return cls(options, runner.parse_only(options.only), Path(options.out_dir).resolve(),
                   environ, github, github.base_ref, _deadline_option(options.deadline), deployment)


def _deployment_run(github: GithubSettings,
                    options: RunOptions) -> tuple[GithubSettings, RunOptions, Deployment | NotLive | None]:
    """A `deployment_status` run: the deployment it is about, its commit as the report's, and
    its URL as the staging URL unless `--staging-url` is given."""
    from checker.github.deployment import Deployment, deployment_event

    deployment = deployment_event(github)
    if isinstance(deployment, Deployment):
        # the report's commit: GitHub sets GITHUB_SHA to it, but the event is the record
        github = replace(github, sha=deployment.sha)
        if deployment.url and not options.staging_url:
            options = replace(options, staging_url=deployment.url)
    return github, options, deployment


@record(eq=False, repr=False)
class RunOutcome:
    """What a run ends with: its report and its exit code."""

    report: Report | None  # None: nothing to check (a deployment that is not live)
    exit_code: ExitCode


def _deadline_option(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise UsageError(f"--deadline: {exc}") from None


def run(settings: RunSettings, progress: Progress) -> RunOutcome:
    """Run every check the config and the options ask for, judge them against the baseline
    file when there is one; write and publish the report (also when the run's deadline cut
    the checks short). A deployment that is not live is checked by no one: a note, exit 0."""
    deployment = settings.deployment
    if deployment is not None:
        from checker.github.deployment import NotLive

        if isinstance(deployment, NotLive):
            progress.note(deployment.message)
            return RunOutcome(None, ExitCode.PASS)
        progress.note(_checking(deployment))
    report, ctx = checked(settings, progress)
    report = _judged(report, ctx.loaded)
    if deployment is not None:
        report = replace(report, title=deployment.title)
    rendered = write_outputs(report, settings.out_dir, ctx.redactor)
    progress.summary(report, Path(settings.options.out_dir))
    if settings.github.actions and settings.options.publish:
        _publish(report, rendered, settings, ctx.secrets, deployment)
    return RunOutcome(report, ExitCode.PASS if report.status is Status.PASS else ExitCode.FAIL)


def checked(settings: RunSettings, progress: Progress) -> tuple[Report, RunContext]:
    """The checks' report, before any baseline (what `mlsmoke baseline` records), and the
    run's context."""
    loaded = load(settings)
    deadline = Deadline.after(settings.deadline_s or loaded.config.deadlines.run, "the run's deadline")
    compared = settings.families is None or "compare" in settings.families
    ctx = RunContext(loaded=loaded, out_dir=settings.out_dir, environ=settings.environ,
                     base_ref=base_ref(loaded, settings),
                     on_result=progress.result,
                     extra_secrets=_run_secrets(settings), deadline=deadline,
                     compare_base=base_results(loaded, settings.github, deadline) if compared else None)
    options = settings.options
    report = runner.run(ctx, settings.families, settings.github.environment_info(options.config_path),
                        options.fail_on)
    return with_comparison(report, ctx.compare_base, ctx.redactor), ctx


def _checking(deployment: Deployment) -> str:
    where = f"its {deployment.url_field}" if deployment.url_field else "the URLs in the config"
    return (f"mlsmoke: post-deploy smoke of deployment {deployment.id} to {deployment.environment} "
            f"(commit {deployment.sha[:7]}), at {where}")


def _judged(report: Report, loaded: LoadedConfig) -> Report:
    entries = existing_entries(baseline_path(loaded))
    if entries is None:
        return report
    from checker.results.baseline import with_baseline

    return behind_known(with_baseline(report, entries, loaded.config.baseline.file))


def load(settings: RunSettings) -> LoadedConfig:
    """The validated config, with `--staging-url` as the url of the entry it replaces."""
    loaded = load_config(settings.options.config_path, settings.environ)
    staging_url = settings.options.staging_url
    if staging_url and (settings.families is None or "endpoint" in settings.families):
        loaded = with_staging_url(loaded, staging_url, _staging_source(settings))
    return loaded


def _staging_source(settings: RunSettings) -> str:
    """Where the staging URL came from, for the error that finds no entry for it."""
    deployment = settings.deployment
    if deployment is not None:
        from checker.github.deployment import Deployment

        if isinstance(deployment, Deployment) and deployment.url == settings.options.staging_url:
            return f"the deployment's {deployment.url_field} (the staging URL)"
    return "--staging-url"


def base_ref(loaded: LoadedConfig, settings: RunSettings) -> str | None:
    """What data.compatibility compares with: compatibility.base_ref when set, else the
    pull request's base branch (None outside a pull request)."""
    compatibility = loaded.config.compatibility
    return (compatibility.base_ref if compatibility else None) or settings.pr_base_ref


def _run_secrets(settings: RunSettings) -> frozenset[str]:
    """Secrets that are not in the config: secret-looking variables and the GitHub token."""
    token = settings.github.token
    return environ_secrets(settings.environ) | ({token} if token else frozenset())


def publish_results(results: Path, claimed_pr: int | None, github: GithubSettings,
                    options: PublishOptions) -> None:
    """`mlsmoke publish`: the report files and the GitHub side for a results.json from another
    run. The PR it names is used only if its head is the commit that run tested."""
    from checker.github.publish import for_results, publish

    report = read_results(results)
    if not github.actions:
        raise UsageError("mlsmoke publish runs inside GitHub Actions (GITHUB_ACTIONS=true)")
    github = for_results(github, claimed_pr or report.environment.get("pull_request"))
    publish(report, write_outputs(report, options.out_dir), github, options)


def _publish(report: Report, rendered: Rendered, settings: RunSettings, secrets: frozenset[str],
             deployment: Deployment | None) -> None:
    from checker.github.publish import PublishOptions, publish

    publish(report, rendered, settings.github,
            PublishOptions(comment=settings.options.comment,
                           commit_status=(settings.options.commit_status if settings.options.commit_status
                                          is not None else deployment is not None),
                           out_dir=Path(settings.options.out_dir), secrets=secrets, deployment=deployment))
