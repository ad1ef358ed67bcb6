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
from checker.config.load import load_contracts_text
from checker.config.paths import lexical_problem
from checker.config.schema import Config
from checker.config.yamlmap import LineIndex, parse_yaml
from checker.contracts.diff import Change, Kind, changes_table, diff_contracts
from checker.contracts.model import Contract
from checker.errors import ConfigError, ConfigProblem
from checker.results.model import CheckResult, Status, stopwatch, truncate
from checker.run.context import RunContext

CHECK = "data.compatibility"
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


class Skip(Exception):
    """The comparison cannot run; the message says why."""


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    with stopwatch() as elapsed:
        base = _base_or_skip(config, ctx)
    if isinstance(base, CheckResult):
        yield base.with_duration(elapsed[0])
        return
    setup_s = elapsed[0]  # reading the base is part of the first comparison's time
    for name in config.contracts:
        with stopwatch() as elapsed:
            result = compare(name, config.contract(name), base, ctx)
        yield result.with_duration(elapsed[0] + setup_s)
        setup_s = 0.0
    for name in sorted(base.contracts.keys() - config.contracts.keys()):
        yield CheckResult(
            id=CHECK, status=Status.WARN, subject=name, location=ctx.location("contracts"),
            summary=f"contract {name} was removed in this PR: its data is no longer checked",
            evidence=base.evidence)


def _base_or_skip(config: Config, ctx: RunContext) -> Base | CheckResult:
    try:
        return read_base(config, ctx)
    except Skip as reason:
        return CheckResult(id=CHECK, status=Status.SKIP, subject=ctx.loaded.display,
                           summary=str(reason), location=ctx.location("compatibility"))


def read_base(config: Config, ctx: RunContext) -> Base:
    ref = ctx.base_ref  # decided once by the run session: compatibility.base_ref, else the PR's base
    if not ref:
        raise Skip("no base ref to compare contracts with: not a pull request, and "
                   "compatibility.base_ref is not set")
    try:
        repo = Repo.find(ctx.loaded.path.resolve().parent, ctx.environ)
        commit, notes = _base_commit(repo, ref, fetch=config.compatibility is None
                                     or config.compatibility.fetch)
        return _base_contracts(repo, ref, commit, ctx.loaded.path.name, notes)
    except GitError as exc:
        raise Skip(f"cannot read the base version of the contracts: {exc}") from None


def _base_commit(repo: Repo, ref: str, *, fetch: bool) -> tuple[str, list[str]]:
    commit = repo.resolve(ref)
    if commit is not None:
        return commit, []
    if not fetch:
        raise Skip(f"base ref {ref} is not in this checkout (fetching is off): {_ADVICE}")
    try:
        commit = repo.fetch(ref)
    except GitError as exc:
        raise Skip(f"base ref {ref} is not in this checkout and fetching it failed ({exc}): "
                   f"{_ADVICE}") from None
    return commit, [f"{ref} was not in this (shallow) checkout; mlsmoke fetched it ({commit[:12]})"]


def _base_contracts(repo: Repo, ref: str, commit: str, config_name: str, notes: list[str]) -> Base:
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
        raise Skip(f"the base {config_path} cannot be read: {exc.problems[0]}") from None
    return Base(ref, commit, contracts, invalid, notes)


def compare(name: str, head: Contract, base: Base, ctx: RunContext) -> CheckResult:
    where = ctx.location("contracts", name)
    if name in base.invalid:
        problem = base.invalid[name][0] if base.invalid[name] else "invalid"
        return CheckResult(id=CHECK, status=Status.SKIP, subject=name, location=where,
                           summary=f"the base version of contract {name} is not valid: {problem}",
                           evidence=base.evidence)
    before = base.contracts.get(name)
    if before is None:
        return CheckResult(id=CHECK, status=Status.PASS, subject=name, location=where,
                           summary=f"new contract (not in {base.ref})", evidence=base.evidence)
    changes = diff_contracts(before, head)
    metrics = {kind.value: sum(c.kind is kind for c in changes) for kind in Kind}
    evidence = base.evidence | {"changes": truncate([c.to_dict() for c in changes], max_items=50)}
    if not changes:
        return CheckResult(id=CHECK, status=Status.PASS, subject=name, location=where, metrics=metrics,
                           summary=f"unchanged since {base.ref}", evidence=base.evidence)
    breaking = [c for c in changes if c.kind is Kind.BREAKING]
    first = breaking[0] if breaking else changes[0]
    return CheckResult(
        id=CHECK, status=Status.FAIL if breaking else Status.PASS, subject=name,
        summary=_summary(breaking or changes, base.ref, bool(breaking)),
        details=changes_table(changes), metrics=metrics, evidence=evidence,
        location=ctx.location("contracts", name, *first.key))


def _summary(changes: list[Change], ref: str, breaking: bool) -> str:
    shown = "; ".join(c.describe() for c in changes[:3])
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    label = "breaking" if breaking else "compatible"
    return f"{len(changes)} {label} change{'s' if len(changes) != 1 else ''} since {ref}: {shown}{more}"
