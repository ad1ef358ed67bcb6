"""Publishing against a fake GitHub that validates every request against GitHub's OpenAPI
description: the sticky comment's life cycle, pagination, races, fork tokens, retries."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from integration.actions_env import HEAD_SHA, PR, TOKEN, github_env, outputs, outside_code_blocks
from integration.fake_github import BOT, PERSON, FakeGithub
from samples import INJECTION, hostile_report, representative_report

from checker.github.api import GithubClient, RetryPolicy
from checker.github.env import GithubSettings
from checker.github.publish import Channels, PublishOptions, PublishOutcome, publish
from checker.render.markdown import marker, render_markdown
from checker.results.model import CheckResult, Report, Status
from checker.run.outputs import rendered


class Published:
    def __init__(self, outcome: PublishOutcome, log: str, sleeps: list[float]):
        self.outcome, self.log, self.sleeps = outcome, log, sleeps


def run_publish(tmp_path: Path, fake: FakeGithub, report: Report | None = None, *,
                event: dict | None = None, **options: Any) -> Published:
    """Publish `report` to the fake; `options` override PublishOptions' comment (True),
    commit_status (False) and secrets (none)."""
    options = {"comment": True, "commit_status": False, "secrets": frozenset()} | options
    report = report or representative_report()
    settings = GithubSettings.from_mapping(github_env(tmp_path, fake, event))
    sleeps: list[float] = []
    client = GithubClient(settings.api_url, settings.token, sleep=sleeps.append,
                          retry=RetryPolicy(backoff_s=0.5, max_wait_s=5))
    log = io.StringIO()
    outcome = publish(report, rendered(report, render_markdown(report)), settings,
                      PublishOptions(out_dir=tmp_path / "mlsmoke-out", **options),
                      Channels(client=client, stream=log))
    return Published(outcome, log.getvalue(), sleeps)


def test_first_run_creates_the_comment_and_the_second_updates_it(tmp_path: Path, fake: FakeGithub) -> None:
    first = run_publish(tmp_path, fake)
    assert len(fake.ours(PR)) == 1
    created = fake.ours(PR)[0]
    assert created["body"].startswith(marker("ML smoke checks"))
    assert first.outcome.comment_url == created["html_url"]

    fixed = replace(representative_report(), status=Status.PASS,
                    checks=[CheckResult(id="data.rows", status=Status.PASS, summary="178 rows")])
    second = run_publish(tmp_path, fake, fixed)
    assert [c["id"] for c in fake.ours(PR)] == [created["id"]]
    assert "178 rows" in fake.ours(PR)[0]["body"]
    assert len(fake.calls("POST", "issues/create-comment")) == 1
    assert len(fake.calls("PATCH", "issues/update-comment")) == 1
    assert second.outcome.comment_url == created["html_url"]


def test_our_comment_is_found_behind_150_other_comments(tmp_path: Path, fake: FakeGithub) -> None:
    for i in range(120):
        fake.add_comment(PR, f"review comment {i}")
    run_publish(tmp_path, fake)
    for i in range(40):
        fake.add_comment(PR, f"later comment {i}")
    run_publish(tmp_path, fake)
    assert len(fake.ours(PR)) == 1
    assert len(fake.calls("POST", "issues/create-comment")) == 1
    pages = fake.calls("GET", "issues/list-comments")
    assert len(pages) == 2 + 2  # each run reads 161 comments in pages of 100
    assert all(r.query["per_page"] == ["100"] for r in pages)


def test_a_race_leaves_two_of_ours_and_the_duplicate_is_deleted(tmp_path: Path, fake: FakeGithub) -> None:
    tag = marker("ML smoke checks")
    oldest = fake.add_comment(PR, f"{tag}\nfirst run", BOT)
    duplicate = fake.add_comment(PR, f"{tag}\nracing run", BOT)
    run_publish(tmp_path, fake)
    assert [c["id"] for c in fake.ours(PR)] == [oldest["id"]]
    assert [r.path for r in fake.calls("DELETE")] == [
        f"/repos/acme/wine/issues/comments/{duplicate['id']}"]


def test_a_duplicate_already_deleted_by_a_racing_run_is_fine(tmp_path: Path, fake: FakeGithub) -> None:
    tag = marker("ML smoke checks")
    oldest = fake.add_comment(PR, f"{tag}\nfirst run", BOT)
    fake.add_comment(PR, f"{tag}\nracing run", BOT)
    fake.fail_next("DELETE", "/issues/comments/", 404)
    published = run_publish(tmp_path, fake)
    assert published.outcome.comment_url == oldest["html_url"]
    assert "::warning" not in published.log


def test_a_person_quoting_our_marker_is_never_overwritten(tmp_path: Path, fake: FakeGithub) -> None:
    tag = marker("ML smoke checks")
    quoted = fake.add_comment(PR, f"{tag}\nI copied the bot's report here", PERSON)
    run_publish(tmp_path, fake)
    assert fake.calls("PATCH") == [] and fake.calls("DELETE") == []
    assert fake.comments[PR][0] == quoted
    assert len(fake.ours(PR)) == 1


def test_a_report_title_has_its_own_comment(tmp_path: Path, fake: FakeGithub) -> None:
    run_publish(tmp_path, fake)
    run_publish(tmp_path, fake, replace(representative_report(), title="Nightly smoke"))
    assert len(fake.ours(PR)) == 2


def test_an_oversize_report_is_shortened_to_fit_the_comment(tmp_path: Path, fake: FakeGithub) -> None:
    failures = [CheckResult(id="data.pattern", status=Status.FAIL, subject=f"wine: part-{i}.csv",
                            summary=f"{i} rows do not match", details="x" * 1900,
                            evidence={"examples": ["y" * 1900]}) for i in range(60)]
    report = replace(representative_report(), checks=failures + representative_report().checks)
    assert len(render_markdown(report)) > 65_536
    run_publish(tmp_path, fake, report)
    body = fake.calls("POST", "issues/create-comment")[0].body["body"]
    assert len(body) <= 65_536
    assert body.startswith(marker("ML smoke checks"))
    assert "shortened" in body and "job summary" in body
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "x" * 1900 in summary  # the job summary keeps the whole report


def test_server_errors_are_retried_with_backoff(tmp_path: Path, fake: FakeGithub) -> None:
    fake.fail_next("GET", "/comments$", 502)
    fake.fail_next("POST", "/comments$", 503, times=2)
    published = run_publish(tmp_path, fake)
    assert len(fake.ours(PR)) == 1
    assert published.sleeps == [0.5, 0.5, 1.0]
    assert "::warning" not in published.log


def test_a_secondary_rate_limit_waits_as_long_as_retry_after_says(tmp_path: Path, fake: FakeGithub) -> None:
    fake.fail_next("POST", "/comments$", 403, headers={"Retry-After": "3"})
    published = run_publish(tmp_path, fake)
    assert published.sleeps == [3.0]
    assert len(fake.ours(PR)) == 1


def test_a_wait_beyond_the_bound_gives_up_with_a_warning(tmp_path: Path, fake: FakeGithub) -> None:
    fake.fail_next("POST", "/comments$", 429, headers={"Retry-After": "3600"})
    published = run_publish(tmp_path, fake)
    assert published.sleeps == []
    assert fake.ours(PR) == []
    assert "::warning::mlsmoke could not publish the PR comment" in published.log


def test_a_fork_token_gets_a_warning_and_the_summary_is_still_written(tmp_path: Path,
                                                                       fake: FakeGithub) -> None:
    fake.read_only = True
    published = run_publish(tmp_path, fake, commit_status=True)
    assert fake.ours(PR) == [] and fake.statuses == []
    warnings = [line for line in published.log.splitlines() if line.startswith("::warning::")]
    assert len(warnings) == 2 and "HTTP 403" in warnings[0] and "fork" in warnings[0]
    assert "ML smoke checks" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert outputs(tmp_path)["status"] == "fail"
    assert outputs(tmp_path)["comment-url"] == ""


def test_a_push_build_has_no_comment_but_summary_outputs_and_status(tmp_path: Path,
                                                                    fake: FakeGithub) -> None:
    published = run_publish(tmp_path, fake, event={"ref": "refs/heads/main"}, commit_status=True)
    assert fake.calls("GET", "issues/list-comments") == [] and fake.comments == {}
    assert published.outcome.comment_url is None
    assert fake.statuses[0]["sha"] == "b" * 40  # GITHUB_SHA of the push
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith("<!-- mlsmoke:")
    assert outputs(tmp_path) == {"status": "fail", "passed": "3", "failed": "3", "known": "0",
                                 "warnings": "2", "report": str(tmp_path / "mlsmoke-out" / "report.md"),
                                 "comment-url": ""}


def _first_failure_known() -> Report:
    """The representative report with its first failure known (baselined)."""
    report = representative_report()
    first = next(i for i, c in enumerate(report.checks) if c.status >= Status.FAIL)
    return replace(report, checks=[replace(c, baseline="known") if i == first else c
                                   for i, c in enumerate(report.checks)])


def test_known_failures_are_counted_apart_from_the_failed_output(tmp_path: Path, fake: FakeGithub) -> None:
    run_publish(tmp_path, fake, _first_failure_known(), event={"ref": "refs/heads/main"})
    assert (outputs(tmp_path)["failed"], outputs(tmp_path)["known"]) == ("2", "1")


def test_the_commit_status_counts_known_failures_apart(tmp_path: Path, fake: FakeGithub) -> None:
    run_publish(tmp_path, fake, _first_failure_known(), commit_status=True)
    [status] = fake.statuses
    assert status["description"] == "ML smoke checks: 3 passed, 2 new failures, 1 known (baselined)"


def test_the_commit_status_is_opt_in(tmp_path: Path, fake: FakeGithub) -> None:
    run_publish(tmp_path, fake)
    assert fake.statuses == []
    run_publish(tmp_path, fake, commit_status=True)
    [status] = fake.statuses
    assert status["sha"] == HEAD_SHA
    assert status["state"] == "failure" and status["context"] == "mlsmoke"
    assert status["target_url"] == "https://github.com/acme/wine/actions/runs/42"
    assert status["description"] == "ML smoke checks: 3 passed, 3 failed"


def test_failures_with_a_location_become_annotations(tmp_path: Path, fake: FakeGithub) -> None:
    (tmp_path / "mlsmoke.yml").touch()
    published = run_publish(tmp_path, fake)
    assert annotations(published) == [
        "::error file=mlsmoke.yml,line=9,title=mlsmoke data.ranges::4 rows outside their range in pH, "
        "alcohol [wine: data/wine.csv]", PIPELINE_ANNOTATION]


PIPELINE_ANNOTATION = ("::error file=mlsmoke.yml,line=31,title=mlsmoke pipeline.run::the command timed out "
                       "after 120 s [python train.py]")


def annotations(published: Published) -> list[str]:
    return [line for line in published.log.splitlines() if line.startswith(("::error", "::warn", "::notice"))]


def test_a_known_failure_is_a_notice_not_an_error(tmp_path: Path, fake: FakeGithub) -> None:
    from checker.results.baseline import entries_for, with_baseline

    (tmp_path / "mlsmoke.yml").touch()
    report = representative_report()
    known = [e for e in entries_for(report.checks) if e.check == "data.ranges"]
    published = run_publish(tmp_path, fake, with_baseline(report, known, ".mlsmoke/baseline.json"))
    assert annotations(published) == [
        "::notice file=mlsmoke.yml,line=9,title=mlsmoke data.ranges (known%2C baselined)::4 rows outside "
        "their range in pH, alcohol [wine: data/wine.csv]", PIPELINE_ANNOTATION]


def test_the_token_and_secrets_are_masked_first(tmp_path: Path, fake: FakeGithub) -> None:
    published = run_publish(tmp_path, fake, secrets=frozenset({"Bearer s3cr3t-value"}))
    assert published.log.splitlines()[:2] == [f"::add-mask::{TOKEN}", "::add-mask::Bearer s3cr3t-value"]


def test_hostile_data_reaches_the_comment_inert(tmp_path: Path, fake: FakeGithub) -> None:
    report = hostile_report()
    run_publish(tmp_path, fake, report)
    body = fake.calls("POST", "issues/create-comment")[0].body["body"]
    assert fake.ours(PR)[0]["body"] == body
    markup = outside_code_blocks(body)
    assert INJECTION not in body  # escaped everywhere, the evidence table's cells too
    assert "\\</details>\\<img src=x onerror=alert(1)> @&#8203;someone" in markup
    assert re.search(r"(?<!\\)<img", markup) is None and "@someone" not in markup
    assert len(re.findall(r"(?m)^<details>", markup)) == len(re.findall(r"(?m)^</details>$", markup)) >= 1



def test_an_unwritable_summary_is_a_warning_and_the_comment_still_goes_out(tmp_path: Path,
                                                                           fake: FakeGithub) -> None:
    report = representative_report()
    settings = replace(GithubSettings.from_mapping(github_env(tmp_path, fake)), step_summary=tmp_path)
    log = io.StringIO()
    outcome = publish(report, rendered(report, render_markdown(report)), settings,
                      PublishOptions(comment=True, commit_status=False, out_dir=tmp_path,
                                     secrets=frozenset()), Channels(stream=log))
    assert "::warning::mlsmoke could not write the job summary" in log.getvalue()
    assert outcome.comment_url == fake.ours(PR)[0]["html_url"]
    assert outputs(tmp_path)["comment-url"] == outcome.comment_url
