"""Uniqueness past the memory budget: the keys go to hash partitions on disk and the answer is
the same, exactly (rows and the first values), even when every value's hash collides; the
temporary folder is gone afterwards."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.checks.data import unique
from checker.checks.data.report import unique_tally
from checker.checks.data.rules import ColumnRules
from checker.checks.data.scan import scan
from checker.checks.data.spill import text_hash
from checker.checks.data.unique import Duplicates, ValueCounter
from checker.contracts.model import Column, ColumnType
from checker.tables.reader import TableOptions, open_table


def _batches(values: list, kind: pa.DataType, size: int = 37) -> list[pa.Array]:
    return [pa.array(values[i:i + size], kind) for i in range(0, len(values), size)]


def _count(batches: list[pa.Array], **options: object) -> Duplicates:
    counter = ValueCounter(5, **options)  # type: ignore[arg-type]
    for batch in batches:
        counter.add(batch)
    assert (counter._spilled is not None) == (options["budget"] == 1)
    return counter.duplicates()


def _cases() -> list[tuple[list, pa.DataType]]:
    rng = random.Random(3)
    ints = [rng.randrange(400) for _ in range(500)] + [None] * 3
    floats = [rng.choice([0.5, -0.0, 0.0, float("nan"), None, 1.25, rng.random()]) for _ in range(300)]
    texts = [rng.choice(["", "a", "ab", "ba", "ünï", None, f"t{rng.randrange(200)}"]) for _ in range(400)]
    days = [None if d % 17 == 0 else dt.datetime(2020, 1, 1) + dt.timedelta(days=d % 90) for d in range(200)]
    return [(ints, pa.int64()), (floats, pa.float64()), (texts, pa.string()), (days, pa.timestamp("us"))]


@pytest.mark.parametrize(("values", "kind"), _cases(), ids=["int", "float", "text", "datetime"])
def test_spilled_duplicates_are_exactly_the_in_memory_ones(values: list, kind: pa.DataType, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    expected = _count(_batches(values, kind), budget=1 << 40)
    assert len(expected.rows)  # the case has duplicates
    for hasher in (None, lambda v: np.zeros(len(v), np.uint64)):  # every value colliding, too
        spilled = _count(_batches(values, kind), budget=1, hasher=hasher)
        assert spilled.rows.tolist() == expected.rows.tolist()
        assert _same(spilled.values, expected.values)
    assert list(tmp_path.iterdir()) == []  # the partitions are removed


def _same(left: list, right: list) -> bool:
    def key(v: object) -> object:
        return "nan" if isinstance(v, float) and v != v else v

    return [key(v) for v in left] == [key(v) for v in right]


def test_spilling_halfway_keeps_the_rows_already_counted() -> None:
    values = [1, 2, 3, 4, 1, 5, 6, 2, 7, 7]
    batches = _batches(values, pa.int64(), size=2)
    budget = sum(b.nbytes for b in batches[:2])  # spills at the third batch
    counter = ValueCounter(5, budget=budget)
    for batch in batches:
        counter.add(batch)
    found = counter.duplicates()
    assert found.rows.tolist() == [0, 1, 4, 7, 8, 9]
    assert found.values == [1, 2, 1, 2, 7]


def test_flushed_segments_and_spilled_partitions_add_up() -> None:
    counter = ValueCounter(5, budget=30)  # 27 bytes held, then 54: the second batch spills
    counter.add(pa.array([1, 1, 2], pa.int64()))
    counter.flush()  # a segment settled on its own (disjoint row groups)
    counter.add(pa.array([5, 6, 5, 7, 8, 9], pa.int64()))
    found = counter.duplicates()
    assert found.rows.tolist() == [0, 1, 3, 5]
    assert found.values == [1, 1, 5, 5]


def test_a_scan_over_the_budget_finds_duplicates_across_row_groups(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unique, "MEMORY_BUDGET", 64)
    ids = list(range(300))
    ids[10], ids[299], ids[150] = 250, 5, 5  # 5 three times, 250 twice, across row groups
    path = tmp_path / "ids.parquet"
    pq.write_table(pa.table({"id": ids}), path, row_group_size=40)
    found = scan(open_table(path, TableOptions(batch_rows=16)), [ColumnRules("id", Column(type=ColumnType.INT,
                                                                                     unique=True))])
    tally = unique_tally(found)
    assert tally.violations == 5
    assert [e.row for e in tally.examples] == [5, 10, 150, 250, 299]


def testtext_hash_is_the_same_wherever_the_value_sits() -> None:
    first = pa.array(["abc", "", "x", "abc"])
    second = pa.array(["zz", "abc", "x", ""]).slice(1)
    one, two = text_hash(first), text_hash(second)
    assert one[0] == one[3] == two[0]
    assert one[2] == two[1] and one[1] == two[2]
    assert len({int(h) for h in one[:3]}) == 3


@pytest.mark.parametrize("parts", [64, 5, 1])
def test_any_number_of_partitions_gives_the_same_answer(parts: int) -> None:
    from checker.checks.data.spill import Partitions
    from checker.checks.data.unique import keys_of

    spilled = Partitions(parts=parts)
    try:
        spilled.write(keys_of(pa.array([3, 1, None, 3, 7, 1], pa.int64())), 0)
        spilled.write(keys_of(pa.array([7, 8], pa.int64())), 6)
        found = spilled.duplicates(5)
    finally:
        spilled.close()
    assert found.rows.tolist() == [0, 1, 3, 4, 5, 6]
    assert found.values == [3, 1, 3, 7, 1]


def _partition_batches(batches: list[pa.Array]) -> list[int]:
    """Write `batches` to partitions and close them; the record batches in each partition file."""
    import pyarrow.ipc as ipc

    from checker.checks.data.spill import Partitions
    from checker.checks.data.unique import keys_of

    spilled = Partitions()
    try:
        first = 0
        for batch in batches:
            spilled.write(keys_of(batch), first)
            first += len(batch)
        spilled._split()
        spilled._close_writers()
        parts, spilled._writers = sorted(spilled._writers), {}
        counts = []
        for part in parts:
            with ipc.open_stream(str(spilled._path(part))) as reader:
                counts.append(sum(1 for _ in reader))
        return counts
    finally:
        spilled.close()


def test_batches_are_gathered_and_written_to_each_partition_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.checks.data import spill

    batches = _batches(list(range(40_000)), pa.int64(), size=1000)  # 40 batches, each hitting every partition
    assert set(_partition_batches(batches)) == {1}
    monkeypatch.setattr(spill, "PENDING_BYTES", 1)  # the twin: split on every write
    assert set(_partition_batches(batches)) == {40}


@pytest.mark.parametrize("pending", [1, 2000, 1 << 30])
@pytest.mark.parametrize(("values", "kind"), _cases(), ids=["int", "float", "text", "datetime"])
def test_gathering_batches_changes_no_answer(values: list, kind: pa.DataType, pending: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.checks.data import spill

    expected = _count(_batches(values, kind), budget=1 << 40)
    monkeypatch.setattr(spill, "PENDING_BYTES", pending)  # split every batch, every few, or once
    found = _count(_batches(values, kind), budget=1)
    assert found.rows.tolist() == expected.rows.tolist()
    assert _same(found.values, expected.values)
