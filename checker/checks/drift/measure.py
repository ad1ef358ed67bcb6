"""Measure how each column's distribution moved between a reference and a current file.

Both files are streamed with `checker.tables.reader` (memory stays flat): the reference once to sample
numbers (seeded reservoir) and count categories, once more only when the sample could not hold
every value (to count its quantile bins exactly), then the current file once.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.drift.distributions import (
    CategoryCounts,
    NumericBins,
    Reservoir,
    category_shares,
    ks_test,
    psi,
)
from checker.contracts.model import ColumnType
from checker.errors import InputError
from checker.record import record
from checker.tables.reader import TableOptions, TableReadError, open_table

if TYPE_CHECKING:
    import pyarrow as pa

NUMERIC = (ColumnType.INT, ColumnType.FLOAT, ColumnType.DATETIME)
DriftKind = Literal["numeric", "categorical"]
Side = Literal["reference", "current"]


class UnreadableFileError(InputError):
    """A drift input cannot be read; the message names the file and the cause."""

    def __init__(self, side: Side, message: str) -> None:
        super().__init__(message)
        self.side = side


@record
class ColumnDrift:
    column: str
    kind: DriftKind
    reference_values: int
    current_values: int
    psi: float | None = None
    ks_statistic: float | None = None
    ks_pvalue: float | None = None
    bins: list[tuple[str, float, float]] = field(default_factory=list)  # label, reference, current share
    note: str | None = None  # why the column was not compared


@record
class Measure:
    columns: list[ColumnDrift]
    problems: list[str]  # what keeps the comparison from being complete (a missing column …)


def measure(files: tuple[Path, Path], columns: Mapping[str, ColumnType], *, bins: int = 10,
            sample_max: int = 100_000, deadline: Deadline = NO_DEADLINE) -> Measure:
    """Compare `columns` (name → contract type) between two files (reference, current). Raises
    UnreadableFileError, and DeadlineExceededError when `deadline` passes between two batches."""
    reference, current = files
    trackers: dict[str, _Numeric | _Categorical] = {
        name: _Numeric(name, col_type is ColumnType.DATETIME, sample_max) if col_type in NUMERIC
        else _Categorical() for name, col_type in columns.items()
    }
    in_reference = _scan("reference", reference, trackers, lambda t, a: t.see_reference(a), deadline)
    numeric = {n: t for n, t in trackers.items() if isinstance(t, _Numeric) and n in in_reference}
    for tracker in numeric.values():
        tracker.freeze(bins)
    recount = {n: t for n, t in numeric.items() if not t.reference.complete}
    if recount:
        _scan("reference", reference, recount, lambda t, a: t.count_reference(a), deadline)
    in_current = _scan("current", current, trackers, lambda t, a: t.see_current(a), deadline)
    sides: tuple[tuple[Side, Collection[str]], ...] = (("reference", in_reference), ("current", in_current))
    problems = [f"column {n} is not in the {side} file"
                for side, found in sides
                for n in columns if n not in found]
    compared = [trackers[n].result(n) for n in columns if n in in_reference and n in in_current]
    problems += [f"column {c.column}: {c.note}" for c in compared if c.note and c.psi is None]
    return Measure(compared, problems)


Visit = Callable[[Any, "pa.Array"], None]


def _scan(side: Side, path: Path, trackers: Mapping[str, Any], visit: Visit,
          deadline: Deadline) -> Collection[str]:
    """Stream `path`, handing each tracked column's batches to `visit`; the columns found."""
    rows = [0]  # read so far, for the deadline's message
    try:
        stream = open_table(path, TableOptions(columns=list(trackers), csv_strings=True))
        for batch in deadline.each(stream.batches(),
                                   lambda: f"reading the {side} file {path.name} ({rows[0]:,} rows read)"):
            rows[0] += batch.num_rows
            for name in batch.schema.names:
                if name in trackers:
                    visit(trackers[name], batch.column(name))
    except TableReadError as exc:
        raise UnreadableFileError(side, f"cannot read the {side} file {path.name}: {exc}") from None
    return set(stream.column_names)


