"""Plan the check groups the config and `--only` ask for, run them, isolate their faults.

A group that raises becomes an `error` result and the next group still runs; a group whose
module is not part of this build is a `skip` with the reason. Once the run's deadline has
passed, the groups left are skipped with it. Nothing checked is a warning (fail closed): a
config with no check, or a group the config asks for whose checks all skipped. The report is redacted here, as
each result leaves the runner (before progress shows it); nothing downstream redacts again.
The config's `checks:` policy is applied here too, once, to each redacted result (run/policy.py).
The report lists the results in the registry's family order (run order within a family);
renderers keep that order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from checker import __version__
from checker.checks.engine import crashed, stopped
from checker.checks.registry import FAMILIES, GROUPS, NOTHING_CHECKED, CheckGroup, plan_id
from checker.errors import DeadlineExceededError, UsageError
from checker.results.failing_rows import with_distinct_names
from checker.results.model import CheckResult, Report, Status, redact_result, verdict
from checker.run.collector import paused
from checker.run.context import RunContext
from checker.run.policy import Policy

if TYPE_CHECKING:
    from checker.config.schema import FailOn


def parse_only(value: str | None) -> frozenset[str] | None:
    """'data,pipeline' → {'data', 'pipeline'}; unknown names are a usage error."""
    if not value:
        return None
    names = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(names - set(FAMILIES))
    if unknown:
        raise UsageError(f"unknown check family {', '.join(unknown)} (choose from {', '.join(FAMILIES)})")
    return names


def plan(ctx: RunContext, only: frozenset[str] | None) -> tuple[list[CheckGroup], list[CheckResult]]:
    """The groups to run, and skip results for families asked for but not configured."""
    config = ctx.loaded.config
    groups = [g for g in GROUPS if (only is None or g.family in only) and g.configured(config)]
    skipped = [
        CheckResult(id=plan_id(family), status=Status.SKIP, subject=ctx.loaded.display,
                    summary=f"{family} checks asked for, but mlsmoke.yml has no {family} section")
        for family in sorted(only or ())
        if not any(g.family == family for g in groups)
    ]
    return groups, skipped


BROKEN_ENVIRONMENT = ("A library these checks need cannot be imported in mlsmoke's own environment, so "
                      "none of them ran (the traceback below says which, and why). Install mlsmoke's "
                      "dependencies at versions that work together, or run the checker image.")


def run(ctx: RunContext, only: frozenset[str] | None = None,
        environment: Mapping[str, object] | None = None, fail_on: FailOn | None = None) -> Report:
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    policy = Policy.of(ctx.loaded)
    groups, checks = plan(ctx, only)
    with paused():  # the rest of the start-up: what the planned groups import (run/collector.py)
        for group in groups:
            group.prepare()
    for result in checks:
        ctx.on_result(result)
    ctx = replace(ctx, turned_off=policy.turned_off if policy.rules else None)
    try:
        for group in groups:
            for result in _bounded_group(group, replace(ctx, earlier=tuple(checks))):
                # redacted before progress shows it or anything cuts it; gated before the verdict
                result = policy.apply(redact_result(result, ctx.redactor))
                checks.append(result)
                ctx.on_result(result)
    finally:
        ctx.handoff.close()  # what one family left for a later one (the pipeline's scratch copies)
    for result in nothing_checked(checks, ctx):
        checks.append(result)
        ctx.on_result(result)
    settings = ctx.loaded.config.report
    fail_on = fail_on or settings.fail_on
    return with_distinct_names(Report(
        status=verdict(checks, fail_on),
        checks=in_report_order(checks),
        started_at=started_at,
        duration_s=time.perf_counter() - started,
        environment=ctx.redactor(dict(environment or {})),
        title=ctx.redactor.text(settings.title),
        fail_on=fail_on,
        mlsmoke_version=__version__,
        charts=settings.charts,
    ))


def in_report_order(checks: Iterable[CheckResult]) -> list[CheckResult]:
    """Families in registry order; within a family, the order the checks ran in."""
    rank = {family: i for i, family in enumerate(FAMILIES)}
    return sorted(checks, key=lambda c: rank.get(c.family, len(rank)))


def nothing_checked(checks: list[CheckResult], ctx: RunContext) -> list[CheckResult]:
    """Fail closed: a run whose checks all skipped (or that has none) is a warning, never a
    silent pass; `fail_on: warning` makes it fail."""
    if any(c.status is not Status.SKIP for c in checks):
        return []
    if ctx.deadline.passed:  # before any check could run: a deadline hit is a failure
        return [CheckResult(id=NOTHING_CHECKED, status=Status.FAIL, subject=ctx.loaded.display,
                            summary=f"nothing was checked: {ctx.deadline.reason} before any check ran")]
    reason = ("every check was skipped" if checks
              else "the config asks for no check (no data, drift, pipeline or endpoint section)")
    return [CheckResult(id=NOTHING_CHECKED, status=Status.WARN, subject=ctx.loaded.display,
                        summary=f"nothing was checked: {reason}", location=ctx.location())]


def _bounded_group(group: CheckGroup, ctx: RunContext) -> Iterator[CheckResult]:
    """The group's results; a skip when the run's deadline passed before it began, and a
    warning when a group the config asks for skipped every check."""
    if ctx.deadline.passed:
        yield CheckResult(id=group.fault_id, status=Status.SKIP, subject=ctx.loaded.display,
                          summary=f"not started: {ctx.deadline.reason}")
        return
    statuses: set[Status] = set()
    explained = False  # the group's own fault result already says why it checked nothing
    own_checks = {c.id for c in group.checks}
    for result in _run_group(group, ctx):
        statuses.add(result.status)
        explained = explained or (result.id == group.fault_id and result.id not in own_checks)
        yield result
    if statuses <= {Status.SKIP} and not explained and group.asked_for(ctx.loaded.config) \
            and not ctx.deadline.passed:
        yield CheckResult(id=NOTHING_CHECKED, status=Status.WARN, subject=group.section,
                          location=ctx.location(group.section),
                          summary=f"nothing was checked: every {group.section} check was skipped")


def _run_group(group: CheckGroup, ctx: RunContext) -> Iterable[CheckResult]:
    group_id = group.fault_id
    try:  # first: an entry point that imports a library at its top fails on it the same way
        group.import_libraries()
    except ImportError as exc:  # mlsmoke's environment, not the input: no check of the group can run
        error = CheckResult(id=group_id, status=Status.ERROR, subject=ctx.loaded.display,
                            summary=stopped(f"{group.section} checks", exc))
        yield crashed(error, details=BROKEN_ENVIRONMENT)
        return
    try:
        run_group = group.load()
    except ModuleNotFoundError as exc:
        if exc.name != group.target.split(":")[0]:
            raise
        yield CheckResult(id=group_id, status=Status.SKIP, subject=ctx.loaded.display,
                          summary=f"{group.section} checks are not available in this version")
        return
    started = time.perf_counter()
    try:
        yield from run_group(ctx.loaded.config, ctx)
    except DeadlineExceededError as exc:  # outside any check (compatibility's base checkout): fails
        yield CheckResult(id=group_id, status=Status.FAIL, subject=ctx.loaded.display, summary=str(exc),
                          location=ctx.location(group.section),
                          duration_s=round(time.perf_counter() - started, 4))
    except Exception as exc:  # a fault in mlsmoke or an unexpected input: record and go on
        error = CheckResult(id=group_id, status=Status.ERROR, subject=ctx.loaded.display,
                            summary=stopped(f"{group.section} checks", exc))
        yield crashed(error, duration_s=round(time.perf_counter() - started, 4))
