"""Parquet row groups checked a column chunk at a time, the columns spread over the workers.

Each task decodes one column chunk whole (`row_group.GroupColumns`, faster than record batches)
and runs that column's rules; a unique column is keyed there, or answered there when its row
groups never share a value. A group's columns come back in order (`parallel.ordered`) and are
put together into one `Part`, exactly what one pass over the group would have found: counts,
`by_column`, first examples, failing rows and uniqueness. The workers share one row group at a
time, so the columns held for whole failing rows are one group's (and the next group's first
few), not one group per worker: with 2 workers and 1M-row groups of 15 columns that is ~110 MB
less at the peak.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from checker.checks.data.pages import check_spans, unproven
from checker.checks.data.parallel import Asked, Lead, Part, ordered, workers_for
from checker.checks.data.picked import Picked, pick, whole_records
from checker.checks.data.rules import RULES, ColumnRules, Found, check_column
from checker.checks.data.tally import MAX_EXAMPLES, Tally
from checker.checks.data.unique import Duplicates, Keys, ValueCounter, keys_of
from checker.record import record
from checker.tables.row_group import HOLD_BUDGET
from checker.tables.row_sets import sorted_distinct

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.page_index import PageStats
    from checker.tables.reader import RowGroup, TableStream

CHUNK_BUDGET = 64 * 1024 * 1024  # decoded bytes of the largest column chunk a task may decode whole


@record(eq=False, repr=False)
class GroupPlan:
    group: RowGroup
    first_row: int
    asked: Asked
    decode: list[str]
    paged: frozenset[str] = frozenset()  # columns whose page index may prove a rule (`pages.py`)


@record(eq=False, repr=False)
class Layout:
    """What every group of one scan shares: failing rows kept per rule, whether data.unique's
    failing rows are wanted whole, the unique columns settled group by group, every column."""

    cap: int
    take_whole: bool
    separate: Sequence[str]
    names: Sequence[str]
    enough: Callable[[], bool] = lambda: False  # the scan holds all the whole rows it keeps


def fits(stream: TableStream, plans: Sequence[GroupPlan], layout: Layout) -> bool:
    """Whether every group can be checked column by column within the memory budgets: each
    chunk decoded whole, and a group's columns held whole when failing rows are kept."""
    for plan in plans:
        sizes = stream.column_bytes(plan.group.index)
        if any(sizes.get(name, 0) > CHUNK_BUDGET for name in plan.decode):
            return False
        if layout.cap and sum(sizes.get(name, 0) for name in layout.names) > HOLD_BUDGET:
            return False
    return True


@record(eq=False, repr=False)
class _Task:
    stream: TableStream
    plan: GroupPlan
    rules: ColumnRules
    asked: frozenset[str]
    layout: Layout
    at: int = 0  # the column's place in `plan.asked`
    weight: int = 0  # about its decoded bytes


@record(eq=False, repr=False)
class _Column:
    found: Found
    raw: pa.Array | None  # held for whole failing rows
    keys: Keys | None  # a unique column's keys, counted in file order by the scan
    settled: Duplicates | None  # a unique column answered for this group alone
    picked: Picked | None = None  # the undecoded columns at its first duplicates


def column_parts(stream: TableStream, plans: Sequence[GroupPlan], layout: Layout,
                 each: Callable[[Sequence[GroupPlan]], Iterable[GroupPlan]] = iter) -> Iterator[Part]:
    """One Part per group, in file order, its columns checked on every worker; `each` walks
    the plans as tasks are handed out (the scan's deadline)."""
    tasks = (task for plan in each(plans) for task in _costliest_first(stream, plan, layout))
    columns = ordered(tasks, _check, workers_for(sum(plan.group.num_rows for plan in plans)),
                      lead=_lead)
    for plan in plans:
        yield _part(stream, plan, _in_order(columns, len(_asked(plan))), layout)


def _asked(plan: GroupPlan) -> Asked:
    return plan.asked if plan.group.num_rows else []


def _costliest_first(stream: TableStream, plan: GroupPlan, layout: Layout) -> list[_Task]:
    """The group's column tasks, the most work first (its stored bytes to decode, and its
    decoded bytes again when it is keyed for uniqueness): a long task started last would keep
    one worker busy while the others wait for the group's end. Put back in order in `_part`."""
    decoded = stream.column_bytes(plan.group.index)
    stored = stream.stored_bytes(plan.group.index)
    tasks = [_Task(stream, plan, rules, asked, layout, at, decoded.get(rules.name, 0))
             for at, (rules, asked) in enumerate(_asked(plan))]

    def work(task: _Task) -> int:
        return stored.get(task.rules.name, 0) + (task.weight if "unique" in task.asked else 0)

    return sorted(tasks, key=work, reverse=True)


