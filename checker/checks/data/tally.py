"""What one rule found in one file (or one part of it): the count of violating rows, rows per
column, the first examples in row order and the first failing rows kept whole. Parts of a file
checked apart (row groups, batches on other threads) `merge` in file order into exactly what
one pass would have found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

from checker.record import record
from checker.results.failing_rows import FailingRow
from checker.tables import compute as pc
from checker.tables.arrow_values import int64_array
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

MAX_EXAMPLES = 5


@record
class Example:
    """One offending value: its data row, column and value."""

    row: int
    column: str
    value: Any


@record(frozen=False, eq=False, repr=False)
class Tally:
    """What one rule found in one file."""

    violations: int = 0
    by_column: dict[str, int] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    cap: int = 0  # failing rows kept whole (report.failing_rows_max)
    failing: list[FailingRow] = field(default_factory=list)
    kept: int = 0  # distinct rows in `failing`

    def add(self, hits: Mapping[str, np.ndarray], shown: Mapping[str, pa.Array], offset: int,
            whole: pa.RecordBatch | None = None) -> None:
        """Count one batch: `hits` per column (its violating batch positions, ascending, never
        empty), `shown` the values to quote (per column, its values at those positions), `whole`
        the batch's contract columns (kept for the first `cap` failing rows)."""
        import numpy as np

        for name, rows in hits.items():
            self.by_column[name] = self.by_column.get(name, 0) + len(rows)
        found = list(hits.values())
        union = found[0] if len(found) == 1 else sorted_distinct(np.concatenate(found))
        self.violations += len(union)
        if len(self.examples) < MAX_EXAMPLES:
            self._keep_examples(hits, shown, offset)
        if whole is not None and self.kept < self.cap:
            self._keep_rows(hits, shown, offset, union[: self.cap - self.kept], whole)

    def merge(self, later: Tally) -> None:
        """Add what `later` found in rows that all come after this tally's rows."""
        self.violations += later.violations
        for name, count in later.by_column.items():
            self.by_column[name] = self.by_column.get(name, 0) + count
        self.examples = sorted([*self.examples, *later.examples], key=lambda e: e.row)[:MAX_EXAMPLES]
        for failing in later.failing:
            starts_row = not self.failing or self.failing[-1].row != failing.row
            if starts_row and self.kept >= self.cap:
                break
            self.failing.append(failing)
            self.kept += starts_row

    def _keep_rows(self, hits: Mapping[str, np.ndarray], shown: Mapping[str, pa.Array], offset: int,
                   picked: np.ndarray, whole: pa.RecordBatch) -> None:
        """The failing rows at `picked` (batch positions), one FailingRow per offending value."""
        import numpy as np

        records = pc.take(whole, int64_array(picked)).to_pylist()
        columns = {}
        for name, rows in hits.items():
            at = np.minimum(np.searchsorted(rows, picked), len(rows) - 1)  # picked row → its hit
            failed = rows[at] == picked
            quoted = _quoted(shown, name, at[failed])
            columns[name] = (failed, iter(quoted) if quoted is not None else None)
        for i, (row, whole_row) in enumerate(zip(picked.tolist(), records, strict=True)):
            for name, (failed, values) in columns.items():
                if failed[i]:
                    value = plain(next(values)) if values is not None else None
                    self.failing.append(FailingRow(offset + row, name, value, whole_row))
        self.kept += len(picked)

    def _keep_examples(self, hits: Mapping[str, np.ndarray], shown: Mapping[str, pa.Array],
                       offset: int) -> None:
        import numpy as np

        found = []
        for name, rows in hits.items():
            first = rows[:MAX_EXAMPLES]
            values = _quoted(shown, name, np.arange(len(first))) or [None] * len(first)
            found += [Example(offset + row, name, plain(value))
                      for row, value in zip(first.tolist(), values, strict=True)]
        self.examples = sorted([*self.examples, *found], key=lambda e: e.row)[:MAX_EXAMPLES]


def _quoted(shown: Mapping[str, pa.Array], name: str, at: np.ndarray) -> list[Any] | None:
    """The values quoted for a column's hits number `at` (None: the rule quotes none)."""
    return pc.take(shown[name], int64_array(at)).to_pylist() if name in shown else None


def plain(value: Any) -> Any:
    """A value as evidence: JSON-safe and readable."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
