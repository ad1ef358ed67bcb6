"""What drift.psi and drift.ks record for the report's charts: the reference and current
shares per bin of each column they find drifting, bounded (MAX_COLUMNS columns, MAX_BINS bins
each; the smallest bins of a wider column are folded into one "other" bin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker.checks.drift.measure import ColumnDrift
from checker.results.chart_data import DISTRIBUTIONS

MAX_COLUMNS = 6
MAX_BINS = 20


def distributions(drifting: Sequence[ColumnDrift]) -> dict[str, Any]:
    """{DISTRIBUTIONS: [...]} for the first MAX_COLUMNS of `drifting`, or {} when none drift."""
    if not drifting:
        return {}
    return {DISTRIBUTIONS: [_column(c) for c in drifting[:MAX_COLUMNS]]}


def _column(drift: ColumnDrift) -> dict[str, Any]:
    return {"column": drift.column, "kind": drift.kind, "reference_n": drift.reference_values,
            "current_n": drift.current_values,
            "bins": [{"bin": label, "reference": round(ref, 4), "current": round(cur, 4)}
                     for label, ref, cur in _bounded(drift.bins)]}


def _bounded(bins: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    if len(bins) <= MAX_BINS:
        return bins
    ranked = sorted(range(len(bins)), key=lambda i: -max(bins[i][1], bins[i][2]))
    kept = sorted(ranked[: MAX_BINS - 1])
    folded = [bins[i] for i in ranked[MAX_BINS - 1:]]
    other = (f"other {len(folded)} bins", sum(b[1] for b in folded), sum(b[2] for b in folded))
    return [bins[i] for i in kept] + [other]
