"""The registry of checks: each family, the config section(s) feeding it, and its check ids in
report order. Report order, JUnit order and the README's documentation test come from here.

A group is one config section's checks. Its entry point, `run(config: Config, ctx: RunContext)
-> Iterable[CheckResult]`, finds the subjects (files, entries, contracts) and hands each to
`checker.checks.engine.run_checks`, which runs the group's checks below in order, each one a
function `check(subject) -> CheckResult | SkipRest | None`. Modules are imported only when
their group runs, so start-up stays light.

Adding a check is adding its function and one `Check(...)` line here (README: "How to add a
check").
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from checker.record import record

if TYPE_CHECKING:
    from checker.config.schema import Config
    from checker.results.model import CheckResult
    from checker.run.context import RunContext

GroupRun = Callable[["Config", "RunContext"], Iterable["CheckResult"]]


@cache
def _load(target: str) -> Any:
    module_name, name = target.split(":")
    return getattr(importlib.import_module(module_name), name)


@record(eq=False, repr=False)
class Check:
    """One check id and the function that runs it on a subject.

    `blocks`: when the check fails (or errs), every later check of the same subject is skipped
    with this reason; `{id}` and `{summary}` are filled from the failed result."""

    id: str
    target: str  # "module:function"
    blocks: str | None = None
    section: str = ""

    def function(self) -> Callable[[Any], Any]:
        return _load(self.target)  # type: ignore[no-any-return]


@record(eq=False, repr=False)
class CheckGroup:
    family: str
    section: str
    target: str  # "module:function", the group's entry point
    configured: Callable[[Config], bool]
    checks: tuple[Check, ...] = ()
    # whether the config asks for the group by name (compatibility also runs, unasked, when
    # there are contracts): a group asked for that checks nothing is a warning
    asked: Callable[[Config], bool] | None = None
    # the libraries its checks import when they run, imported ahead of them (`prepare`)
    libraries: tuple[str, ...] = ()

    def asked_for(self, config: Config) -> bool:
        return (self.asked or self.configured)(config)

    @property
    def fault_id(self) -> str:
        """The id of the one result the runner reports when the whole group fails or is absent."""
        return f"{self.family}.{self.section}"

    def load(self) -> GroupRun:
        return _load(self.target)  # type: ignore[no-any-return]

    def prepare(self) -> None:
        """Import the libraries its checks use and its entry point's module, before any check
        runs (the runner does it with the run's start-up). A module that fails to import is
        left for the group's run to report, as without this."""
        for name in (*self.libraries, self.target.split(":")[0]):
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    def import_libraries(self) -> None:
        """Import the libraries its checks use (already imported, after `prepare`, unless one
        fails): ImportError when one cannot be, in mlsmoke's own environment (pyarrow 26 with
        numpy 1: "pyarrow requires NumPy 2.0 or newer")."""
        for name in self.libraries:
            importlib.import_module(name)


def plan_id(family: str) -> str:
    """The id of the skip the runner reports for a family asked for but not configured."""
    return f"{family}.plan"


# The run's own result: the config (or --only) leaves nothing to check.
NOTHING_CHECKED = "run.nothing_checked"


_DECLARED: list[Check] = []


def _check(section: str, check_id: str, function: str, blocks: str | None = None) -> Check:
    """Declare a check of the group fed by `section` (declaration order is report order);
    `function` is "module:function" under checker.checks."""
    check = Check(check_id, f"checker.checks.{function}", blocks, section)
    _DECLARED.append(check)
    return check


_FAILED = "{id} failed: {summary}"
_NOT_STARTED = "skipped: the service did not start"
_UNHEALTHY = "skipped: the health check failed"

# One line per check: the constant families build their results with, its section, its id, the
# function that runs it, and what its failure skips.
DATA_READABLE = _check("data", "data.readable", "data.family:readable")
DATA_COLUMNS = _check("data", "data.columns", "data.family:columns")
DATA_TYPES = _check("data", "data.types", "data.family:types")
DATA_NULLS = _check("data", "data.nulls", "data.family:nulls")
DATA_RANGES = _check("data", "data.ranges", "data.family:ranges")
DATA_ALLOWED = _check("data", "data.allowed", "data.family:allowed")
DATA_PATTERN = _check("data", "data.pattern", "data.family:pattern")
DATA_UNIQUE = _check("data", "data.unique", "data.family:unique")
DATA_ROWS = _check("data", "data.rows", "data.family:rows")
DATA_COMPATIBILITY = _check("compatibility", "data.compatibility", "compat.family:compatibility")
DRIFT_PSI = _check("drift", "drift.psi", "drift.family:psi")
DRIFT_KS = _check("drift", "drift.ks", "drift.family:ks")
PIPELINE_SYNTHESIZE = _check("pipeline", "pipeline.synthesize", "pipeline.steps:synthesize", _FAILED)
PIPELINE_SETUP = _check("pipeline", "pipeline.setup", "pipeline.steps:setup", _FAILED)
PIPELINE_RUN = _check("pipeline", "pipeline.run", "pipeline.steps:command", _FAILED)
PIPELINE_ARTIFACTS = _check("pipeline", "pipeline.artifacts", "pipeline.steps:artifacts")
PIPELINE_METRICS = _check("pipeline", "pipeline.metrics", "pipeline.steps:metrics")
PIPELINE_MODEL_LOAD = _check("pipeline", "pipeline.model_load", "pipeline.steps:model_load", _FAILED)
PIPELINE_PREDICT = _check("pipeline", "pipeline.predict", "pipeline.steps:predict", _FAILED)
PIPELINE_EXPECT = _check("pipeline", "pipeline.expect", "pipeline.steps:expect")
PIPELINE_DETERMINISTIC = _check("pipeline", "pipeline.deterministic", "pipeline.steps:deterministic")
PIPELINE_REGISTRY = _check("pipeline", "pipeline.registry", "pipeline.steps:registry")
ENDPOINT_SERVE = _check("endpoint", "endpoint.serve", "endpoint.steps:serve", _NOT_STARTED)
ENDPOINT_HEALTH = _check("endpoint", "endpoint.health", "endpoint.steps:health", _UNHEALTHY)
ENDPOINT_PREDICT = _check("endpoint", "endpoint.predict", "endpoint.steps:predict")
ENDPOINT_PARITY = _check("endpoint", "endpoint.parity", "endpoint.parity:parity")
ENDPOINT_LATENCY = _check("endpoint", "endpoint.latency", "endpoint.steps:latency")
ENDPOINT_MALFORMED = _check("endpoint", "endpoint.malformed", "endpoint.steps:malformed")
ENDPOINT_ERRORS = _check("endpoint", "endpoint.errors", "endpoint.steps:errors")
ENDPOINT_METRICS = _check("endpoint", "endpoint.metrics", "endpoint.metrics:metrics")
COMPARE_LATENCY = _check("compare", "compare.latency", "compare.gates:latency")
COMPARE_METRICS = _check("compare", "compare.metrics", "compare.gates:metrics")


def _group(family: str, section: str, configured: Callable[[Config], bool],
           asked: Callable[[Config], bool] | None = None, libraries: tuple[str, ...] = ()) -> CheckGroup:
    package = {"compatibility": "compat"}.get(section, family)
    return CheckGroup(family, section, f"checker.checks.{package}.family:run", configured,
                      tuple(c for c in _DECLARED if c.section == section), asked, libraries)


ARROW = ("pyarrow", "pyarrow._compute")  # pyarrow imports numpy


GROUPS: tuple[CheckGroup, ...] = (
    _group("data", "data", lambda c: bool(c.data), libraries=ARROW),
    _group("data", "compatibility", lambda c: c.compatibility is not None or bool(c.contracts),
           lambda c: c.compatibility is not None),
    _group("drift", "drift", lambda c: bool(c.drift), libraries=ARROW),
    _group("pipeline", "pipeline", lambda c: c.pipeline is not None),
    _group("endpoint", "endpoint", lambda c: bool(c.endpoint)),
    # last: it compares the results of the groups above with the base branch's; a comparison
    # with no gate, or with no base results, checks nothing and says so in the report
    _group("compare", "compare", lambda c: c.compare is not None, lambda _c: False),
)

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(g.family for g in GROUPS))
CHECK_ORDER: tuple[str, ...] = tuple(c.id for g in GROUPS for c in g.checks)


def checks_of(section: str) -> tuple[Check, ...]:
    """The checks of the group fed by `section`, in report order."""
    return next(g.checks for g in GROUPS if g.section == section)