class _Numeric:
    def __init__(self, name: str, temporal: bool, sample_max: int) -> None:
        seed = zlib.crc32(name.encode())
        self.temporal = temporal
        self.reference = Reservoir(sample_max, seed)
        self.current = Reservoir(sample_max, seed + 1)
        self.low, self.high = math.inf, -math.inf
        self.binning: NumericBins | None = None
        self.reference_counts: np.ndarray | None = None
        self.current_counts: np.ndarray | None = None

    def see_reference(self, array: pa.Array) -> None:
        values = numbers(array, self.temporal)
        if len(values):
            self.reference.add(values)
            self.low, self.high = min(self.low, values.min()), max(self.high, values.max())

    def freeze(self, bins: int) -> None:
        if self.reference.seen == 0:
            return
        self.binning = NumericBins.from_reference(self.reference.sample, self.low, self.high, bins)
        self.current_counts = np.zeros(self.binning.size, dtype=np.int64)
        self.reference_counts = (self.binning.counts(self.reference.sample) if self.reference.complete
                                 else np.zeros(self.binning.size, dtype=np.int64))

    def count_reference(self, array: pa.Array) -> None:
        assert self.binning is not None and self.reference_counts is not None
        self.reference_counts += self.binning.counts(numbers(array, self.temporal))

    def see_current(self, array: pa.Array) -> None:
        values = numbers(array, self.temporal)
        self.current.add(values)
        if self.binning is not None and self.current_counts is not None:
            self.current_counts += self.binning.counts(values)

    def result(self, name: str) -> ColumnDrift:
        seen = (self.reference.seen, self.current.seen)
        if self.binning is None or self.reference_counts is None or self.current_counts is None:
            return ColumnDrift(name, "numeric", *seen, note="no values in the reference file")
        if self.current.seen == 0:
            return ColumnDrift(name, "numeric", *seen, note="no values in the current file")
        statistic, pvalue = ks_test(self.reference.sample, self.current.sample)
        return ColumnDrift(name, "numeric", *seen, psi=psi(self.reference_counts, self.current_counts),
                           ks_statistic=statistic, ks_pvalue=pvalue,
                           bins=_shares(self.binning.labels(_timestamp if self.temporal else None),
                                        self.reference_counts, self.current_counts))


class _Categorical:
    def __init__(self) -> None:
        self.reference = CategoryCounts()
        self.current = CategoryCounts()

    def see_reference(self, array: pa.Array) -> None:
        self.reference.add(*value_counts(array))

    def see_current(self, array: pa.Array) -> None:
        self.current.add(*value_counts(array))

    def result(self, name: str) -> ColumnDrift:
        seen = (self.reference.total, self.current.total)
        if self.reference.overflow:
            return ColumnDrift(name, "categorical", *seen,
                               note=f"more than {self.reference.limit} categories: not compared")
        if not self.reference.total or not self.current.total:
            side = "reference" if not self.reference.total else "current"
            return ColumnDrift(name, "categorical", *seen, note=f"no values in the {side} file")
        labels, expected, actual = category_shares(self.reference, self.current)
        return ColumnDrift(name, "categorical", *seen, psi=psi(expected, actual),
                           bins=_shares(labels, expected, actual))


def numbers(array: pa.Array, temporal: bool = False) -> np.ndarray:
    """The non-null values of a column as floats (datetimes as microseconds since the epoch);
    text that does not parse as a number or date is left out (data.types reports it)."""
    import pyarrow as pa

    from checker.tables import compute as pc

    target = pa.timestamp("us") if temporal else pa.float64()
    try:
        cast = pc.cast(array, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        cast = _coerce(array, temporal)
    if temporal:
        cast = pc.cast(cast, pa.int64())
    values: np.ndarray = cast.drop_null().to_numpy(zero_copy_only=False).astype(float)
    finite: np.ndarray = values[~np.isnan(values)]
    return finite


def _coerce(array: pa.Array, temporal: bool) -> pa.Array:
    import pandas as pd
    import pyarrow as pa

    text = array.to_pandas()
    if temporal:
        parsed = pd.to_datetime(text, errors="coerce", utc=True).dt.tz_localize(None)
        return pa.array(parsed, type=pa.timestamp("us"), from_pandas=True)
    return pa.array(pd.to_numeric(text, errors="coerce"), type=pa.float64(), from_pandas=True)


def value_counts(array: pa.Array) -> tuple[list[str], list[int]]:
    """(values as text, counts) of the non-null values of a column."""
    import pyarrow as pa

    from checker.tables import compute as pc

    counted = pc.value_counts(pc.cast(array, pa.string()).drop_null())
    return counted.field("values").to_pylist(), counted.field("counts").to_pylist()


def _timestamp(microseconds: float) -> str:
    return str(np.datetime64(int(microseconds) // 1_000_000, "s")).removesuffix("T00:00:00")


def _shares(labels: list[str], reference: Any, current: Any) -> list[tuple[str, float, float]]:
    ref_total, cur_total = float(sum(reference)), float(sum(current))
    return [(label, float(r) / ref_total, float(c) / cur_total)
            for label, r, c in zip(labels, reference, current, strict=True)]
