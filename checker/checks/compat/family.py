"""data.compatibility: each contract in the PR against the same contract on the base ref.

The base version of mlsmoke.yml and of every contract file it names is read with git at the
base commit (fetched once when a shallow clone lacks it). One result per contract: breaking
changes fail with a table of what broke, compatible ones pass and are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.checks.compat.git import GitError, Repo
from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.engine import run_checks
from checker.checks.registry import DATA_COMPATIBILITY, checks_of
from checker.config.load import load_contracts_text
from checker.config.paths import lexical_problem
from checker.config.schema import Config
from checker.config.yamlmap import LineIndex, parse_yaml
from checker.contracts.diff import Change, Kind, diff_contracts
from checker.contracts.model import Contract
from checker.errors import ConfigError, ConfigProblem
from checker.results.model import CheckResult, Status, truncate
from checker.run.context import RunContext

_ADVICE = ("use actions/checkout with `fetch-depth: 0`, or set compatibility.base_ref "
           "to a ref this checkout has")


@dataclass(frozen=True)
class Base:
    """The contracts as they are at the base ref."""

    ref: str
    commit: str
    contracts: dict[str, Contract]
    invalid: dict[str, list[ConfigProblem]]
    notes: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> dict[str, Any]:
        found: dict[str, Any] = {"base_ref": self.ref, "base_commit": self.commit[:12]}
        return found | ({"notes": self.notes} if self.notes else {})


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    checks = checks_of("compatibility")
    deadline = ctx.family_deadline("compatibility", config.deadlines.compatibility)
    base = read_base(config, ctx, deadline)  # shared by every contract: charged to none of them
    if isinstance(base, str):
        yield from run_checks(checks, Unavailable(base, ctx), deadline, turned_off=ctx.turned_off)
        return
    for name in config.contracts:
        yield from run_checks(checks, Comparison(name, config.contract(name), base, ctx), deadline,
                              turned_off=ctx.turned_off)
    for name in sorted(base.contracts.keys() - config.contracts.keys()):
        yield from run_checks(checks, Comparison(name, None, base, ctx), deadline, turned_off=ctx.turned_off)


@dataclass(frozen=True)
class Unavailable:
    """No base to compare with; `reason` says why."""

    reason: str
    ctx: RunContext

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.ctx.loaded.display,
                           summary=summary, location=self.ctx.location("compatibility"))


@dataclass(frozen=True)
class Comparison:
    """One contract: as in this PR (`head`, None when the PR removes it) and at the base."""

    name: str
    head: Contract | None
    base: Base
    ctx: RunContext

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.name, summary=summary,
                           location=self.ctx.location("contracts", self.name))


def compatibility(subject: Unavailable | Comparison) -> CheckResult:
    if isinstance(subject, Unavailable):
        return subject.bare(DATA_COMPATIBILITY.id, Status.SKIP, subject.reason)
    if subject.head is None:
        return CheckResult(
            id=DATA_COMPATIBILITY.id, status=Status.WARN, subject=subject.name,
            location=subject.ctx.location("contracts"), evidence=subject.base.evidence,
            summary=f"contract {subject.name} was removed in this PR: its data is no longer checked")
    return compare(subject.name, subject.head, subject.base, subject.ctx)


def read_base(config: Config, ctx: RunContext, deadline: Deadline = NO_DEADLINE) -> Base | str:
    """The contracts at the base ref, or why they cannot be read. DeadlineExceededError when
    `deadline` stops git (the runner reports it as the group's failure)."""
    ref = ctx.base_ref  # decided once by the run session: compatibility.base_ref, else the PR's base
    if not ref:
        return ("no base ref to compare contracts with: not a pull request, and "
                "compatibility.base_ref is not set")
    try:
        repo = Repo.find(ctx.loaded.path.resolve().parent, ctx.environ, deadline)
        found = _base_commit(repo, ref, fetch=config.compatibility is None or config.compatibility.fetch)
        if isinstance(found, str):
            return found
        commit, notes = found
        return _base_contracts(repo, ref, commit, ctx.loaded.path.name, notes)
    except GitError as exc:
        return f"cannot read the base version of the contracts: {exc}"


def _base_commit(repo: Repo, ref: str, *, fetch: bool) -> tuple[str, list[str]] | str:
    commit = repo.resolve(ref)
    if commit is not None:
        return commit, []
    if not fetch:
        return f"base ref {ref} is not in this checkout (fetching is off): {_ADVICE}"
    try:
        commit = repo.fetch(ref)
    except GitError as exc:
        return f"base ref {ref} is not in this checkout and fetching it failed ({exc}): {_ADVICE}"
    return commit, [f"{ref} was not in this (shallow) checkout; mlsmoke fetched it ({commit[:12]})"]


def _base_contracts(repo: Repo, ref: str, commit: str, config_name: str, notes: list[str]) -> Base | str:
    config_path = repo.path_of(config_name)
    text = repo.show(commit, config_path) if config_path else None
    if text is None:
        notes.append(f"{config_path} does not exist at {ref}: every contract is new")
        return Base(ref, commit, {}, {}, notes)

    def read(file: str) -> tuple[Any, LineIndex]:
        path = repo.path_of(file)
        display = f"{ref}:{path or file}"
        refused = lexical_problem(file)
        if refused:
            raise ConfigError(ConfigProblem(display, None, "", refused))
        found = repo.show(commit, path) if path else None
        if found is None:
            raise ConfigError(ConfigProblem(display, None, "", "file not found"))
        return parse_yaml(found, display)

    try:
        contracts, invalid = load_contracts_text(text, f"{ref}:{config_path}", read)
    except ConfigError as exc:
        return f"the base {config_path} cannot be read: {exc.problems[0]}"
    return Base(ref, commit, contracts, invalid, notes)


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
