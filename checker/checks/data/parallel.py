"""Check parts of a file on several threads and merge them in file order.

A part is one Parquet row group too large to check column by column (`columnwise.py`: its
worker decodes it too) or whose whole rows are hashed (`unique_rows`), or one CSV / JSON Lines
batch.
pyarrow decodes and computes without holding the GIL, so the parts run on every core. Each
part's rows are numbered from the file's start before it runs, so its tallies (counts,
`by_column`, the first examples, failing rows) and its uniqueness keys (whole rows' too, for
`unique_rows`) merge exactly into what one pass in order would have found (`FileScan.merge`).
At most `workers + 1` parts are in flight at once, which bounds memory whatever the file's size.
Items that name their group and weight (a row group's column chunks, their decoded bytes) may
run further ahead within the group the merge waits on, up to LEAD_BYTES in flight: its columns
are held for its part anyway, and a worker is not left idle while the merge waits on the
group's long first chunk. A single part, or a Parquet file of fewer than MIN_PARALLEL_ROWS
rows, is checked on the calling thread: starting the threads and handing them the parts costs
more than they save there (a 1,000-row file: 7.7 ms on two workers, 6.0 ms on one; still ahead
at 100K rows on this busy 2-core machine).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

from checker.checks.data.rules import RULES, ColumnRules, evaluate
from checker.checks.data.tally import Tally
from checker.checks.data.unique import Duplicates, Keys, keys_of
from checker.record import record

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pyarrow as pa

A = TypeVar("A")
T = TypeVar("T")
Asked = list[tuple[ColumnRules, frozenset[str]]]
MAX_WORKERS = 4
MIN_PARALLEL_ROWS = 65_536  # a Parquet scan of fewer rows runs on the calling thread
LEAD_BYTES = 64 * 1024 * 1024  # what one group's items in flight may weigh beyond `workers + 1`
MAX_LEAD = 16  # one group's items in flight beyond `workers + 1`, however light


def workers() -> int:
    """Threads that check parts: the cores this process may use, at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def workers_for(rows: int) -> int:
    """Threads for a scan of `rows` rows: one below MIN_PARALLEL_ROWS, else `workers()`."""
    return 1 if rows < MIN_PARALLEL_ROWS else workers()


@record(eq=False, repr=False)
class Lead:
    """What lets an item of `ordered` run ahead: its group and its weight in bytes."""

    group: int
    weight: int


def ordered(items: Iterable[A], work: Callable[[A], T], threads: int,
            lead: Callable[[A], Lead] | None = None) -> Iterator[T]:
    """`work(item)` for every item, on `threads` threads (the calling one when there is a
    single item), yielded in the items' order; an error is raised where its item's result is
    taken, and the parts not started are dropped. `threads + 1` items are in flight; with
    `lead`, more of the group the oldest belongs to (`_Window`)."""
    if threads > 1:
        items = iter(items)
        ahead = list(islice(items, 2))
        if len(ahead) < 2:
            threads = 1
        items = chain(ahead, items)
    if threads <= 1:
        for item in items:
            yield work(item)
        return
    from concurrent.futures import ThreadPoolExecutor

    pending: deque[tuple[Future[T], Lead | None]] = deque()
    window = _Window(threads)
    pool = ThreadPoolExecutor(threads, thread_name_prefix="mlsmoke-check")
    try:
        for item in items:
            window.add(pending, pool.submit(work, item), lead(item) if lead is not None else None)
            while window.full(pending):
                yield window.take(pending).result()  # no name holds the result past the yield
        while pending:
            yield window.take(pending).result()
    finally:
        for future, _ in pending:
            future.cancel()
        pool.shutdown(wait=True)


@record(frozen=False, eq=False, repr=False)
class _Window:
    """How far `ordered` runs ahead of its consumer: `threads + 1` items, or more while every
    item in flight is of the oldest one's group, up to MAX_LEAD more and LEAD_BYTES."""

    threads: int
    held: int = 0  # the weight of the items in flight

    def add(self, pending: deque[tuple[Future[T], Lead | None]], future: Future[T],
            lead: Lead | None) -> None:
        pending.append((future, lead))
        self.held += lead.weight if lead is not None else 0

    def take(self, pending: deque[tuple[Future[T], Lead | None]]) -> Future[T]:
        future, lead = pending.popleft()
        self.held -= lead.weight if lead is not None else 0
        return future

    def full(self, pending: deque[tuple[Future[T], Lead | None]]) -> bool:
        if len(pending) <= self.threads:
            return False
        oldest, newest = pending[0][1], pending[-1][1]
        if oldest is None or newest is None or oldest.group != newest.group:
            return True
        return len(pending) > self.threads + MAX_LEAD or self.held >= LEAD_BYTES


class _KeyList:
    """Stands in for a ValueCounter inside a part: keeps the keys, counts nothing."""

    def __init__(self) -> None:
        self.keys: list[Keys] = []

    def add(self, values: pa.Array) -> None:
        self.keys.append(keys_of(values))


class _Answered:
    """Stands in for a column this part's worker answered already (settle.py)."""

    def add(self, values: pa.Array) -> None:
        pass


@record(frozen=False, eq=False, repr=False)
class Part:
    """What the rules found in one part of a file, its rows numbered from the file's start."""

    first_row: int
    asked: Asked
    cap: int = 0  # failing rows kept per rule
    rows: int = 0
    ends_group: bool = False  # the last part of a Parquet row group
    tallies: dict[str, Tally] = field(default_factory=dict)
    keys: dict[str, list[Keys]] = field(default_factory=dict)
    settled: dict[str, Duplicates] = field(default_factory=dict)  # unique columns answered here (settle.py)
    whole: dict[int, dict[str, Any]] = field(default_factory=dict)  # their first duplicates' whole rows
    row_keys_of: Callable[[pa.RecordBatch], Keys] | None = None  # unique_rows: RowCounter.keys_for
    row_keys: list[Keys] = field(default_factory=list)  # its keys of each batch's whole rows

    def check(self, batches: Iterable[pa.RecordBatch]) -> Part:
        self.tallies = {rule: Tally(cap=self.cap) for rule in RULES}
        keys = {rules.name: _KeyList() for rules, asked in self.asked
                if "unique" in asked and rules.name not in self.settled}
        uniques = {**{name: _Answered() for name in self.settled}, **keys}
        for batch in batches:
            evaluate(batch, self.first_row + self.rows, self.asked, self.tallies, uniques)
            if self.row_keys_of is not None:
                self.row_keys.append(self.row_keys_of(batch))
            self.rows += batch.num_rows
        self.keys = {name: found.keys for name, found in keys.items()}
        return self
