"""One contract against its base version: the changes, breaking or compatible."""

from __future__ import annotations

from checker.checks.compat.base import Base
from checker.checks.registry import DATA_COMPATIBILITY
from checker.contracts.diff import Change, Kind, diff_contracts
from checker.contracts.model import Contract
from checker.results.model import CheckResult, Status, truncate
from checker.run.context import RunContext


def compare(name: str, head: Contract, base: Base, ctx: RunContext) -> CheckResult:
    where = ctx.location("contracts", name)
    if name in base.invalid:
        problem = base.invalid[name][0] if base.invalid[name] else "invalid"
        return CheckResult(id=DATA_COMPATIBILITY.id, status=Status.SKIP, subject=name, location=where,
                           summary=f"the base version of contract {name} is not valid: {problem}",
                           evidence=base.evidence)
    before = base.contracts.get(name)
    if before is None:
        return CheckResult(id=DATA_COMPATIBILITY.id, status=Status.PASS, subject=name, location=where,
                           summary=f"new contract (not in {base.ref})", evidence=base.evidence)
    changes = diff_contracts(before, head)
    metrics = {kind.value: sum(c.kind is kind for c in changes) for kind in Kind}
    evidence = base.evidence | {"changes": truncate([c.to_dict() for c in changes], max_items=50)}
    if not changes:
        return CheckResult(id=DATA_COMPATIBILITY.id, status=Status.PASS, subject=name, location=where,
                           metrics=metrics, summary=f"unchanged since {base.ref}", evidence=base.evidence)
    breaking = [c for c in changes if c.kind is Kind.BREAKING]
    first = breaking[0] if breaking else changes[0]
    return CheckResult(
        id=DATA_COMPATIBILITY.id, status=Status.FAIL if breaking else Status.PASS, subject=name,
        summary=_summary(breaking or changes, base.ref, bool(breaking)),
        details=_changes_note(changes), metrics=metrics, evidence=evidence,
        location=ctx.location("contracts", name, *first.key))


def _changes_note(changes: list[Change]) -> str:
    counts = ", ".join(f"{n} {kind.value}" for kind in Kind if (n := sum(c.kind is kind for c in changes)))
    noun = "change" if len(changes) == 1 else "changes"
    return f"{len(changes)} {noun} ({counts}): the table of changes lists them"


def _summary(changes: list[Change], ref: str, breaking: bool) -> str:
    shown = "; ".join(c.describe() for c in changes[:3])
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    label = "breaking" if breaking else "compatible"
    return f"{len(changes)} {label} change{'s' if len(changes) != 1 else ''} since {ref}: {shown}{more}"
