"""What a failed post-deploy smoke tells the deployment (one redacted, inert line of at most 140
characters), and which pull requests of the deployed commit get the comment."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checker.config.secrets import Redactor
from checker.github.deployment import Deployment
from checker.github.env import GithubSettings
from checker.github.post_deploy import DESCRIPTION_LIMIT, MAX_PULLS, deployed_pulls, failure_description
from checker.results.model import CheckResult, Report, Status

SECRET = "s3cr3t-deploy-token-77"


def report(*checks: CheckResult, fail_on: str = "error") -> Report:
    return Report(status=Status.FAIL, checks=list(checks), started_at="2026-12-01T00:00:00Z",
                  duration_s=1.0, fail_on=fail_on)  # type: ignore[arg-type]


def test_the_description_names_the_first_failure_and_how_many_failed() -> None:
    text = failure_description(report(
        CheckResult("endpoint.health", Status.PASS, "200 in 3 ms", subject="wine"),
        CheckResult("endpoint.latency", Status.FAIL, "p95 1200 ms over 500 ms", subject="wine"),
        CheckResult("endpoint.errors", Status.ERROR, "crashed"),
    ), Redactor())
    assert text == ("mlsmoke post-deploy smoke failed: 2 of 3 checks; endpoint.latency [wine]: "
                    "p95 1200 ms over 500 ms")


def test_the_description_is_one_redacted_inert_line_of_at_most_140_characters() -> None:
    summary = f"answered\r\n::error::{SECRET} Bearer abc.def.ghi.jkl.mno.pqr \u202e" + "x" * 500
    text = failure_description(report(CheckResult("endpoint.predict", Status.FAIL, summary)),
                               Redactor(frozenset({SECRET})))
    assert len(text) == DESCRIPTION_LIMIT and text.endswith("…")
    assert SECRET not in text and "abc.def.ghi.jkl" not in text
    assert "\n" not in text and "\r" not in text and "\u202e" not in text and "<U+202E>" in text


def test_a_warning_that_fails_the_run_is_the_reason() -> None:
    text = failure_description(report(CheckResult("endpoint.latency", Status.WARN, "p95 slow"),
                                      fail_on="warning"), Redactor())
    assert text.endswith("1 of 1 checks; endpoint.latency: p95 slow")


class Pulls:
    """A GitHub client that only lists the pull requests of a commit."""

    def __init__(self, pulls: list[Mapping[str, Any]]):
        self.pulls, self.paths, self.read = pulls, [], 0

    def paginate(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        self.paths.append((path, params))
        for pull in self.pulls:
            self.read += 1
            yield pull


def test_the_pull_requests_of_the_deployed_commit_are_bounded_and_numbers() -> None:
    odd = [{"number": "4"}, {"number": True}, {}]
    client = Pulls([{"number": 3}, *odd, *({"number": n} for n in range(5, 50))])
    deployment = Deployment(42, "d" * 40, "staging", None)
    numbers = deployed_pulls(client, GithubSettings(repository="acme/wine"), deployment)  # type: ignore[arg-type]
    assert numbers == [3, *range(5, 11)] and client.read == MAX_PULLS
    assert client.paths == [(f"/repos/acme/wine/commits/{'d' * 40}/pulls", None)]
