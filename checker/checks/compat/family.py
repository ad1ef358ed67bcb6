"""data.compatibility: each contract in the PR against the same contract on the base ref.

The base version of mlsmoke.yml and of every contract file it names is read with git at the
base commit (fetched once when a shallow clone lacks it; compat/base.py). One result per
contract: breaking changes fail with a table of what broke, compatible ones pass and are listed
(compat/changes.py). Without a base ref neither git nor the contract diff is imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.engine import run_checks
from checker.checks.registry import DATA_COMPATIBILITY, checks_of
from checker.config.schema import Config
from checker.record import record
from checker.results.model import CheckResult, Status
from checker.run.context import RunContext

if TYPE_CHECKING:
    from checker.checks.compat.base import Base, Comparison


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    checks = checks_of("compatibility")
    deadline = ctx.family_deadline("compatibility", config.deadlines.compatibility)
    base = read_base(config, ctx, deadline)  # shared by every contract: charged to none of them
    if isinstance(base, str):
        yield from run_checks(checks, Unavailable(base, ctx), deadline, turned_off=ctx.turned_off)
        return
    from checker.checks.compat.base import Comparison  # read_base read the base with it

    for name in config.contracts:
        yield from run_checks(checks, Comparison(name, config.contract(name), base, ctx), deadline,
                              turned_off=ctx.turned_off)
    for name in sorted(base.contracts.keys() - config.contracts.keys()):
        yield from run_checks(checks, Comparison(name, None, base, ctx), deadline, turned_off=ctx.turned_off)


@record(eq=False, repr=False)
class Unavailable:
    """No base to compare with; `reason` says why."""

    reason: str
    ctx: RunContext

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.ctx.loaded.display,
                           summary=summary, location=self.ctx.location("compatibility"))


def compatibility(subject: Unavailable | Comparison) -> CheckResult:
    if isinstance(subject, Unavailable):
        return subject.bare(DATA_COMPATIBILITY.id, Status.SKIP, subject.reason)
    if subject.head is None:
        return CheckResult(
            id=DATA_COMPATIBILITY.id, status=Status.WARN, subject=subject.name,
            location=subject.ctx.location("contracts"), evidence=subject.base.evidence,
            summary=f"contract {subject.name} was removed in this PR: its data is no longer checked")
    from checker.checks.compat.changes import compare

    return compare(subject.name, subject.head, subject.base, subject.ctx)




def read_base(config: Config, ctx: RunContext, deadline: Deadline = NO_DEADLINE) -> Base | str:
    """The contracts at the base ref, or why they cannot be read. DeadlineExceededError when
    `deadline` stops git (the runner reports it as the group's failure)."""
    ref = ctx.base_ref  # decided once by the run session: compatibility.base_ref, else the PR's base
    if not ref:
        return ("no base ref to compare contracts with: not a pull request, and "
                "compatibility.base_ref is not set")
    from checker.checks.compat.base import read_at

    return read_at(ref, config, ctx, deadline)
