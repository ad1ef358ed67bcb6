"""`data.columns`: the file's columns against the contract's — missing, extra (by the
contract's `extra_columns`: error, warn or allow) and renamed-looking ones (a missing column
that differs from an extra one only in case, spacing or punctuation, or closely by spelling);
a column name the file has twice is a failure too (which of them the rules would read is
anyone's guess)."""

from __future__ import annotations

import functools
import re
from collections import Counter

from checker.checks.data.report import plural
from checker.contracts.model import Contract, ExtraColumns
from checker.record import record
from checker.results.model import Status

SHOWN = 10  # columns of each kind a summary names


@record(eq=False, repr=False)
class ColumnsFinding:
    """How a file's columns differ from its contract's."""

    missing: list[str]
    extra: list[str]
    renamed: dict[str, str]  # contract column → the file column it looks renamed to
    repeated: dict[str, int]  # column names the file has more than once → how often

    def status(self, extra_columns: ExtraColumns) -> Status:
        if self.missing or self.repeated or (self.extra and extra_columns == "error"):
            return Status.FAIL
        if self.extra and extra_columns == "warn":
            return Status.WARN
        return Status.PASS

    def summary(self, checked: int, extra_columns: ExtraColumns) -> str:
        """One line, naming at most SHOWN columns of each kind (the metrics name them all: a
        file's header can name 100,000)."""
        parts = [f"missing column {name!r}" + (f" (looks renamed to {self.renamed[name]!r})"
                                              if name in self.renamed else "")
                 for name in self.missing[:SHOWN]]
        parts += _unnamed(len(self.missing), "missing column")
        repeated = list(self.repeated.items())
        parts += [f"column {name!r} appears {times} times" for name, times in repeated[:SHOWN]]
        parts += _unnamed(len(repeated), "repeated column")
        unexplained = [c for c in self.extra if c not in self.renamed.values()]
        if unexplained:
            allowed = " (allowed)" if extra_columns == "allow" else ""
            listed = ", ".join(repr(c) for c in unexplained[:SHOWN])
            left = len(unexplained) - SHOWN
            parts.append(f"{plural(len(unexplained), 'extra column')}{allowed}: {listed}"
                         + (f" and {left:,} more" if left > 0 else ""))
        return "; ".join(parts) if parts else f"all {checked} contract columns present, no extra columns"


def _unnamed(count: int, what: str) -> list[str]:
    """["N more <what>s"] for the columns of a kind beyond the SHOWN a summary names, else []."""
    left = count - SHOWN
    return [f"{left:,} more {what}" + ("" if left == 1 else "s")] if left > 0 else []


def compare_columns(contract: Contract, found: list[str]) -> ColumnsFinding:
    expected = list(contract.columns)
    missing = [c for c in expected if c not in found]
    extra = list(dict.fromkeys(c for c in found if c not in contract.columns))
    repeated = {c: n for c, n in Counter(found).items() if n > 1}
    renamed: dict[str, str] = {}
    for name in missing:
        candidates = [c for c in extra if c not in renamed.values()]
        match = _looks_like(name, candidates)
        if match is not None:
            renamed[name] = match
    return ColumnsFinding(missing, extra, renamed, repeated)


def _looks_like(name: str, candidates: list[str]) -> str | None:
    import difflib  # only to suggest a name in a message

    key = _normalized(name)
    for candidate in candidates:
        if _normalized(candidate) == key:
            return candidate
    close = difflib.get_close_matches(key, [_normalized(c) for c in candidates], n=1, cutoff=0.8)
    if not close:
        return None
    return next(c for c in candidates if _normalized(c) == close[0])


def _normalized(name: str) -> str:
    return _separators().sub("_", name.strip().lower()).strip("_")


@functools.cache
def _separators() -> re.Pattern[str]:
    """Compiled on first use: only a file whose columns differ from its contract's needs it."""
    return re.compile(r"[\s_\-.]+")

