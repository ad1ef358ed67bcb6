"""The base results from `compare.results` (a local file) and what a run without any says:
never a failure, always the reason."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import write_config
from samples import representative_report

from checker.checks.deadline import Deadline
from checker.config.load import load_config
from checker.github.env import GithubSettings
from checker.run.compare import base_results

CONFIG = "version: 1\ncompare:\n  results: base.json\n"


def base(tmp_path: Path, config: str = CONFIG, github: GithubSettings | None = None):
    loaded = load_config(write_config(tmp_path, config), {})
    return base_results(loaded, github or GithubSettings(), Deadline.after(30, "test"))


def test_no_compare_section_looks_for_nothing(tmp_path: Path) -> None:
    assert base(tmp_path, "version: 1\n") is None


def test_a_local_results_file_is_the_base(tmp_path: Path) -> None:
    (tmp_path / "base.json").write_text(json.dumps(representative_report().to_dict()), encoding="utf-8")
    found = base(tmp_path)
    assert found is not None and found.report is not None and found.skipped is None
    assert found.source == "base.json"


def test_a_missing_local_file_is_a_skip_with_the_reason(tmp_path: Path) -> None:
    found = base(tmp_path)
    assert found is not None and found.report is None
    assert found.skipped == "compare.results: base.json does not exist"


def test_a_local_file_that_is_not_results_is_a_skip(tmp_path: Path) -> None:
    (tmp_path / "base.json").write_text('{"schema_version": 1, "status": 3}', encoding="utf-8")
    found = base(tmp_path)
    assert found is not None and found.report is None
    assert "not an mlsmoke results file" in (found.skipped or "")
    (tmp_path / "base.json").write_text("{nope", encoding="utf-8")
    assert "not valid JSON" in (base(tmp_path).skipped or "")  # type: ignore[union-attr]


def test_a_symlink_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(representative_report().to_dict()), encoding="utf-8")
    project = tmp_path / "p"
    project.mkdir()
    write_config(project, CONFIG)
    loaded = load_config(project / "mlsmoke.yml", {})  # the load refuses it when it is there already
    (project / "base.json").symlink_to(outside)
    found = base_results(loaded, GithubSettings(), Deadline.after(30, "test"))
    assert found is not None and found.report is None and "leads outside" in (found.skipped or "")


def test_outside_a_pull_request_there_is_no_artifact_to_look_for(tmp_path: Path) -> None:
    push = GithubSettings(actions=True, token="t", repository="a/b")
    found = base(tmp_path, "version: 1\ncompare:\n", push)
    assert found is not None and found.skipped == "not a pull request, and compare.results names no file"


def test_a_pull_request_without_a_token_says_so(tmp_path: Path) -> None:
    pr = GithubSettings(actions=True, event={"pull_request": {"number": 1, "base": {"ref": "main"}}})
    found = base(tmp_path, "version: 1\ncompare:\n", pr)
    assert found is not None and "no GITHUB_TOKEN" in (found.skipped or "")


def test_the_comparison_is_redacted_like_every_result() -> None:
    from checker.config.secrets import Redactor
    from checker.results.compare import Base
    from checker.results.model import CheckResult, Report, Status
    from checker.run.compare import with_comparison

    secret = "tok_0123456789abcdef"
    leaky = CheckResult(id="endpoint.latency", status=Status.PASS, subject=f"http://x/?key={secret}",
                        summary="", metrics={"p50_ms": 1.0, "p95_ms": 2.0})
    base = Base("base.json", Report(status=Status.PASS, checks=[leaky], started_at="", duration_s=0))
    head = Report(status=Status.PASS, checks=[], started_at="", duration_s=0)
    compared = with_comparison(head, base, Redactor(frozenset({secret})))
    assert compared.compare is not None and secret not in str(compared.compare)
    assert "http://x/?key=***" in compared.compare["deltas"]["latency"]
    assert with_comparison(head, None, Redactor()) is head
