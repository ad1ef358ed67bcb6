"""Fail closed: a config that checks nothing, a data file with no row, and a family the config
asks for whose checks all skip are warnings (never a silent pass), and failures with
`fail_on: warning`. Each has its passing twin."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import by_id, run_report, write_config

from checker.results.model import Status


def _one_file(folder: Path, body: str) -> Path:
    """A config checking one CSV file, with `fail_on: warning`."""
    (folder / "a.csv").write_text(body, encoding="utf-8")
    return write_config(folder, """
        version: 1
        contracts: {t: {columns: {a: {type: int}}}}
        data: [{contract: t, files: a.csv}]
        report: {fail_on: warning}
        """)


def _ids(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.id for c in report.checks]


@pytest.mark.parametrize(("fail_on", "verdict"), [("error", Status.PASS), ("warning", Status.FAIL)])
def test_a_config_that_checks_nothing_is_a_warning(tmp_path: Path, fail_on: str, verdict: Status) -> None:
    config = write_config(tmp_path, f"version: 1\nreport: {{fail_on: {fail_on}}}\n")
    report = run_report(config)
    nothing = by_id(report.checks, "run.nothing_checked")
    assert nothing.status is Status.WARN
    assert nothing.summary == ("nothing was checked: the config asks for no check "
                               "(no data, drift, pipeline or endpoint section)")
    assert report.status is verdict


def test_only_a_family_the_config_lacks_checks_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("a\n1\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts: {t: {columns: {a: {type: int}}}}
        data: [{contract: t, files: a.csv}]
        """)
    report = run_report(config, only="pipeline")
    assert _ids(report) == ["pipeline.plan", "run.nothing_checked"]
    nothing = by_id(report.checks, "run.nothing_checked")
    assert nothing.summary == "nothing was checked: every check was skipped"


def test_a_config_that_checks_something_has_no_such_warning(tmp_path: Path) -> None:
    report = run_report(_one_file(tmp_path, "a\n1\n"))
    assert "run.nothing_checked" not in _ids(report)
    assert report.status is Status.PASS


@pytest.mark.parametrize(("body", "status"), [("a\n", Status.WARN), ("a\n1\n", Status.PASS)])
def test_a_data_file_with_no_row_is_a_warning(tmp_path: Path, body: str, status: Status) -> None:
    report = run_report(_one_file(tmp_path, body))
    readable = by_id(report.checks, "data.readable")
    assert readable.status is status
    assert ("no row was read, so no rule was checked" in readable.summary) is (status is Status.WARN)
    assert report.status is (Status.FAIL if status is Status.WARN else Status.PASS)


@pytest.mark.parametrize(("role", "warned"), [("target", True), ("feature", False)])
def test_a_family_whose_checks_all_skip_is_a_warning(tmp_path: Path, role: str, warned: bool) -> None:
    """A drift entry whose contract has no feature column compares nothing."""
    (tmp_path / "a.csv").write_text("a\n1\n2\n", encoding="utf-8")
    config = write_config(tmp_path, f"""
        version: 1
        contracts: {{t: {{columns: {{a: {{type: int, role: {role}}}}}}}}}
        drift: [{{contract: t, reference: a.csv, current: a.csv}}]
        """)
    report = run_report(config)
    assert ("run.nothing_checked" in _ids(report)) is warned
    if warned:
        warning = by_id(report.checks, "run.nothing_checked", "drift")
        assert (warning.status, warning.summary) == (
            Status.WARN, "nothing was checked: every drift check was skipped")
        assert warning.location is not None and warning.location.line == 3


def test_compatibility_asked_for_without_a_base_is_a_warning_and_unasked_it_stays_a_skip(
        tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("a\n1\n", encoding="utf-8")
    body = """
        version: 1
        contracts: {t: {columns: {a: {type: int}}}}
        data: [{contract: t, files: a.csv}]
        """
    unasked = run_report(write_config(tmp_path, body))
    assert by_id(unasked.checks, "data.compatibility").status is Status.SKIP
    assert "run.nothing_checked" not in _ids(unasked)
    asked = run_report(write_config(tmp_path, body.rstrip(" ") + "        compatibility: {fetch: false}\n"))
    assert by_id(asked.checks, "data.compatibility").status is Status.SKIP
    warning = by_id(asked.checks, "run.nothing_checked", "compatibility")
    assert warning.summary == "nothing was checked: every compatibility check was skipped"
