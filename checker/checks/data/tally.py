"""What one rule found in one file (or one part of it): the count of violating rows, rows per
column, the first examples in row order and the first failing rows kept whole. Parts of a file
checked apart (row groups, batches on other threads) `merge` in file order into exactly what
one pass would have found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.results.failing_rows import FailingRow

if TYPE_CHECKING:
    import pyarrow as pa

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Example:
    row: int
    column: str
    value: Any


@dataclass
class Tally:
    """What one rule found in one file."""

    violations: int = 0
    by_column: dict[str, int] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    cap: int = 0  # failing rows kept whole (report.failing_rows_max)
    failing: list[FailingRow] = field(default_factory=list)
    kept: int = 0  # distinct rows in `failing`

    def add(self, masks: Mapping[str, pa.Array], shown: Mapping[str, pa.Array], offset: int,
            whole: pa.RecordBatch | None = None) -> None:
        """Count one batch: `masks` per column (True = violates), `shown` the values to quote,
        `whole` the batch's contract columns (kept for the first `cap` failing rows)."""
        import pyarrow.compute as pc

        hits = {name: mask for name, mask in masks.items() if pc.any(mask).as_py()}
        if not hits:
            return
        union = None
        for name, mask in hits.items():
            self.by_column[name] = self.by_column.get(name, 0) + pc.sum(mask).as_py()
            union = mask if union is None else pc.or_(union, mask)
        self.violations += pc.sum(union).as_py()
        if len(self.examples) < MAX_EXAMPLES:
            self._keep_examples(hits, shown, offset)
        if whole is not None and union is not None and self.kept < self.cap:
            self._keep_rows(hits, shown, offset, pc.indices_nonzero(union).slice(0, self.cap - self.kept),
                            whole)

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

    def _keep_rows(self, hits: Mapping[str, pa.Array], shown: Mapping[str, pa.Array], offset: int,
                   indices: pa.Array, whole: pa.RecordBatch) -> None:
        """The failing rows at `indices` (batch positions), one FailingRow per offending value."""
        rows = indices.to_pylist()
        records = whole.take(indices).to_pylist()
        columns = {name: (mask.take(indices).to_pylist(),
                          shown[name].take(indices).to_pylist() if name in shown else None)
                   for name, mask in hits.items()}
        for i, (row, record) in enumerate(zip(rows, records, strict=True)):
            for name, (failed, values) in columns.items():
                if failed[i]:
                    value = plain(values[i]) if values is not None else None
                    self.failing.append(FailingRow(offset + row, name, value, record))
        self.kept += len(rows)

    def _keep_examples(self, hits: Mapping[str, pa.Array], shown: Mapping[str, pa.Array],
                       offset: int) -> None:
        import pyarrow.compute as pc

        found = []
        for name, mask in hits.items():
            indices = pc.indices_nonzero(mask).slice(0, MAX_EXAMPLES)
            rows = indices.to_pylist()
            values = shown[name].take(indices).to_pylist() if name in shown else [None] * len(rows)
            found += [Example(offset + row, name, plain(value))
                      for row, value in zip(rows, values, strict=True)]
        self.examples = sorted([*self.examples, *found], key=lambda e: e.row)[:MAX_EXAMPLES]


def plain(value: Any) -> Any:
    """A value as evidence: JSON-safe and readable."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
