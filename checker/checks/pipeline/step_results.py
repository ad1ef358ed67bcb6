"""CheckResults for the steps that run the user's code: setup, run (and the second run of
the determinism check), artifacts and metrics. Plain facts in, one result out."""

from __future__ import annotations

import signal

from checker.checks.pipeline.artifacts import ArtifactState, MetricFinding, artifact_problems
from checker.checks.pipeline.process import EXIT_NOT_FOUND, ProcessOutcome
from checker.checks.registry import PIPELINE_ARTIFACTS, PIPELINE_METRICS
from checker.config.schema import Artifact
from checker.record import record
from checker.results.model import CheckResult, Location, Status, truncate


@record
class Budget:
    """A step's configured timeout, and whether a deadline (`whose`) cut it shorter."""

    timeout_s: float
    deadline_cut: bool = False
    whose: str = "the pipeline family's deadline"


def command_result(check_id: str, outcome: ProcessOutcome, subject: str, budget: Budget,
                   location: Location | None) -> CheckResult:
    """pass, or fail with the reason (not found, exit status, signal, timeout) and the
    output's last lines as evidence."""
    timeout_s = budget.timeout_s
    metrics = {"wall_s": outcome.wall_s, "peak_rss_mb": outcome.peak_rss_mb,
               "exit_code": outcome.exit_code, "timeout_s": timeout_s}
    failure = _failure(outcome, budget)
    if failure is None:
        memory = f", peak memory {outcome.peak_rss_mb:g} MB" if outcome.peak_rss_mb else ""
        return CheckResult(id=check_id, status=Status.PASS, subject=subject, location=location,
                           summary=f"finished in {outcome.wall_s:.1f}s{memory}", metrics=metrics)
    return CheckResult(id=check_id, status=Status.FAIL, subject=subject, location=location,
                       summary=failure, metrics=metrics,
                       details=f"command: {' '.join(outcome.argv[2:]) or ' '.join(outcome.argv)}",
                       evidence=truncate(outcome.evidence(), max_chars=4000))


def _failure(outcome: ProcessOutcome, budget: Budget) -> str | None:
    if outcome.start_error:
        return f"cannot start: {outcome.start_error}"
    if outcome.timed_out:
        why = budget.whose if budget.deadline_cut else f"the {budget.timeout_s:g}s timeout"
        return f"timed out after {outcome.wall_s:.1f}s ({why}); its whole process group was killed"
    if outcome.exit_code == 0:
        return None
    last = _last_line(outcome)
    if outcome.exit_code == EXIT_NOT_FOUND:
        return f"command not found: {last}"
    if outcome.exit_code is not None and outcome.exit_code < 0:
        name = _signal_name(-outcome.exit_code)
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"killed by {name}{hint} after {outcome.wall_s:.1f}s"
    return f"exited with status {outcome.exit_code}: {last}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _last_line(outcome: ProcessOutcome) -> str:
    lines = (outcome.stderr_tail or outcome.stdout_tail).strip().splitlines()
    return lines[-1].strip() if lines else "no output"


def artifacts_result(artifacts: list[Artifact], states: list[ArtifactState],
                     location: Location | None) -> CheckResult:
    problems = artifact_problems(artifacts, states)
    sizes = {s.display: s.size for s in states}
    subject = ", ".join(a.path for a in artifacts)
    if problems:
        return CheckResult(id=PIPELINE_ARTIFACTS.id, status=Status.FAIL, subject=subject,
                           location=location, summary="; ".join(problems),
                           metrics={"missing": sum(s.size is None for s in states)},
                           evidence=truncate({"sizes_bytes": sizes, "found_in_out": _listing(states)}))
    return CheckResult(id=PIPELINE_ARTIFACTS.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"{len(states)} artifact(s) present", metrics={"sizes_bytes": sizes})


def _listing(states: list[ArtifactState]) -> list[str]:
    """What the pipeline did write next to the missing files, to spot a misnamed one."""
    folders = {s.path.parent for s in states if s.size is None and s.path.parent.is_dir()}
    return sorted(str(p.relative_to(folder)) for folder in folders for p in folder.rglob("*")
                  if p.is_file())[:50]


def metrics_result(findings: list[MetricFinding], subject: str, location: Location | None) -> CheckResult:
    values = {f"{f.file}: {f.key}" if f.key else f.file: f.value for f in findings}
    failed = [f for f in findings if f.problem]
    if failed:
        summary = "; ".join(f"{f.key or f.file}: {f.problem}" for f in failed)
        return CheckResult(id=PIPELINE_METRICS.id, status=Status.FAIL, subject=subject, location=location,
                           summary=summary, metrics={"values": truncate(values)},
                           evidence=truncate({"failed": [vars(f) for f in failed]}))
    shown = ", ".join(f"{f.key}={f.value:g}" for f in findings)
    return CheckResult(id=PIPELINE_METRICS.id, status=Status.PASS, subject=subject, location=location,
                       summary=f"within bounds: {shown}", metrics={"values": truncate(values)})
