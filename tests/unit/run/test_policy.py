"""The `checks:` policy: matching (id glob, subject glob, the last rule wins), `off` (not run, a
skip saying where), `warn` (a failure demoted, an error kept), `error` (undoes an earlier rule),
each with its failing twin; a rule naming no check is a config error; results.json round-trips
what was applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import by_id, cli_in_process, run_report, write_config

from checker.checks.engine import run_checks
from checker.checks.registry import Check
from checker.config.load import load_config
from checker.errors import ConfigError
from checker.results import schema
from checker.results.model import CheckResult, Report, Status
from checker.run.policy import Policy, Rule

CONTRACT = """
    version: 1
    contracts:
      t: {columns: {a: {type: int, max: 5}}}
    data:
      - {contract: t, files: "data/*.csv"}
    """


def _project(tmp_path: Path, checks: str = "") -> Path:
    (tmp_path / "data").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "data" / name).write_text("a\n1\n9\n", encoding="utf-8")  # 9 is above max
    return write_config(tmp_path, CONTRACT + checks)


def _policy(*rules: tuple[str, str, str | None]) -> Policy:
    return Policy(tuple(Rule(i, s, subject, line) for line, (i, s, subject) in enumerate(rules, 10)))  # type: ignore[arg-type]


def _failed(check_id: str = "data.ranges", subject: str = "t: data/a.csv",
            status: Status = Status.FAIL) -> CheckResult:
    return CheckResult(id=check_id, status=status, summary="1 value out of range", subject=subject)


# matching


def test_an_id_glob_matches_every_check_of_its_family_and_no_other() -> None:
    policy = _policy(("endpoint.*", "warn", None))
    assert policy.rule_for("endpoint.malformed", "http://x") is not None
    assert policy.rule_for("data.ranges", "t: data/a.csv") is None


def test_a_subject_glob_narrows_a_rule_to_the_subjects_it_matches() -> None:
    policy = _policy(("data.ranges", "warn", "t: data/a*.csv"))
    assert policy.rule_for("data.ranges", "t: data/a.csv") is not None
    assert policy.rule_for("data.ranges", "t: data/b.csv") is None


def test_the_last_matching_rule_wins() -> None:
    policy = _policy(("data.*", "warn", None), ("data.ranges", "error", "t: data/b.csv"))
    assert policy.rule_for("data.ranges", "t: data/a.csv").severity == "warn"  # type: ignore[union-attr]
    assert policy.rule_for("data.ranges", "t: data/b.csv").severity == "error"  # type: ignore[union-attr]
    reversed_order = _policy(("data.ranges", "error", "t: data/b.csv"), ("data.*", "warn", None))
    assert reversed_order.rule_for("data.ranges", "t: data/b.csv").severity == "warn"  # type: ignore[union-attr]


def test_the_runners_own_results_are_not_matched() -> None:
    policy = _policy(("data.*", "off", None))
    assert policy.rule_for("data.data", "mlsmoke.yml") is None  # a group's fault
    assert policy.turned_off("data.ranges", "t: x.csv") == "turned off in mlsmoke.yml line 10"


# applying


def test_warn_demotes_a_failure_saying_which_line_and_its_twin_without_a_rule_fails() -> None:
    demoted = _policy(("data.ranges", "warn", None)).apply(_failed())
    assert demoted.status is Status.WARN
    assert demoted.summary == "1 value out of range (demoted by mlsmoke.yml line 10)"
    assert demoted.policy == {"severity": "warn", "line": 10, "was": "fail"}
    kept = _policy(("data.nulls", "warn", None)).apply(_failed())
    assert (kept.status, kept.policy) == (Status.FAIL, None)


def test_warn_keeps_an_error_an_error_and_leaves_a_pass_alone() -> None:
    policy = _policy(("data.*", "warn", None))
    assert policy.apply(_failed(status=Status.ERROR)).status is Status.ERROR
    assert policy.apply(_failed(status=Status.PASS)).policy is None


def test_off_makes_any_result_a_skip_saying_where() -> None:
    off = _policy(("data.ranges", "off", None)).apply(_failed())
    assert (off.status, off.summary) == (Status.SKIP, "turned off in mlsmoke.yml line 10")
    assert off.policy == {"severity": "off", "line": 10}


_RAN: list[str] = []


def _first(_subject: object) -> CheckResult:
    _RAN.append("t.first")
    return CheckResult(id="t.first", status=Status.PASS, summary="ran", subject="s")


def _second(_subject: object) -> CheckResult:
    _RAN.append("t.second")
    return CheckResult(id="t.second", status=Status.PASS, summary="ran", subject="s")


class _Subject:
    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, summary=summary, subject="s")


def test_the_engine_does_not_run_a_check_turned_off_and_a_blocking_one_skips_the_rest() -> None:
    _RAN.clear()
    checks = [Check("t.first", f"{__name__}:_first", "{id} failed"), Check("t.second", f"{__name__}:_second")]
    results = list(run_checks(checks, _Subject(), turned_off=lambda check_id, _s: (
        "turned off in x line 3" if check_id == "t.first" else None)))
    assert [(r.id, r.status, r.summary) for r in results] == [
        ("t.first", Status.SKIP, "turned off in x line 3"),
        ("t.second", Status.SKIP, "skipped: t.first is turned off in x line 3")]
    assert _RAN == []
    assert [r.status for r in run_checks(checks, _Subject())] == [Status.PASS, Status.PASS]  # twin: no policy
    assert _RAN == ["t.first", "t.second"]


# a real run


def test_a_failure_demoted_for_one_file_warns_and_the_other_file_still_fails(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: data.ranges, severity: warn, subject: "t: data/a*.csv"}
    """)
    report = run_report(config)
    demoted = by_id(report.checks, "data.ranges", "a.csv")
    kept = by_id(report.checks, "data.ranges", "b.csv")
    assert demoted.status is Status.WARN and "demoted by" in demoted.summary
    assert demoted.policy == {"severity": "warn", "line": 8, "was": "fail"}
    assert kept.status is Status.FAIL and kept.policy is None
    assert report.status is Status.FAIL


