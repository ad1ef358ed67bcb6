"""The registry of check groups: which config section feeds which family, and where its
code lives. Modules are imported only when their group runs, so start-up stays light.

A group's entry point is `run(config: Config, ctx: RunContext) -> Iterable[CheckResult]`;
it yields results as they finish (the runner reports progress from them).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.config.schema import Config
    from checker.results.model import CheckResult
    from checker.run.context import RunContext

FAMILIES = ("data", "drift", "pipeline", "endpoint")

GroupRun = Callable[["Config", "RunContext"], Iterable["CheckResult"]]


@dataclass(frozen=True)
class CheckGroup:
    family: str
    section: str
    target: str  # "module:function"
    configured: Callable[[Config], bool]

    def load(self) -> GroupRun:
        module_name, function = self.target.split(":")
        run: GroupRun = getattr(importlib.import_module(module_name), function)
        return run


GROUPS: tuple[CheckGroup, ...] = (
    CheckGroup("data", "data", "checker.checks.data.family:run", lambda c: bool(c.data)),
    CheckGroup("data", "compatibility", "checker.checks.compat.family:run",
               lambda c: c.compatibility is not None or bool(c.contracts)),
    CheckGroup("drift", "drift", "checker.checks.drift.family:run", lambda c: bool(c.drift)),
    CheckGroup("pipeline", "pipeline", "checker.checks.pipeline.family:run",
               lambda c: c.pipeline is not None),
    CheckGroup("endpoint", "endpoint", "checker.checks.endpoint.family:run", lambda c: bool(c.endpoint)),
)
