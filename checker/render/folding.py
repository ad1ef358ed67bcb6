"""Keeping a big project's report short: a family with more than `FOLD_OVER` checks lists its
failures, warnings, errors and skips first, and its passed checks under one collapsed
`<details>` line ("42 passed"), so a reviewer reads the comment without scrolling past green."""

from __future__ import annotations

from collections.abc import Sequence

from checker.results.model import CheckResult, Status

FOLD_OVER = 10


def folds(checks: Sequence[CheckResult]) -> bool:
    """Whether a family of `checks` folds its passed checks."""
    return len(checks) > FOLD_OVER and any(c.status is Status.PASS for c in checks)


def summary(passed: int) -> str:
    return f"{passed:,} passed" if passed else ""