def test_demoting_every_failure_passes_the_run_and_its_twin_fails(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: "data.*", severity: warn}
    """)
    assert run_report(config).status is Status.PASS
    assert run_report(write_config(tmp_path, CONTRACT)).status is Status.FAIL


def test_off_skips_the_check_with_the_line_and_an_error_rule_after_it_undoes_it(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: data.ranges, severity: off}
      - {id: data.ranges, severity: error, subject: "*b.csv"}
    """)
    report = run_report(config)
    off, on = by_id(report.checks, "data.ranges", "a.csv"), by_id(report.checks, "data.ranges", "b.csv")
    assert (off.status, off.metrics) == (Status.SKIP, {})
    assert off.summary.startswith("turned off in ") and off.summary.endswith("mlsmoke.yml line 8")
    assert off.policy == {"severity": "off", "line": 8}
    assert on.status is Status.FAIL and on.policy is None
    assert report.status is Status.FAIL


def test_results_json_round_trips_the_policy_applied(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: data.ranges, severity: warn}
    """)
    data = run_report(config).to_dict()
    assert schema.problems(data) == []
    again = Report.from_dict(data)
    applied = by_id(again.checks, "data.ranges", "a.csv").policy
    assert applied == {"severity": "warn", "line": 8, "was": "fail"}
    assert again.to_dict() == data
    data["checks"][0]["policy"] = {"severity": "loud"}
    assert schema.problems(data)


# config errors


def test_a_rule_naming_no_check_is_a_config_error_with_a_suggestion(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: data.pattern, severity: warn}
      - {id: data.rnages, severity: warn}
    """)
    with pytest.raises(ConfigError) as raised:
        Policy.of(load_config(config, {}))
    [problem] = raised.value.problems
    assert (problem.line, problem.key) == (9, "checks[1].id")
    assert problem.message == "no check matches 'data.rnages' (did you mean 'data.ranges'?)"
    done = cli_in_process("validate", "--config", str(config))
    assert done.returncode == 2 and "did you mean 'data.ranges'" in done.stderr


def test_an_unknown_severity_is_a_config_error_naming_the_line(tmp_path: Path) -> None:
    config = _project(tmp_path, """
    checks:
      - {id: "endpoint.*", severity: loud}
    """)
    with pytest.raises(ConfigError) as raised:
        load_config(config, {})
    assert [(p.line, p.key) for p in raised.value.problems] == [(8, "checks[0].severity")]