def _in_order(columns: Iterator[tuple[int, _Column]], count: int) -> list[_Column]:
    """A group's `count` columns, as checked, put back in their order in the plan (no name
    in `column_parts` holds them past the group's part)."""
    checked = dict(next(columns) for _ in range(count))
    return [checked[at] for at in range(count)]


def _lead(task: _Task) -> Lead:
    return Lead(task.plan.group.index, task.weight)


def _check(task: _Task) -> tuple[int, _Column]:
    name = task.rules.name
    raw = task.stream.group_columns(task.plan.group.index).column(name)
    collector = _Collector(settle=name in task.layout.separate)
    found = Found()
    spans = unproven(task.rules, task.asked, _pages(task))
    if task.asked - spans.keys():
        check_column(raw, task.rules, task.asked - spans.keys(), found, {name: collector})
    check_spans(raw, task.rules, spans, found)
    keep = task.layout.cap > 0
    return task.at, _Column(found, raw if keep else None, collector.keys, collector.settled,
                            _pick(task, collector.settled))


def _pages(task: _Task) -> PageStats | None:
    if task.rules.name not in task.plan.paged:  # first: a file without a page index never imports its reader
        return None
    index = task.stream.page_index
    if index is None:
        return None
    return index.stats(task.plan.group.index, task.rules.name, task.plan.group.stats.get(task.rules.name))


def _pick(task: _Task, settled: Duplicates | None) -> Picked | None:
    """On the worker: the columns this group does not decode, at the first `cap` duplicates
    of a settled column, for their whole rows (none once the scan holds all it keeps)."""
    layout = task.layout
    if settled is None or not len(settled.rows) or not layout.take_whole or layout.enough():
        return None
    decoded = {rules.name for rules, _ in _asked(task.plan)}
    missing = [name for name in layout.names if name not in decoded]
    return pick(task.stream.group_columns(task.plan.group.index), settled.rows[: layout.cap], missing)


class _Collector:
    """A unique column's values in one group: keyed, or answered right away (`settle`)."""

    def __init__(self, *, settle: bool) -> None:
        self._settle = settle
        self.keys: Keys | None = None
        self.settled: Duplicates | None = None

    def add(self, values: pa.Array) -> None:
        if not self._settle:
            self.keys = keys_of(values)
            return
        counter = ValueCounter(MAX_EXAMPLES)
        counter.add(values)
        self.settled = counter.duplicates()


def _part(stream: TableStream, plan: GroupPlan, columns: list[_Column], layout: Layout) -> Part:
    part = Part(plan.first_row, plan.asked, layout.cap, rows=plan.group.num_rows, ends_group=True)
    part.tallies = {rule: Tally(cap=layout.cap) for rule in RULES}
    found = Found()
    held: dict[str, Any] = {}
    for (rules, _), column in zip(_asked(plan), columns, strict=True):
        found.extend(column.found)
        held[rules.name] = column.raw
        if column.keys is not None:
            part.keys[rules.name] = [column.keys]
        if column.settled is not None:
            part.settled[rules.name] = column.settled
    asked = [rules.name for rules, _ in _asked(plan)]
    found.record(part.tallies, plan.first_row, lambda: _records(stream, plan, held, asked))
    if layout.take_whole and part.settled and not layout.enough():
        picks = [column.picked for column in columns if column.settled is not None
                 and len(column.settled.rows)]
        _take_settled(stream, plan, part, held, (layout.names, picks))
    return part


def _take_settled(stream: TableStream, plan: GroupPlan, part: Part, held: dict[str, Any],
                  taking: tuple[Sequence[str], list[Picked | None]]) -> None:
    """The whole rows of the group's first `cap` duplicates in its settled columns: the
    decoded columns from `held`, the others from what the workers picked (decoded here only
    when a worker did not pick)."""
    import numpy as np

    names, picks = taking
    wanted = sorted_distinct(np.concatenate([found.rows for found in part.settled.values()]))[: part.cap]
    if not len(wanted):
        return
    if any(picked is None for picked in picks):
        _records(stream, plan, held, names)
    part.whole.update(whole_records(wanted, part.first_row, names, held,
                                    [picked for picked in picks if picked is not None]))


def _records(stream: TableStream, plan: GroupPlan, held: dict[str, Any], names: Sequence[str]
             ) -> pa.RecordBatch:
    """The group's `names` columns: those held, the others decoded now (on this thread)."""
    import pyarrow as pa

    missing = [name for name in names if held.get(name) is None]
    if missing:
        group = stream.group_columns(plan.group.index)
        held.update({name: group.column(name) for name in missing})
    return pa.RecordBatch.from_arrays([held[name] for name in names], list(names))
