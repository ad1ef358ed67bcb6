"""The one place that reads GITHUB_* and the action's INPUT_* variables.

`GithubSettings.from_mapping(environ)` is called once per command (by the run session, or by
`mlsmoke publish`); everything below takes the frozen settings, so tests pass a plain dict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from checker.record import record

DEPLOYMENT_EVENT = "deployment_status"  # a post-deploy run (github/deployment.py reads its event)


def get_var(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """An action input (`INPUT_NAME`) wins over the plain variable `NAME`."""
    value = env.get(f"INPUT_{name.upper().replace('-', '_')}") or env.get(name)
    return value if value else default


@record(eq=False, repr=False)
class GithubSettings:
    """What a run reads from GitHub Actions' environment, once."""

    actions: bool = False
    token: str | None = None
    repository: str | None = None
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    run_id: str | None = None
    sha: str | None = None
    ref: str | None = None
    event_name: str | None = None  # pull_request, push, workflow_run, deployment_status …
    event: Mapping[str, Any] = field(default_factory=dict)
    step_summary: Path | None = None
    output: Path | None = None
    runner: str | None = None
    workspace: Path | None = None
    comment_author: str | None = None
    pull_number: int | None = None  # set by `mlsmoke publish` when the event names no PR
    artifact: str | None = None  # the artifact the action uploads the output folder as

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> GithubSettings:
        def path(name: str) -> Path | None:
            value = env.get(name)
            return Path(value) if value else None

        runner = " ".join(filter(None, [env.get("RUNNER_OS"), env.get("RUNNER_ARCH")])) or None
        return cls(
            actions=env.get("GITHUB_ACTIONS") == "true",
            token=get_var(env, "GITHUB_TOKEN"),
            repository=env.get("GITHUB_REPOSITORY"),
            api_url=(env.get("GITHUB_API_URL") or cls.api_url).rstrip("/"),
            server_url=(env.get("GITHUB_SERVER_URL") or cls.server_url).rstrip("/"),
            run_id=env.get("GITHUB_RUN_ID"),
            sha=env.get("GITHUB_SHA"),
            ref=env.get("GITHUB_REF"),
            event_name=env.get("GITHUB_EVENT_NAME"),
            event=_read_event(path("GITHUB_EVENT_PATH")),
            step_summary=path("GITHUB_STEP_SUMMARY"),
            output=path("GITHUB_OUTPUT"),
            runner=runner,
            workspace=path("GITHUB_WORKSPACE"),
            comment_author=get_var(env, "MLSMOKE_COMMENT_AUTHOR"),
            artifact=get_var(env, "MLSMOKE_ARTIFACT_NAME"),
        )

    @property
    def pull_request(self) -> Mapping[str, Any] | None:
        pr = self.event.get("pull_request")
        return pr if isinstance(pr, Mapping) else None

    @property
    def workflow_run(self) -> Mapping[str, Any] | None:
        """The run a `workflow_run` event reports on (the fork-safe publishing recipe)."""
        run = self.event.get("workflow_run")
        return run if isinstance(run, Mapping) else None

    @property
    def pr_number(self) -> int | None:
        if self.pull_number is not None:
            return self.pull_number
        pr = self.pull_request
        if pr and "number" in pr:
            return int(pr["number"])
        # GitHub lists the PRs of a workflow_run only for same-repository branches, not forks.
        prs = self.workflow_run.get("pull_requests") if self.workflow_run else None
        if isinstance(prs, list) and len(prs) == 1 and isinstance(prs[0], Mapping) and "number" in prs[0]:
            return int(prs[0]["number"])
        return None

    @property
    def head_sha(self) -> str | None:
        pr = self.pull_request
        if pr and isinstance(pr.get("head"), Mapping) and pr["head"].get("sha"):
            return str(pr["head"]["sha"])
        if self.workflow_run and self.workflow_run.get("head_sha"):
            return str(self.workflow_run["head_sha"])
        return self.sha

    @property
    def owner_repo(self) -> tuple[str, str] | None:
        if self.repository and self.repository.count("/") == 1:
            owner, repo = self.repository.split("/")
            return owner, repo
        return None

    @property
    def base_branch(self) -> str | None:
        """The PR's base branch, e.g. main."""
        pr = self.pull_request
        if pr and isinstance(pr.get("base"), Mapping) and pr["base"].get("ref"):
            return str(pr["base"]["ref"])
        return None

    @property
    def base_ref(self) -> str | None:
        """The PR's base branch as a remote-tracking ref, e.g. origin/main."""
        branch = self.base_branch
        return f"origin/{branch}" if branch else None

    @property
    def run_url(self) -> str | None:
        """The run that produced the report: for `workflow_run`, the triggering run."""
        if self.workflow_run and self.workflow_run.get("html_url"):
            return str(self.workflow_run["html_url"])
        if self.repository and self.run_id:
            return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
        return None

    def environment_info(self, config: str) -> dict[str, Any]:
        """The `environment` block of results.json."""
        found: dict[str, Any] = {
            "commit": (self.head_sha or "")[:7] or None,
            "ref": self.ref,
            "run_url": self.run_url,
            "runner": self.runner,
            "config": config,
            "pull_request": self.pr_number,
        }
        return found | ({"artifact": self.artifact} if self.artifact else {})


def _read_event(path: Path | None) -> Mapping[str, Any]:
    if path is None:
        return {}
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}
