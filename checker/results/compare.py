"""The base branch's results a run is compared with (or why there are none), and the numbers
both sides carry, as plain data: `checker.checks.compare` reads the check results into these,
the renderers and the Mermaid charts read `Report.compare` (results.json's `compare` object).

The base results come from another run (a downloaded artifact, a file): untrusted, so only
numbers are taken from them, and only finite ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from checker.record import record
from checker.results.model import Report

MAX_LISTED = 200  # new and fixed checks, endpoints, metrics and files kept in results.json
MAX_FEATURES = 100  # PSI features kept per drift entry


@record(eq=False, repr=False)
class Base:
    """The base side of a comparison: its report, or the reason there is none (`skipped`)."""

    source: str  # "artifact mlsmoke-results (run 42)", or the local file's name
    report: Report | None = None
    skipped: str | None = None
    # where the artifact says it came from; else the base report's own `environment`
    head_sha: str | None = None
    link: str | None = None

    @classmethod
    def missing(cls, source: str, reason: str) -> Base:
        return cls(source, None, reason)

    @property
    def commit(self) -> str | None:
        value = self.head_sha or (self.report.environment.get("commit") if self.report else None)
        return str(value)[:40] if value else None

    @property
    def run_url(self) -> str | None:
        value = self.link or (self.report.environment.get("run_url") if self.report else None)
        return str(value) if isinstance(value, str) and value.startswith(("https://", "http://")) else None

    def describe(self) -> dict[str, Any]:
        return {"source": self.source, "commit": self.commit, "run_url": self.run_url}


def number(value: Any) -> float | None:
    """`value` when it is a finite int or float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # an int too large for a float (JSON allows any number of digits)
        return None


def pair(base: float | None, head: float | None) -> dict[str, float | None]:
    return {"base": base, "head": head}


def change_pct(base: float | None, head: float | None) -> float | None:
    """How much `head` is above `base`, in percent of `base` (None when base is not positive)."""
    if base is None or head is None or base <= 0:
        return None
    return (head - base) / base * 100.0


def paired(base: Mapping[str, float], head: Mapping[str, float]) -> dict[str, dict[str, float | None]]:
    """{name: {base, head}} for every name on either side, head's order first, at most MAX_LISTED."""
    names = list(dict.fromkeys([*head, *base]))[:MAX_LISTED]
    return {name: pair(base.get(name), head.get(name)) for name in names}
