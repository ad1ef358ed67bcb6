"""The engine every family runs its checks with: registry order, skip-the-rest, crash-to-error,
measured timing, checks that do not apply, and the deadline. Each with its twin."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from checker.checks.deadline import Deadline
from checker.checks.engine import CRASH_DETAILS, SkipRest, run_checks
from checker.checks.registry import Check
from checker.results.model import CheckResult, Status

# the check functions the test registry points at; each takes a `Probe`


def passes(probe: Probe) -> CheckResult:
    probe.ran.append("passes")
    return CheckResult(id="t.passes", status=Status.PASS, summary="fine")


def fails(probe: Probe) -> CheckResult:
    probe.ran.append("fails")
    return CheckResult(id="t.fails", status=Status.FAIL, summary="broken")


def raises(probe: Probe) -> CheckResult:
    probe.ran.append("raises")
    raise RuntimeError("boom")


def sleeps(probe: Probe) -> CheckResult:
    probe.ran.append("sleeps")
    time.sleep(0.05)
    return CheckResult(id="t.sleeps", status=Status.PASS, summary="slept")


def timed_itself(probe: Probe) -> CheckResult:
    probe.ran.append("timed_itself")
    return CheckResult(id="t.timed_itself", status=Status.PASS, summary="ok", duration_s=7.0)


def stops(probe: Probe) -> SkipRest:
    probe.ran.append("stops")
    return SkipRest("nothing to probe")


def stops_with_error(probe: Probe) -> SkipRest:
    probe.ran.append("stops_with_error")
    return SkipRest("no rows", CheckResult(id="t.stops_with_error", status=Status.ERROR, summary="bad rows"))


def absent(probe: Probe) -> None:
    probe.ran.append("absent")
    return None


def _check(name: str, blocks: str | None = None) -> Check:
    return Check(f"t.{name}", f"{__name__}:{name}", blocks)


@dataclass
class Probe:
    not_applicable: frozenset[str] = frozenset()
    ran: list[str] = field(default_factory=list)

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult | None:
        if check_id in self.not_applicable:
            return None
        return CheckResult(id=check_id, status=status, summary=summary, subject="probe")


def _run(*checks: Check, probe: Probe | None = None, deadline: Deadline | None = None) -> list[CheckResult]:
    return list(run_checks(checks, probe or Probe(), deadline))


def test_checks_run_in_registry_order_and_each_is_reported_once() -> None:
    results = _run(_check("sleeps"), _check("passes"), _check("fails"))
    assert [r.id for r in results] == ["t.sleeps", "t.passes", "t.fails"]


def test_a_blocking_failure_skips_the_rest_with_the_reason() -> None:
    probe = Probe()
    results = _run(_check("passes"), _check("fails", "{id} failed: {summary}"), _check("sleeps"),
                   probe=probe)
    assert [(r.id, r.status) for r in results] == [
        ("t.passes", Status.PASS), ("t.fails", Status.FAIL), ("t.sleeps", Status.SKIP)]
    assert results[2].summary == "t.fails failed: broken"
    assert "sleeps" not in probe.ran


def test_a_failure_that_does_not_block_lets_the_rest_run() -> None:
    results = _run(_check("fails"), _check("passes"))
    assert [r.status for r in results] == [Status.FAIL, Status.PASS]


def test_a_blocking_check_that_passes_blocks_nothing() -> None:
    results = _run(_check("passes", "blocked"), _check("fails"))
    assert [r.status for r in results] == [Status.PASS, Status.FAIL]


def test_a_check_that_raises_is_an_error_and_the_others_still_run() -> None:
    results = _run(_check("raises"), _check("passes"))
    error, after = results
    assert error.id == "t.raises" and error.status is Status.ERROR
    assert error.summary == "t.raises stopped: RuntimeError: boom"
    assert error.details == CRASH_DETAILS and "Traceback" in error.evidence["traceback"]
    assert after.status is Status.PASS


def test_a_blocking_check_that_raises_still_blocks() -> None:
    results = _run(_check("raises", "{id} failed"), _check("passes"))
    assert [r.status for r in results] == [Status.ERROR, Status.SKIP]
    assert results[1].summary == "t.raises failed"


def test_each_result_carries_its_own_measured_time() -> None:
    slept, quick = _run(_check("sleeps"), _check("passes"))
    assert slept.duration_s >= 0.05
    assert quick.duration_s < 0.05  # not an average, and nothing charged from the check before


def test_a_check_that_timed_its_own_work_keeps_its_figure() -> None:
    [result] = _run(_check("timed_itself"))
    assert result.duration_s == 7.0


def test_skip_rest_skips_the_check_itself_and_the_later_ones() -> None:
    results = _run(_check("passes"), _check("stops"), _check("fails"))
    assert [(r.id, r.status, r.summary) for r in results] == [
        ("t.passes", Status.PASS, "fine"), ("t.stops", Status.SKIP, "nothing to probe"),
        ("t.fails", Status.SKIP, "nothing to probe")]


def test_skip_rest_with_a_result_reports_that_result() -> None:
    results = _run(_check("stops_with_error"), _check("passes"))
    assert [(r.status, r.summary) for r in results] == [(Status.ERROR, "bad rows"), (Status.SKIP, "no rows")]


def test_a_check_that_does_not_apply_is_not_reported_nor_skipped() -> None:
    probe = Probe(not_applicable=frozenset({"t.passes"}))
    assert [r.id for r in _run(_check("absent"), _check("fails"), probe=probe)] == ["t.fails"]
    blocked = _run(_check("fails", "blocked"), _check("passes"), _check("sleeps"), probe=probe)
    assert [(r.id, r.status) for r in blocked] == [("t.fails", Status.FAIL), ("t.sleeps", Status.SKIP)]


def test_a_passed_deadline_skips_the_remaining_checks() -> None:
    probe = Probe()
    results = _run(_check("passes"), _check("fails"), probe=probe,
                   deadline=Deadline(time.monotonic() - 1, "out of time"))
    assert [(r.status, r.summary) for r in results] == [(Status.SKIP, "out of time")] * 2
    assert probe.ran == []


def test_a_deadline_not_yet_passed_changes_nothing() -> None:
    results = _run(_check("passes"), deadline=Deadline(time.monotonic() + 60, "out of time"))
    assert [r.status for r in results] == [Status.PASS]
