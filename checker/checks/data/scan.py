"""One pass over one data file: every column rule on every batch, counted per rule.

CSV and JSON Lines are parsed once and each batch goes through all rules. Parquet is read a
row group at a time: where the writer's statistics (min, max, null count) already prove a
range or null rule for the whole group, that rule is not evaluated there (nor the side of a
range the statistics prove, `proof.py`), and a column no other rule needs in that group is not
decoded at all. A group's column chunks are decoded whole and checked on every core
(`columnwise.py`); a group too large to hold is checked in batches instead, a worker per group.
CSV / JSON Lines batches are checked on every core too, everything merged in file order
(`parallel.py`). `unique_rows` hashes each batch's whole rows on the worker that checks it (a
Parquet file is then checked a row group per task, all its columns decoded), and the hashes are
counted in file order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from checker.checks.data import parallel
from checker.checks.data.columnwise import GroupPlan, Layout, column_parts, fits
from checker.checks.data.pages import may_prove, paged_chunk
from checker.checks.data.parallel import Asked, Part, ordered
from checker.checks.data.proof import disjoint, narrowed, still_needed, stores_natively
from checker.checks.data.repeated_rows import RowCounter
from checker.checks.data.rules import RULES, ColumnRules
from checker.checks.data.settle import settle_columns, settled_group
from checker.checks.data.split import piece_tasks
from checker.checks.data.tally import MAX_EXAMPLES, Tally
from checker.checks.data.unique import ValueCounter
from checker.checks.data.whole import index_lines, reread_rows, taken_rows
from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.record import record
from checker.tables.reader import TableStream
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from checker.checks.data.repeated_rows import RowKeys

@record(frozen=False, eq=False, repr=False)
class FileScan:
    rows: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {rule: Tally() for rule in RULES})
    uniques: dict[str, ValueCounter] = field(default_factory=dict)
    duplicate_rows: Any = None  # numpy rows repeating another whole row, when unique_rows is set
    row_groups: int = 0
    proven: dict[str, int] = field(default_factory=dict)  # rule → (column, row group) pairs proven
    # data.unique's first failing rows (report.failing_rows_max of them), whole, by row
    unique_whole: dict[int, dict[str, Any]] = field(default_factory=dict)
    taken: dict[int, dict[str, Any]] = field(default_factory=dict)  # whole rows the workers took
    cap: int = 0  # report.failing_rows_max
    row_counter: RowCounter | None = None  # unique_rows: every row's hash, in file order

    def merge(self, part: Part) -> None:
        """Add a part checked apart; parts merge in file order."""
        self.rows += part.rows
        for rule, tally in part.tallies.items():
            self.tallies[rule].merge(tally)
        for name, keys in part.keys.items():
            for chunk in keys:
                self.uniques[name].append(chunk)
        for name, found in part.settled.items():
            self.uniques[name].settled(found, part.rows)
        if self.row_counter is not None:
            for row_keys in part.row_keys:
                self.row_counter.append(row_keys)
        if not self.holds_enough():  # later rows cannot be among the first `cap`
            self.taken.update(part.whole)

    def holds_enough(self) -> bool:
        """Whether the whole rows taken so far are as many as data.unique keeps: the later
        parts' are not wanted (asked from any thread: `taken` only grows)."""
        return len(self.taken) >= self.cap


@record(eq=False, repr=False)
class ScanDeadline:
    """The deadline a scan checks between batches, and the file it names when it passes."""

    deadline: Deadline = NO_DEADLINE
    display: str = "the file"

    def each(self, batches: Iterable[Any], found: FileScan, doing: str = "checking") -> Iterator[Any]:
        return self.deadline.each(batches, lambda: f"{doing} {self.display} ({found.rows:,} rows read)")


@record(eq=False, repr=False)
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
    found = FileScan(uniques={c.name: ValueCounter(MAX_EXAMPLES) for c in columns if c.column.unique},
                     cap=asks.failing_rows_max if reread is not None else 0,
                     row_counter=RowCounter() if asks.unique_rows and columns else None)
    for tally in found.tallies.values():
        tally.cap = asks.failing_rows_max
    row_keys_of = found.row_counter.keys_for([c.name for c in columns]) if found.row_counter else None
    if stream.parquet_schema is not None:  # one Parquet file: row group by row group
        run = _Run(bound, asks.failing_rows_max, take_whole=found.cap > 0, row_keys_of=row_keys_of)
        _scan_row_groups(stream, columns, found, run)
    else:  # CSV / JSON Lines: each batch (or piece) checked on a worker thread, merged in order
        new_part = partial(Part, asked=[(c, c.applies) for c in columns], cap=asks.failing_rows_max,
                           row_keys_of=row_keys_of)
        tasks = piece_tasks(reread, new_part, bound, found) or _batch_tasks(
            bound.each(stream.batches(), found), 0, new_part)
        for part in index_lines(ordered(tasks, _run, parallel.workers()), stream):
            found.merge(part)
    if found.row_counter is not None and reread is not None:
        again = reread
        found.duplicate_rows = found.row_counter.duplicates(
            lambda: bound.each(again(), found, "looking for repeated rows in"))
    if asks.failing_rows_max and reread is not None:
        kept = unique_failing_rows(found)[: asks.failing_rows_max]
        if len(kept):
            found.unique_whole = taken_rows(found.taken, kept) or reread_rows(reread, kept, found, bound)
    return found


