"""The contracts as they are at the base ref, read with git at the base commit (fetched once
when a shallow clone lacks it)."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from checker.checks.compat.git import GitError, Repo
from checker.checks.deadline import Deadline
from checker.config.load import load_contracts_text
from checker.config.paths import lexical_problem
from checker.config.schema import Config
from checker.config.yamlmap import LineIndex, parse_yaml
from checker.contracts.model import Contract
from checker.errors import ConfigError, ConfigProblem
from checker.record import record
from checker.results.model import CheckResult, Status
from checker.run.context import RunContext

_ADVICE = ("use actions/checkout with `fetch-depth: 0`, or set compatibility.base_ref "
           "to a ref this checkout has")


@record
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


@record(eq=False, repr=False)
class Comparison:
    """One contract: as in this PR (`head`, None when the PR removes it) and at the base."""

    name: str
    head: Contract | None
    base: Base
    ctx: RunContext

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.name, summary=summary,
                           location=self.ctx.location("contracts", self.name))


def read_at(ref: str, config: Config, ctx: RunContext, deadline: Deadline) -> Base | str:
    """The contracts at `ref`, or why they cannot be read."""
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
