"""drift.psi and drift.ks: each `drift:` entry's feature columns, reference against current.

PSI runs on every feature column (numeric: reference quantile bins; categorical: reference
categories plus one bucket for unseen ones); KS on the numeric ones. One result of each per
entry, naming the columns that drift most, with `metrics.by_column` for all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.drift.chart_data import distributions
from checker.checks.drift.measure import ColumnDrift, Measure, UnreadableFileError, measure
from checker.checks.engine import run_checks
from checker.checks.registry import DRIFT_KS, DRIFT_PSI, checks_of
from checker.config.paths import PathRefusedError, inside_root
from checker.config.schema import Config, DriftEntry
from checker.contracts.model import ColumnType, Contract
from checker.record import record
from checker.results.model import CheckResult, Location, Status, truncate
from checker.run.context import RunContext

TOP = 3  # columns named in a summary
COLUMNS_SHOWN = 50  # rows of the per-column table in the evidence


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    checks = checks_of("drift")
    deadline = ctx.family_deadline("drift", config.deadlines.drift)
    for i, entry in enumerate(config.drift):
        subject = DriftEntryCheck(i, entry, config.contract(entry.contract), ctx, deadline)
        yield from run_checks(checks, subject, deadline, turned_off=ctx.turned_off)


@record(frozen=False)
class DriftEntryCheck:
    """One `drift:` entry. The first check to need the measurement takes it (and its time)."""

    index: int
    entry: DriftEntry
    contract: Contract
    ctx: RunContext
    deadline: Deadline = NO_DEADLINE  # the drift family's: measuring checks it between batches
    _measured: Measure | UnreadableFileError | None = None

    @property
    def subject(self) -> str:
        return f"{self.entry.contract}: {self.entry.reference} → {self.entry.current}"

    @property
    def columns(self) -> dict[str, ColumnType]:
        names = self.entry.columns if self.entry.columns is not None else list(self.contract.features)
        return {name: self.contract.columns[name].type for name in names}

    @property
    def evidence(self) -> dict[str, Any]:
        return {"reference": self.entry.reference, "current": self.entry.current}

    def location(self, *keys: str) -> Location:
        return self.ctx.location("drift", self.index, *keys)

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.subject, summary=summary,
                           location=self.location())

    def measured(self) -> Measure | UnreadableFileError:
        if self._measured is None:
            entry, root = self.entry, self.ctx.root
            try:
                files = (_confined(root, entry.reference, "reference"),
                         _confined(root, entry.current, "current"))
                self._measured = measure(files, self.columns, bins=entry.bins, sample_max=entry.sample_max,
                                         deadline=self.deadline)
            except UnreadableFileError as exc:
                self._measured = exc
        return self._measured


def psi(drift: DriftEntryCheck) -> CheckResult:
    found = _measured_or_result(drift, DRIFT_PSI.id)
    if isinstance(found, CheckResult):
        return found
    return psi_result(found, drift.entry, drift.subject, drift.evidence, drift.location("psi_max"))


def ks(drift: DriftEntryCheck) -> CheckResult:
    found = _measured_or_result(drift, DRIFT_KS.id)
    if isinstance(found, CheckResult):
        return found
    return ks_result(found, drift.entry, drift.subject, drift.evidence, drift.location("ks_pvalue_min"))


def _measured_or_result(drift: DriftEntryCheck, check_id: str) -> Measure | CheckResult:
    """The measurement, or the result when there is nothing to measure or a file is unreadable."""
    if not drift.columns:
        return drift.bare(check_id, Status.SKIP,
                          f"contract {drift.entry.contract} has no feature columns to compare")
    found = drift.measured()
    if isinstance(found, UnreadableFileError):
        return replace(drift.bare(check_id, Status.FAIL, str(found)), location=drift.location(found.side))
    return found


def _confined(root: Path, path: str, side: Literal["reference", "current"]) -> Path:
    """A drift input resolved inside the project; one that leads out of it is not read."""
    try:
        return inside_root(root, path)  # as named, so messages name the file the config names
    except PathRefusedError as exc:
        raise UnreadableFileError(side, f"refused {path}: not read: {exc}") from None


def psi_result(found: Measure, entry: DriftEntry, subject: str, evidence: dict[str, Any],
               location: Location) -> CheckResult:
    scored = sorted((c for c in found.columns if c.psi is not None), key=lambda c: -(c.psi or 0))
    drifting = [c for c in scored if (c.psi or 0) > entry.psi_max]
    if not scored:
        return _nothing_compared(DRIFT_PSI.id, found, subject, evidence, location)
    worst = scored[0]
    if drifting:
        named = ", ".join(f"{c.column} {c.psi:.3f}" for c in drifting[:TOP])
        summary = f"PSI above {entry.psi_max:g} in {_count(drifting, scored)}: {named}"
    else:
        summary = f"no column drifts: highest PSI {worst.psi:.3f} ({worst.column}) of {len(scored)} columns"
    summary += _problems_note(found)
    columns = [{"column": c.column, "kind": c.kind, "PSI": round(c.psi or 0.0, 4),
                "reference n": c.reference_values, "current n": c.current_values} for c in scored]
    return CheckResult(
        id=DRIFT_PSI.id, status=Status.FAIL if drifting or found.problems else Status.PASS,
        subject=subject, summary=summary, location=location,
        metrics={"psi": round(worst.psi or 0.0, 6), "column": worst.column, "psi_max": entry.psi_max,
                 "by_column": {c.column: round(c.psi or 0.0, 6) for c in scored}},
        evidence={"columns": truncate(columns, max_items=COLUMNS_SHOWN)} | evidence
        | _problem_evidence(found) | {
            "bins": truncate([{"bin": b, "reference": round(r, 6), "current": round(c, 6)}
                              for b, r, c in worst.bins], max_items=30),
            "bins_of": worst.column} | distributions(drifting))


def ks_result(found: Measure, entry: DriftEntry, subject: str, evidence: dict[str, Any],
              location: Location) -> CheckResult:
    tested = sorted((c for c in found.columns if c.ks_pvalue is not None), key=lambda c: c.ks_pvalue or 0)
    if not tested:
        if not found.problems and not any(c.kind == "numeric" for c in found.columns):
            return CheckResult(id=DRIFT_KS.id, status=Status.SKIP, subject=subject, location=location,
                               summary="no numeric feature columns (KS compares numbers)")
        return _nothing_compared(DRIFT_KS.id, found, subject, evidence, location)
    drifting = [c for c in tested if (c.ks_pvalue or 0) < entry.ks_pvalue_min]
    worst = tested[0]
    if drifting:
        named = ", ".join(f"{c.column} p={c.ks_pvalue:.2g} (D={c.ks_statistic:.3f})" for c in drifting[:TOP])
        summary = f"KS p-value below {entry.ks_pvalue_min:g} in {_count(drifting, tested)}: {named}"
    else:
        summary = (f"no column drifts: lowest KS p-value {worst.ks_pvalue:.2g} ({worst.column}) "
                   f"of {len(tested)} columns")
    summary += _problems_note(found)
    columns = [{"column": c.column, "KS statistic": round(c.ks_statistic or 0.0, 4),
                "p-value": float(f"{c.ks_pvalue:.3g}"), "reference n": c.reference_values,
                "current n": c.current_values} for c in tested]
    return CheckResult(
        id=DRIFT_KS.id, status=Status.FAIL if drifting or found.problems else Status.PASS,
        subject=subject, summary=summary, location=location,
        metrics={"ks_pvalue": worst.ks_pvalue, "ks_statistic": worst.ks_statistic, "column": worst.column,
                 "ks_pvalue_min": entry.ks_pvalue_min, "sample_max": entry.sample_max,
                 "by_column": {c.column: c.ks_pvalue for c in tested}},
        evidence={"columns": truncate(columns, max_items=COLUMNS_SHOWN)} | evidence | _problem_evidence(found)
        | distributions(drifting))


def _nothing_compared(check: str, found: Measure, subject: str, evidence: dict[str, Any],
                      location: Location) -> CheckResult:
    return CheckResult(id=check, status=Status.FAIL, subject=subject, location=location,
                       summary="no column could be compared: " + "; ".join(found.problems[:TOP]),
                       evidence=evidence | _problem_evidence(found))


def _count(drifting: list[ColumnDrift], compared: list[ColumnDrift]) -> str:
    return f"{len(drifting)} of {len(compared)} column{'s' if len(compared) != 1 else ''}"


def _problems_note(found: Measure) -> str:
    if not found.problems:
        return ""
    more = f" (+{len(found.problems) - 1} more)" if len(found.problems) > 1 else ""
    return f"; {found.problems[0]}{more}"


def _problem_evidence(found: Measure) -> dict[str, Any]:
    return {"problems": truncate(found.problems)} if found.problems else {}
