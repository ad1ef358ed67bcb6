"""The statistics behind drift.psi and drift.ks, on streamed data.

- `Reservoir`: a seeded, bounded uniform sample of a stream (Algorithm R, vectorized per batch).
- `NumericBins`: quantile bins of a reference sample, plus two bins for values outside the
  reference's exact range, so a shift beyond it always shows.
- `CategoryCounts`: exact category counts, bounded in the number of categories kept.
- `psi()`: the population stability index with a floor for empty bins (no log of zero).
- `ks_test()`: scipy's two-sample Kolmogorov–Smirnov test.

numpy is imported here, but only the drift checks import this module.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import field

import numpy as np

from checker.record import record

EPSILON = 1e-4  # the smallest share a bin counts with, so an empty bin adds a finite term
MAX_CATEGORIES = 10_000


class Reservoir:
    """A uniform random sample of at most `capacity` values from everything `add`ed."""

    def __init__(self, capacity: int, seed: int) -> None:
        self.capacity = capacity
        self.seen = 0
        self._rng = np.random.default_rng(seed)
        self._chunks: list[np.ndarray] = []
        self._items = np.empty(0, dtype=float)

    @property
    def complete(self) -> bool:
        """True while the sample still holds every value seen."""
        return self.seen <= self.capacity

    @property
    def sample(self) -> np.ndarray:
        self._gather()
        return self._items

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        room = self.capacity - min(self.seen, self.capacity)
        if room > 0:
            self._chunks.append(values[:room])
            self.seen += len(values[:room])
            values = values[room:]
        if len(values) == 0:
            return
        self._gather()
        positions = self.seen + np.arange(1, len(values) + 1)  # 1-based position in the stream
        slots = self._rng.integers(0, positions)  # item t replaces slot j < capacity, j uniform in [0, t)
        keep = slots < self.capacity
        slots, chosen = slots[keep], values[keep]
        last = len(slots) - 1 - np.unique(slots[::-1], return_index=True)[1]  # a later item wins its slot
        self._items[slots[last]] = chosen[last]
        self.seen += len(values)

    def _gather(self) -> None:
        if self._chunks:
            self._items = np.concatenate([self._items, *self._chunks])
            self._chunks = []


@record
class NumericBins:
    """Bins: below the reference minimum, [min, q1), [q1, q2) … [qk, max], above the maximum."""

    low: float
    high: float
    edges: np.ndarray

    @classmethod
    def from_reference(cls, sample: np.ndarray, low: float, high: float, bins: int) -> NumericBins:
        quantiles = np.quantile(sample, np.linspace(0, 1, bins + 1)[1:-1]) if len(sample) else []
        edges = np.unique([q for q in quantiles if low < q < high])
        return cls(low, high, edges)

    @property
    def size(self) -> int:
        return len(self.edges) + 3

    def counts(self, values: np.ndarray) -> np.ndarray:
        index = 1 + np.searchsorted(self.edges, values, side="right")
        index = np.where(values < self.low, 0, np.where(values > self.high, self.size - 1, index))
        return np.bincount(index, minlength=self.size)

    def labels(self, show: Callable[[float], str] | None = None) -> list[str]:
        show = show or _num
        bounds = [self.low, *self.edges, self.high]
        inner = [f"[{show(a)}, {show(b)})" for a, b in itertools.pairwise(bounds)]
        inner[-1] = inner[-1][:-1] + "]"
        return [f"< {show(self.low)}", *inner, f"> {show(self.high)}"]


@record(frozen=False)
class CategoryCounts:
    """Exact counts per category; stops adding categories past `limit` (then `overflow`)."""

    counts: Counter[str] = field(default_factory=Counter)
    limit: int = MAX_CATEGORIES
    overflow: bool = False

    def add(self, values: Sequence[str], counts: Sequence[int]) -> None:
        for value, count in zip(values, counts, strict=True):
            if value in self.counts or len(self.counts) < self.limit:
                self.counts[value] += count
            else:
                self.overflow = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def category_shares(reference: CategoryCounts, current: CategoryCounts
                    ) -> tuple[list[str], list[int], list[int]]:
    """Buckets (reference categories, most common first, then one for unseen ones) and the
    counts of each side in them."""
    names = [name for name, _ in reference.counts.most_common()]
    unseen = sum(count for name, count in current.counts.items() if name not in reference.counts)
    expected = [reference.counts[name] for name in names] + [0]
    actual = [current.counts.get(name, 0) for name in names] + [unseen]
    return [*names, "(unseen in reference)"], expected, actual


def psi(expected: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray,
        floor: float = EPSILON) -> float:
    """Σ (a − e) · ln(a / e) over bins, with shares floored at `floor`."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.sum() <= 0 or a.sum() <= 0:
        raise ValueError("both sides need at least one value")
    e = np.maximum(e / e.sum(), floor)
    a = np.maximum(a / a.sum(), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def ks_test(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """(statistic, p-value) of the two-sample Kolmogorov–Smirnov test."""
    from scipy.stats import ks_2samp

    result = ks_2samp(reference, current)
    return float(result.statistic), float(result.pvalue)


def _num(value: float) -> str:
    return f"{value:.4g}"