def unique_failing_rows(found: FileScan) -> np.ndarray:
    """The sorted rows that share a value with another row, in any unique column or whole."""
    import numpy as np

    rows = [counter.duplicates().rows for counter in found.uniques.values()]
    if found.duplicate_rows is not None:
        rows.append(found.duplicate_rows)
    return sorted_distinct(np.concatenate(rows)) if rows else np.array([], np.int64)


def _batch_tasks(batches: Iterable[pa.RecordBatch], first_row: int, new_part: Callable[[int], Part]
                 ) -> Iterator[Callable[[], Part]]:
    """A task per batch, each checked into `new_part(its first row)`."""
    for batch in batches:
        yield partial(new_part(first_row).check, [batch])
        first_row += batch.num_rows


def _merge_parts(found: FileScan, tasks: Iterable[Callable[[], Part]], separate: Iterable[str]) -> None:
    _merge(found, ordered(tasks, _run, parallel.workers()), separate)


def _merge(found: FileScan, parts: Iterable[Part], separate: Iterable[str]) -> None:
    for part in parts:
        found.merge(part)
        if part.ends_group:
            for name in separate:
                found.uniques[name].flush()


def _run(task: Callable[[], Part]) -> Part:
    return task()


@record(eq=False, repr=False)
class _Run:
    """How one Parquet scan runs: its deadline, the failing rows kept, the unique columns whose
    row groups never share a value (settled group by group)."""

    bound: ScanDeadline
    cap: int
    take_whole: bool = False  # data.unique's failing rows are wanted whole
    separate: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # every column of the scan
    row_keys_of: RowKeys | None = None  # unique_rows: every column decoded and each row hashed


def _scan_row_groups(stream: TableStream, columns: list[ColumnRules], found: FileScan, run: _Run) -> None:
    schema = stream.parquet_schema
    assert schema is not None
    types = {c.name: schema.field(c.name).type for c in columns}
    native = {c.name: stores_natively(types[c.name], c.column.type) for c in columns}
    names = [c.name for c in columns]
    groups = stream.row_groups()
    run = replace(run, separate=tuple(n for n in found.uniques if native[n] and disjoint(groups, n)),
                  names=tuple(names))
    plans = []
    first_row = 0
    for group in groups:
        found.row_groups += 1
        asked: Asked = []
        paged = set()
        for rules in columns:
            needed = still_needed(rules, native[rules.name], group.stats.get(rules.name))
            for rule in rules.applies - needed - {"types"}:  # types: settled by the schema
                found.proven[rule] = found.proven.get(rule, 0) + 1
            if needed:
                stats = group.stats.get(rules.name) if "ranges" in needed and native[rules.name] else None
                asked.append((narrowed(rules, stats), needed))
                if paged_chunk(group, rules.name) and may_prove(rules, needed, native[rules.name],
                                                                types[rules.name]):
                    paged.add(rules.name)
        decode = names if run.row_keys_of is not None else [rules.name for rules, _ in asked]
        plans.append(GroupPlan(group, first_row, asked, decode, frozenset(paged)))
        first_row += group.num_rows
    if run.row_keys_of is not None:  # whole rows: a row group per task (columnwise.py splits them)
        _merge_parts(found, _group_tasks(stream, plans, found, run), run.separate)
        return
    layout = Layout(run.cap, run.take_whole, run.separate, run.names, found.holds_enough)
    if fits(stream, plans, layout):
        _merge(found, column_parts(stream, plans, layout, partial(run.bound.each, found=found)), run.separate)
    else:
        _merge_parts(found, _group_tasks(stream, plans, found, run), run.separate)


def _group_tasks(stream: TableStream, plans: list[GroupPlan], found: FileScan, run: _Run
                 ) -> Iterator[Callable[[], Part]]:
    """A task per row group, its worker decoding it in batches; with fewer row groups than
    workers, a task per batch instead (the reader decodes on its own threads, the workers
    check). For groups too large to check column by column (`columnwise.fits`), and for
    `unique_rows`: each part hashes the whole rows it checks."""
    whole_groups = len(plans) >= parallel.workers()
    bound, cap, row_keys_of = run.bound, run.cap, run.row_keys_of
    for plan in bound.each(plans, found):
        if not plan.decode:
            yield partial(_undecoded, plan)
        elif whole_groups and run.take_whole and not row_keys_of and (
                settle := settle_columns(plan.asked, run.separate)):
            part = Part(plan.first_row, plan.asked, cap, ends_group=True)
            yield partial(settled_group, stream, plan.group, part, (settle, run.names),
                          partial(bound.each, found=found))
        elif whole_groups:
            batches = bound.each(stream.read_row_group(plan.group.index, plan.decode), found)
            part = Part(plan.first_row, plan.asked, cap, ends_group=True, row_keys_of=row_keys_of)
            yield partial(part.check, batches)
        else:
            batches = bound.each(stream.row_group_batches(plan.group.index, plan.decode), found)
            new_part = partial(Part, asked=plan.asked, cap=cap, row_keys_of=row_keys_of)
            yield from _batch_tasks(batches, plan.first_row, new_part)
            yield partial(Part, plan.first_row, [], ends_group=True)


def _undecoded(plan: GroupPlan) -> Part:
    return Part(plan.first_row, [], rows=plan.group.num_rows, ends_group=True)
