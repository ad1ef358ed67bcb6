"""Check results and the run report: the data every later step (render, publish) reads.

`Location` and `redact` come from the config step (it knows the lines and the secrets) and
are re-exported here for the steps that handle results.

results.json is a stable, versioned format other tools parse: `Report.to_dict()` and
`Report.from_dict()` are its only writer and reader.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any

from checker.config.location import Location as Location  # re-exported
from checker.config.secrets import Redactor
from checker.config.secrets import redact as redact  # re-exported for the steps that handle results
from checker.record import record
from checker.results.clip import truncate as truncate  # re-exported: checks import it here
from checker.results.failing_rows import FailingRows

if TYPE_CHECKING:
    from checker.config.schema import FailOn

SCHEMA_VERSION = 1
KNOWN, NEW = "known", "new"  # a failure's `baseline`: in the baseline file (not gating), or not


class Status(enum.Enum):
    """A check's outcome. Ordered: the worst status wins (`max(statuses)`). Not a string:
    `status == "fail"` is always False (and a mypy error); results.json holds `.value`."""

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return self.rank >= other.rank


_RANK = {s: i for i, s in enumerate(Status)}
COUNT_ORDER = (Status.PASS, Status.FAIL, Status.WARN, Status.SKIP, Status.ERROR)
"""The order of results.json's `counts` (SPEC §3)."""


@record
class CheckResult:
    """One check on one subject. `details` is plain text (escaped by the renderer);
    `evidence` holds the offending values, payloads or responses, already truncated."""

    id: str
    status: Status
    summary: str
    subject: str = ""
    details: str = ""
    metrics: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    location: Location | None = None
    duration_s: float = 0.0
    # what the config's `checks:` policy did to this result: {"severity": "warn" | "off", "line": N}
    policy: Mapping[str, Any] | None = None
    baseline: str | None = None  # "known" or "new" when a baseline file was read (results/baseline.py)
    # a failing data check's rows, for failing-rows/ (run/outputs.py); not in results.json
    failing_rows: FailingRows | None = field(default=None, compare=False, repr=False)

    @property
    def known(self) -> bool:
        """A failure or error the baseline knows: it does not gate."""
        return self.status >= Status.FAIL and self.baseline == KNOWN

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    def with_duration(self, duration_s: float) -> CheckResult:
        return replace(self, duration_s=round(duration_s, 4))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "family": self.family,
            "subject": self.subject,
            "status": self.status.value,
            "summary": self.summary,
            "details": self.details,
            "metrics": dict(self.metrics),
            "evidence": dict(self.evidence),
            "location": self.location.to_dict() if self.location else None,
            "duration_s": self.duration_s,
            **({"policy": dict(self.policy)} if self.policy else {}),
            **({"baseline": self.baseline} if self.baseline else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        location = data.get("location")
        return cls(
            id=data["id"],
            status=Status(data["status"]),
            summary=data.get("summary", ""),
            subject=data.get("subject", ""),
            details=data.get("details", ""),
            metrics=data.get("metrics") or {},
            evidence=data.get("evidence") or {},
            location=Location(location["file"], location.get("line")) if location else None,
            duration_s=float(data.get("duration_s", 0.0)),
            policy=data.get("policy") or None,
            baseline=data.get("baseline"),
        )


def verdict(checks: list[CheckResult], fail_on: FailOn = "error") -> Status:
    """PASS or FAIL for the whole run. `fail_on: warning` makes a warning fail the run too. A
    failure the baseline knows does not gate."""
    worst = max((c.status for c in checks if c.baseline != KNOWN), default=Status.PASS)
    threshold = Status.WARN if fail_on == "warning" else Status.FAIL
    return Status.FAIL if worst >= threshold else Status.PASS


@record
class Report:
    """The whole run: what results.json holds."""

    status: Status
    checks: list[CheckResult]
    started_at: str
    duration_s: float
    environment: Mapping[str, Any] = field(default_factory=dict)
    title: str = "ML smoke checks"
    fail_on: FailOn = "error"
    mlsmoke_version: str = ""
    baseline: Mapping[str, Any] | None = None  # {"file", "known", "new", "fixed", "stale"}
    compare: Mapping[str, Any] | None = None  # the deltas against the base branch (checks/compare/)
    charts: bool = True  # report.charts: Mermaid charts in the Markdown report

    @property
    def counts(self) -> dict[Status, int]:
        """Checks per status, every status present, in `COUNT_ORDER`."""
        counts = dict.fromkeys(COUNT_ORDER, 0)
        for check in self.checks:
            counts[check.status] += 1
        return counts

    @property
    def failed(self) -> int:
        """Checks that failed or errored: what "failed" means standing alone (the action's
        `failed` output, the commit status). A breakdown by status lists errors apart."""
        return sum(1 for check in self.checks if check.status >= Status.FAIL)

    @property
    def known(self) -> int:
        """Failed or errored checks the baseline knows (they do not gate)."""
        return sum(1 for check in self.checks if check.known)

    def by_family(self) -> dict[str, list[CheckResult]]:
        families: dict[str, list[CheckResult]] = {}
        for check in self.checks:
            families.setdefault(check.family, []).append(check)
        return families

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "mlsmoke_version": self.mlsmoke_version,
            "title": self.title,
            "fail_on": self.fail_on,
            "status": self.status.value,
            "counts": {status.value: n for status, n in self.counts.items()},
            "duration_s": round(self.duration_s, 3),
            "started_at": self.started_at,
            "environment": dict(self.environment),
            "checks": [c.to_dict() for c in self.checks],
        }
        if self.baseline is not None:
            found["baseline"] = dict(self.baseline)
        if self.compare is not None:
            found["compare"] = dict(self.compare)
        if not self.charts:
            found["charts"] = False
        return found

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(
                f"unsupported results schema_version {data.get('schema_version')!r}"
                f" (this mlsmoke reads {SCHEMA_VERSION})"
            )
        return cls(
            status=Status(data["status"]),
            checks=[CheckResult.from_dict(c) for c in data.get("checks", [])],
            started_at=data.get("started_at", ""),
            duration_s=float(data.get("duration_s", 0.0)),
            environment=data.get("environment") or {},
            title=data.get("title", "ML smoke checks"),
            fail_on=data.get("fail_on", "error"),
            mlsmoke_version=data.get("mlsmoke_version", ""),
            baseline=data.get("baseline"),
            compare=data.get("compare"),
            charts=data.get("charts", True),
        )


def redact_result(result: CheckResult, secrets: Redactor | frozenset[str] | set[str]) -> CheckResult:
    """`result` with every field a check can fill redacted; clipped evidence is redacted
    whole, then cut (results/clip.py)."""
    clean = secrets if isinstance(secrets, Redactor) else Redactor(frozenset(secrets))
    location = result.location
    return replace(
        result, id=clean.text(result.id), summary=clean.text(result.summary),
        subject=clean.text(result.subject), details=clean.text(result.details),
        metrics=clean(result.metrics), evidence=clean(result.evidence),
        location=Location(clean.text(location.file), location.line) if location else None)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as elapsed: ...` then `elapsed[0]` holds the seconds taken."""
    elapsed = [0.0]
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.perf_counter() - start
