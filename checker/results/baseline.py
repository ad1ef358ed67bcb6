"""A baseline of known failures: what `mlsmoke baseline` records and `mlsmoke run` matches.

An entry names a check id, its subject and a fingerprint of what failed: the columns of a
data rule (with its violation count), the probes of `endpoint.malformed`, the step of a
pipeline check, the entry of an endpoint check. A failure matching an entry is *known* (shown,
not gating); one matching none is *new*. An entry whose check now passes is *fixed*; one whose
check and subject no longer exist in a family that ran is *stale*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from checker.record import record
from checker.results.inert import one_line
from checker.results.model import KNOWN, NEW, CheckResult, Report, Status, truncate, verdict

BASELINE_VERSION = 1


@record(eq=False, repr=False)
class Entry:
    check: str
    subject: str
    fingerprint: Mapping[str, Any]
    violations: int | None = None
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.check, self.subject

    @property
    def family(self) -> str:
        return self.check.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"check": self.check, "subject": self.subject,
                                 "fingerprint": dict(self.fingerprint)}
        if self.violations is not None:
            found["violations"] = self.violations
        found["reason"] = self.reason
        return found

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        return cls(data["check"], data["subject"], data["fingerprint"], data.get("violations"),
                   data.get("reason", ""))

    def sort_key(self) -> tuple[str, str, str]:
        return self.check, self.subject, json.dumps(dict(self.fingerprint), sort_keys=True)


def fingerprint(result: CheckResult) -> tuple[dict[str, Any], int | None]:
    """What failed in `result`, and its violation count for a data rule."""
    by_column, violations = result.metrics.get("by_column"), result.metrics.get("violations")
    if isinstance(by_column, Mapping) and isinstance(violations, int):
        return {"columns": sorted(str(c) for c in by_column)}, violations
    probes = result.evidence.get("probes")
    if isinstance(probes, list) and result.family == "endpoint":
        failed = [p.get("probe") for p in probes
                  if isinstance(p, Mapping) and p.get("verdict") in (Status.FAIL.value, Status.ERROR.value)]
        return {"probes": sorted(str(p) for p in failed)}, None
    if result.family == "pipeline":
        return {"step": result.id.split(".", 1)[1]}, None
    if result.family == "endpoint":
        return {"endpoint": result.subject}, None
    return {}, None


def failing(checks: Iterable[CheckResult]) -> list[CheckResult]:
    return [c for c in checks if c.status >= Status.FAIL]


def entries_for(checks: Iterable[CheckResult], previous: Sequence[Entry] = ()) -> list[Entry]:
    """The entries for the failures and errors in `checks`, sorted; the reason of a previous
    entry that still matches is kept."""
    entries = []
    for result in failing(checks):
        shape, violations = fingerprint(result)
        entry = Entry(result.id, result.subject, shape, violations)
        kept = next((p for p in previous if p.key == entry.key and _within(entry, p)), None)
        entries.append(replace(entry, reason=kept.reason) if kept else entry)
    return sorted(entries, key=Entry.sort_key)


def dumps(entries: Sequence[Entry]) -> str:
    """The baseline file's text: pretty-printed, sorted, with a trailing newline."""
    listed = [e.to_dict() for e in sorted(entries, key=Entry.sort_key)]
    return json.dumps({"version": BASELINE_VERSION, "entries": listed}, indent=2, ensure_ascii=False) + "\n"


def _within(now: Entry, entry: Entry) -> bool:
    """Whether the failure `now` is covered by the baselined `entry`: fewer or as many
    violations, and what failed is part of what was baselined."""
    if now.violations is not None and (entry.violations is None or now.violations > entry.violations):
        return False
    for name, value in now.fingerprint.items():
        recorded = entry.fingerprint.get(name)
        if isinstance(value, list):
            if not isinstance(recorded, list) or not set(value) <= set(recorded):
                return False
        elif value != recorded:
            return False
    return True


REASON_CHARS = 160  # of an entry's reason, in a known failure's summary


@record(eq=False, repr=False)
class Applied:
    checks: list[CheckResult]
    summary: dict[str, Any]


def apply(checks: Sequence[CheckResult], entries: Sequence[Entry], file: str) -> Applied:
    """`checks` with each failure marked known or new, and the baseline's summary for results.json."""
    marked, used = [], set()
    for result in checks:
        if result.status < Status.FAIL:
            marked.append(result)
            continue
        shape, violations = fingerprint(result)
        now = Entry(result.id, result.subject, shape, violations)
        match = next((i for i, e in enumerate(entries) if e.key == now.key and _within(now, e)), None)
        if match is None:
            marked.append(replace(result, baseline=NEW))
            continue
        used.add(match)
        marked.append(replace(result, baseline=KNOWN, summary=_with_reason(result.summary, entries[match])))
    fixed, stale = _unused(checks, [e for i, e in enumerate(entries) if i not in used])
    return Applied(marked, {
        "file": file,
        "known": sum(c.baseline == KNOWN for c in marked),
        "new": sum(c.baseline == NEW for c in marked),
        "fixed": [e.to_dict() for e in fixed],
        "stale": [e.to_dict() for e in stale],
    })


def _with_reason(summary: str, entry: Entry) -> str:
    """The summary of a known failure, ending in the reason the baseline file gives for it."""
    reason = truncate(one_line(entry.reason).strip(), max_chars=REASON_CHARS)
    return f"{summary} (baselined: {reason})" if reason else summary


def _unused(checks: Sequence[CheckResult], unused: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Entries no failure matched: fixed when their check now passes, stale when their check
    and subject are gone from a family that ran (a family left out by --only says nothing)."""
    ran = {c.family for c in checks}
    statuses = {(c.id, c.subject): c.status for c in checks}
    fixed = [e for e in unused if statuses.get(e.key) is Status.PASS]
    stale = [e for e in unused if e.key not in statuses and e.family in ran]
    return fixed, stale


def describe(entry: Mapping[str, Any]) -> str:
    """'data.nulls [data/a.csv] columns: age' for messages."""
    subject = f" [{entry.get('subject')}]" if entry.get("subject") else ""
    shape = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in dict(entry.get("fingerprint") or {}).items())
    return f"{entry.get('check')}{subject}" + (f" ({shape})" if shape else "")


def with_baseline(report: Report, entries: Sequence[Entry], file: str) -> Report:
    """`report` judged against the baseline: known failures no longer gate."""
    applied = apply(report.checks, entries, file)
    return replace(report, checks=applied.checks, baseline=applied.summary,
                   status=verdict(applied.checks, report.fail_on))
