"""Malformed-input probes derived from the contract, and how each answer is judged.

A well-behaved endpoint answers every probe with a 4xx. A 5xx, a 2xx (bad input accepted), a
redirect, a hang or a Python traceback in the body is a failure; an error body that echoes the
submitted values back is a warning (it reflects user data into logs and clients).

Each probe has a stable id (`ProbeId`, in the README); `malformed.allow` names the probes whose
failure is a known fault: it only warns, and an allowance whose probe now behaves is listed as
no longer needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from checker.checks.endpoint.http import Exchange
from checker.checks.endpoint.protocols import Protocol, Row
from checker.config.endpoint_schema import ProbeId
from checker.record import record
from checker.results.model import Status, truncate

SENTINEL = "mlsmoke-not-a-number"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+, in ")


@record
class Probe:
    id: ProbeId
    name: str
    description: str
    body: bytes
    content_type: str = "application/json"
    echo_markers: tuple[str, ...] = ()  # submitted values whose return means the body echoes input


@record
class Verdict:
    status: Status
    reason: str


def build_probes(protocol: Protocol, rows: Sequence[Row], make_rows: Callable[[int], list[Row]],
                 max_rows: int | None) -> list[Probe]:
    """The probes for this endpoint; `make_rows(n)` synthesizes n valid rows (for oversize)."""
    columns = protocol.columns
    valid = _dump(protocol.body(rows))
    markers = _distinctive(rows[0]) if rows else ()
    probes = []
    if columns:
        dropped = columns[0]
        without = [{k: v for k, v in r.items() if k != dropped} for r in rows]
        probes.append(Probe("missing_column", "missing column", f"rows without the column {dropped!r}",
                            _dump(protocol.body(without)), echo_markers=markers))
        target = _mistype_target(protocol)
        probes.append(Probe("wrong_type", "wrong type", f"column {target!r} holds the string {SENTINEL!r}",
                            _dump(protocol.body([{**r, target: SENTINEL} for r in rows])),
                            echo_markers=(SENTINEL, *markers)))
    cut = valid[: max(1, len(valid) // 2)]
    probes += [
        Probe("empty_body", "empty body", "an empty request body", b""),
        Probe("invalid_json", "invalid JSON", "a body cut off in the middle of the JSON", cut,
              echo_markers=tuple(m for m in markers if m.encode() in cut)),
        Probe("wrong_content_type", "wrong content type", "a valid body sent as text/plain", valid,
              "text/plain", echo_markers=markers),
        Probe("empty_rows", "empty row list", "a request with zero rows", _dump(protocol.body([]))),
    ]
    if max_rows is not None:
        probes.append(Probe("too_many_rows", "oversized batch",
                            f"{max_rows + 1} rows (malformed.max_rows is {max_rows})",
                            _dump(protocol.body(make_rows(max_rows + 1)))))
    return probes


def _distinctive(row: Row) -> tuple[str, ...]:
    """Values of a submitted row as they appear in JSON, long enough that finding one in an
    answer means the answer repeats the input (not that a short number occurs by chance)."""
    found = []
    for value in row.values():
        if isinstance(value, bool) or value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        if len(text) >= 8:
            found.append(text)
    return tuple(found)


def _mistype_target(protocol: Protocol) -> str:
    """A numeric column if there is one: a string there is a type error every server can see."""
    for name, column_type in protocol.features.items():
        if column_type.numeric:
            return name
    return protocol.columns[0]


def _dump(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def judge(probe: Probe, answer: Exchange) -> Verdict:
    if answer.error_kind == "timeout":
        return Verdict(Status.FAIL, f"no answer: {answer.error} — the server hangs on bad input")
    if answer.error is not None and answer.status is None:
        return Verdict(Status.FAIL, f"no answer: {answer.error}")
    status = answer.status or 0
    if status >= 500:
        return Verdict(Status.FAIL, f"HTTP {status}: a server error instead of a 4xx")
    if status < 400:
        return Verdict(Status.FAIL, f"HTTP {status}: the malformed input was not rejected with a 4xx")
    if TRACEBACK.search(answer.text):
        return Verdict(Status.FAIL, f"HTTP {status}, but the body carries a Python traceback")
    if any(marker in answer.text for marker in probe.echo_markers):
        return Verdict(Status.WARN, f"HTTP {status}, but the error body echoes the submitted values")
    return Verdict(Status.PASS, f"HTTP {status}")


def allowed(verdict: Verdict) -> Verdict:
    """The verdict on a probe `malformed.allow` names: a failure only warns, saying so."""
    if verdict.status < Status.FAIL:
        return verdict
    return Verdict(Status.WARN, f"{verdict.reason} (allowed by malformed.allow)")


def not_needed(allow: Sequence[str], judged: Sequence[tuple[str, Verdict]]) -> list[str]:
    """The allowances whose probe ran and did not fail (judged before the allowance)."""
    return [probe_id for probe_id, verdict in judged if probe_id in allow and verdict.status < Status.FAIL]


def summarize(verdicts: Sequence[tuple[str, Verdict]], unneeded: Sequence[str] = ()) -> str:
    """One line: the probes that were not cleanly rejected, grouped by what went wrong
    (failures first), then the allowances no longer needed."""
    note = (f"; malformed.allow no longer needed for {', '.join(unneeded)} (the probe is rejected "
            "with a 4xx now: remove it)" if unneeded else "")
    return _verdict_line(verdicts) + note


def _verdict_line(verdicts: Sequence[tuple[str, Verdict]]) -> str:
    by_reason: dict[tuple[int, str], list[str]] = {}
    for name, verdict in verdicts:
        if verdict.status is not Status.PASS:
            by_reason.setdefault((-verdict.status.rank, verdict.reason), []).append(name)
    if not by_reason:
        return f"all {len(verdicts)} malformed requests were rejected with a 4xx"
    bad = sum(len(names) for names in by_reason.values())
    groups = [f"{', '.join(names)}: {reason}" for (_, reason), names in sorted(by_reason.items())]
    return f"{bad} of {len(verdicts)} probes: " + "; ".join(groups)


def evidence(probe: Probe, answer: Exchange, verdict: Verdict) -> dict[str, Any]:
    found: dict[str, Any] = {"id": probe.id, "probe": probe.name,
                             "sent": f"{probe.description} ({probe.content_type})",
                             "body_sent": truncate(probe.body.decode("utf-8", "replace"), max_chars=300),
                             "verdict": verdict.status.value, "reason": verdict.reason}
    if answer.status is not None:
        found["status"] = answer.status
        found["response"] = truncate(answer.text, max_chars=600)
        found["content_type"] = answer.content_type
    return found
