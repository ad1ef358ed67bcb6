"""One pass over one data file: every column rule on every batch, counted per rule.

CSV and JSON Lines are parsed once and each batch goes through all rules. Parquet is read a
row group at a time: where the writer's statistics (min, max, null count) already prove a
range or null rule for the whole group, that rule is not evaluated there, and a column no
other rule needs in that group is not decoded at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from checker.checks.data.rules import MAX_EXAMPLES, RULES, ColumnRules, Tally, evaluate
from checker.checks.data.unique import RowCounter, ValueCounter
from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.contracts.model import ColumnType, naive_utc
from checker.tables.reader import ColumnStats, RowGroup, TableStream

if TYPE_CHECKING:
    import pyarrow as pa

Asked = list[tuple[ColumnRules, frozenset[str]]]


@dataclass
class FileScan:
    rows: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {rule: Tally() for rule in RULES})
    uniques: dict[str, ValueCounter] = field(default_factory=dict)
    duplicate_rows: Any = None  # numpy rows repeating another whole row, when unique_rows is set
    row_groups: int = 0
    proven: dict[str, int] = field(default_factory=dict)  # rule → (column, row group) pairs proven


@dataclass(frozen=True)
class ScanDeadline:
    """The deadline a scan checks between batches, and the file it names when it passes."""

    deadline: Deadline = NO_DEADLINE
    display: str = "the file"

    def each(self, batches: Iterable[Any], found: FileScan, doing: str = "checking") -> Iterator[Any]:
        return self.deadline.each(batches, lambda: f"{doing} {self.display} ({found.rows:,} rows read)")


@dataclass(frozen=True)
class ScanAsks:
    """What a scan does beyond the column rules: look for repeated whole rows, and keep up
    to `failing_rows_max` failing rows per rule (for failing-rows/)."""

    unique_rows: bool = False
    failing_rows_max: int = 0


def scan(stream: TableStream, columns: list[ColumnRules], asks: ScanAsks = ScanAsks(), *,
         reread: Callable[[], Iterable[pa.RecordBatch]] | None = None,
         bound: ScanDeadline = ScanDeadline()) -> FileScan:
    """Evaluate every rule of `columns` (all present in the file) over the whole stream;
    DeadlineExceededError when the deadline passes between two batches."""
    found = FileScan(uniques={c.name: ValueCounter(MAX_EXAMPLES) for c in columns if c.column.unique})
    for tally in found.tallies.values():
        tally.cap = asks.failing_rows_max
    row_counter = RowCounter() if asks.unique_rows else None
    names = [c.name for c in columns]
    if stream.parquet_schema is not None:  # one Parquet file: row group by row group
        _scan_row_groups(stream, columns, found, row_counter, bound)
    else:
        asked = [(c, c.applies) for c in columns]
        for batch in bound.each(stream.batches(), found):
            _evaluate(batch, found, asked, row_counter, names)
    if row_counter is not None and reread is not None:
        again = reread
        found.duplicate_rows = row_counter.duplicates(
            lambda: bound.each(again(), found, "looking for repeated rows in"))
    return found


def _evaluate(batch: pa.RecordBatch, found: FileScan, asked: Asked, row_counter: RowCounter | None,
              names: list[str]) -> None:
    evaluate(batch, found.rows, asked, found.tallies, found.uniques)
    if row_counter is not None:
        row_counter.add(batch.select(names))
    found.rows += batch.num_rows


def _scan_row_groups(stream: TableStream, columns: list[ColumnRules], found: FileScan,
                     row_counter: RowCounter | None, bound: ScanDeadline) -> None:
    schema = stream.parquet_schema
    assert schema is not None
    native = {c.name: _native(schema.field(c.name).type, c.column.type) for c in columns}
    names = [c.name for c in columns]
    groups = stream.row_groups()
    separate = [name for name in found.uniques if native[name] and _disjoint(groups, name)]
    for group in groups:
        found.row_groups += 1
        asked: Asked = []
        for rules in columns:
            needed = _needed(rules, native[rules.name], group.stats.get(rules.name))
            for rule in rules.applies - needed - {"types"}:  # types: settled by the schema
                found.proven[rule] = found.proven.get(rule, 0) + 1
            if needed:
                asked.append((rules, needed))
        decode = names if row_counter is not None else [rules.name for rules, _ in asked]
        if not decode:
            found.rows += group.num_rows
            continue
        for batch in bound.each(stream.row_group_batches(group.index, decode), found):
            _evaluate(batch, found, asked, row_counter, names)
        for name in separate:
            found.uniques[name].flush()


def _disjoint(groups: list[RowGroup], name: str) -> bool:
    """Whether the row groups' [min, max] of a column never overlap, so a value can repeat
    only inside one row group."""
    stats = [g.stats.get(name) for g in groups if g.num_rows]
    if any(s is None or s.min is None or s.max is None for s in stats):
        return False
    try:
        spans = sorted((s.min, s.max) for s in stats if s is not None)
        return all(high < next_low for (_, high), (next_low, _) in pairwise(spans))
    except TypeError:
        return False


def _needed(rules: ColumnRules, native: bool, stats: ColumnStats | None) -> frozenset[str]:
    """The rules this row group still has to evaluate for the column."""
    applies = rules.applies
    if not native:
        return applies
    needed = set(applies - {"types"})  # a native Parquet type holds no value of another type
    if stats is None:
        return frozenset(needed)
    if stats.null_count == 0 and rules.column.type is not ColumnType.FLOAT:
        needed.discard("nulls")  # floats stay: statistics do not count NaN
    if "ranges" in needed and _within(rules, stats):
        needed.discard("ranges")
    return frozenset(needed)


def _within(rules: ColumnRules, stats: ColumnStats) -> bool:
    low, high = rules.column.min, rules.column.max
    if stats.min is None or stats.max is None:
        return False
    try:
        return (low is None or _naive(stats.min) >= low) and (high is None or _naive(stats.max) <= high)
    except TypeError:  # statistics of a type the bound does not compare with
        return False


def _naive(value: Any) -> Any:
    import datetime as dt

    return naive_utc(value) if isinstance(value, dt.datetime) else value


def _native(stored: pa.DataType, column_type: ColumnType) -> bool:
    """Whether every value of the stored Parquet type is a valid value of the contract type."""
    import pyarrow as pa

    if pa.types.is_dictionary(stored):
        stored = stored.value_type
    checks: Mapping[ColumnType, Callable[[pa.DataType], bool]] = {
        ColumnType.INT: lambda t: pa.types.is_integer(t) and t != pa.uint64(),
        ColumnType.FLOAT: lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
        ColumnType.BOOL: pa.types.is_boolean,
        ColumnType.DATETIME: lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t),
        ColumnType.STRING: lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        ColumnType.CATEGORY: lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    }
    return checks[column_type](stored)
