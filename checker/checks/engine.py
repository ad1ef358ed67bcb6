"""Run one subject's checks (a data file, a drift entry, the pipeline, an endpoint entry, a
contract) in registry order. Written once for every family:

- timing: each result carries the time its own function took (a check that times the part of
  its work that matters, such as a subprocess's wall time, keeps its own figure);
- skip-the-rest: a check whose registry entry `blocks` and that fails, or one that returns
  `SkipRest`, turns the subject's later checks into `skip` results with the reason;
- crash-to-error: a check that raises becomes an `error` result with the traceback, and the
  others still run (a blocking one still blocks);
- turned off: a check the config's `checks:` policy turns off for this subject is not run; it
  is a `skip` with the reason (the runner's `turned_off`, handed on by each family), and a
  blocking one skips the subject's later checks too;
- deadlines: once `deadline` has passed the remaining checks are skipped with its reason, and
  a check that raises DeadlineExceededError (a long loop noticed it) fails saying what it was doing.

A check function returns its `CheckResult`, `SkipRest`, or None when it does not apply to
this subject (not reported). Work shared by several subjects (compatibility's base checkout)
is not charged to any one of them; it shows in the run's total duration.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.registry import Check
from checker.errors import DeadlineExceededError
from checker.record import record
from checker.results.model import CheckResult, Status, truncate

CRASH_DETAILS = ("mlsmoke hit an unexpected error; the other checks still ran. "
                 "Please report it with the traceback below.")


# (check id, subject) → why the run's policy turns that check off there, or None (RunContext.turned_off).
TurnedOff = Callable[[str, str], "str | None"]


@record(eq=False, repr=False)
class SkipRest:
    """Returned by a check: skip it and every later check of the subject, with `reason`.
    `result`, when given, is reported for this check instead of its skip."""

    reason: str
    result: CheckResult | None = None


class Subject(Protocol):
    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult | None:
        """A result for `check_id` with nothing but a status and a summary (a skip, an error),
        or None when that check does not apply to this subject."""


def run_checks(checks: Sequence[Check], subject: Subject, deadline: Deadline | None = None, *,
               turned_off: TurnedOff | None = None) -> Iterator[CheckResult]:
    deadline = deadline or NO_DEADLINE
    blocked: str | None = None
    for check in checks:
        if blocked is None and deadline.passed:
            blocked = deadline.reason
        if blocked is not None:
            skipped = subject.bare(check.id, Status.SKIP, blocked)
            if skipped is not None:
                yield skipped
            continue
        off = _turned_off(check, subject, turned_off)
        if off is not None:
            if check.blocks:
                blocked = f"skipped: {check.id} is {off.summary}"
            yield off
            continue
        outcome = _timed(check, subject)
        if isinstance(outcome, SkipRest):
            blocked = outcome.reason
            outcome = outcome.result or subject.bare(check.id, Status.SKIP, blocked)
        if outcome is None:
            continue
        if check.blocks and outcome.status >= Status.FAIL:
            blocked = check.blocks.format(id=outcome.id, summary=outcome.summary)
        yield outcome


def _turned_off(check: Check, subject: Subject, turned_off: TurnedOff | None) -> CheckResult | None:
    """The skip reported instead of running `check`, when the run's policy turns it off here."""
    if turned_off is None:
        return None
    skipped = subject.bare(check.id, Status.SKIP, "")
    reason = turned_off(check.id, skipped.subject) if skipped is not None else None
    return replace(skipped, summary=reason) if skipped is not None and reason else None


def _timed(check: Check, subject: Subject) -> CheckResult | SkipRest | None:
    started = time.perf_counter()
    try:
        outcome: CheckResult | SkipRest | None = check.function()(subject)
    except DeadlineExceededError as exc:  # a failed check saying what was happening; the rest skip
        failed = subject.bare(check.id, Status.FAIL, str(exc))
        outcome = SkipRest(exc.reason, failed and failed.with_duration(time.perf_counter() - started))
    except Exception as exc:  # a fault in mlsmoke or an unexpected input: this check errs
        outcome = crashed(subject.bare(check.id, Status.ERROR, stopped(check.id, exc))
                          or CheckResult(id=check.id, status=Status.ERROR, summary=stopped(check.id, exc)))
    elapsed = time.perf_counter() - started
    if isinstance(outcome, CheckResult) and not outcome.duration_s:
        return outcome.with_duration(elapsed)
    return outcome


def stopped(what: str, exc: BaseException) -> str:
    return f"{what} stopped: {type(exc).__name__}: {exc}"


def crashed(result: CheckResult, **changes: Any) -> CheckResult:
    """`result` (an error) with the current exception's traceback as evidence."""
    return replace(result, **{"details": CRASH_DETAILS,
                              "evidence": {"traceback": truncate(traceback.format_exc(), max_chars=4000)},
                              **changes})
