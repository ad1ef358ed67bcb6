"""What a check group receives besides the config: where to work, the environment for
the user's processes, the base ref to compare contracts with, the run's deadline and a
callback for progress. Built once by the run session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.engine import TurnedOff
from checker.checks.handoff import Handoff
from checker.config.load import LoadedConfig
from checker.config.location import Location
from checker.config.secrets import Redactor
from checker.record import record
from checker.results.model import CheckResult

if TYPE_CHECKING:  # a base to compare with exists only when the config compares
    from checker.results.compare import Base


@record(eq=False, repr=False)
class RunContext:
    """One run's context, the same for every check group."""

    loaded: LoadedConfig
    out_dir: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    base_ref: str | None = None  # compatibility.base_ref, else the PR's base branch
    on_result: Callable[[CheckResult], None] = lambda _result: None
    extra_secrets: frozenset[str] = frozenset()  # e.g. the GitHub token, never in the config
    deadline: Deadline = NO_DEADLINE  # the whole run's (--deadline, deadlines.run)
    compare_base: Base | None = None  # the base branch's results, when the config compares with them
    earlier: tuple[CheckResult, ...] = ()  # the results of the groups run before this one
    handoff: Handoff = field(default_factory=Handoff)  # from one family to a later one; closed by the runner
    turned_off: TurnedOff | None = None  # the checks: policy's off rules, handed to run_checks by each family

    @property
    def root(self) -> Path:
        return self.loaded.root

    @property
    def secrets(self) -> frozenset[str]:
        return self.loaded.secrets | self.extra_secrets

    @cached_property
    def redactor(self) -> Redactor:
        """Applied by the runner to every result, once, before anything shows or cuts it."""
        return Redactor(self.secrets)

    def location(self, *path: Any) -> Location:
        return self.loaded.location(*path)

    def family_deadline(self, family: str, seconds: float | None) -> Deadline:
        """The sooner of the run's deadline and `family`'s own, `seconds` from now."""
        return self.deadline.within(seconds, f"the {family} family's deadline")
