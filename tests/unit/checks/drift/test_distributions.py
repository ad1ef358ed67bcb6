"""Known answers for the drift statistics: PSI, quantile bins, the reservoir, KS."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy.stats import ks_2samp

from checker.checks.drift.distributions import (
    EPSILON,
    CategoryCounts,
    NumericBins,
    Reservoir,
    category_shares,
    ks_test,
    psi,
)


def test_psi_of_identical_counts_is_zero() -> None:
    assert psi([10, 20, 30], [10, 20, 30]) == 0.0
    assert psi([1, 2, 3], [100, 200, 300]) == pytest.approx(0.0, abs=1e-12)


def test_psi_matches_the_formula() -> None:
    expected, actual = [0.5, 0.5], [0.25, 0.75]
    formula = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    assert psi(expected, actual) == pytest.approx(formula)


def test_psi_with_empty_bins_is_finite() -> None:
    value = psi([50, 50, 0, 0], [0, 50, 50, 0])
    assert math.isfinite(value)
    floor = (EPSILON - 0.5) * math.log(EPSILON / 0.5) + (0.5 - EPSILON) * math.log(0.5 / EPSILON)
    assert value == pytest.approx(floor)


def test_psi_needs_values_on_both_sides() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        psi([0, 0], [1, 2])


def test_shifted_normal_has_psi_above_two_tenths() -> None:
    rng = np.random.default_rng(3)
    reference, shifted = rng.normal(0, 1, 20_000), rng.normal(0.5, 1, 20_000)
    bins = NumericBins.from_reference(reference, reference.min(), reference.max(), 10)
    assert psi(bins.counts(reference), bins.counts(shifted)) > 0.2
    same = rng.normal(0, 1, 20_000)
    assert psi(bins.counts(reference), bins.counts(same)) < 0.01


def test_quantile_bins_split_the_reference_evenly() -> None:
    reference = np.arange(1000, dtype=float)
    bins = NumericBins.from_reference(reference, 0.0, 999.0, 10)
    counts = bins.counts(reference)
    assert counts[0] == 0 and counts[-1] == 0  # nothing outside the reference's own range
    assert list(counts[1:-1]) == [100] * 10
    assert bins.labels()[0] == "< 0" and bins.labels()[-1] == "> 999"
    assert bins.labels()[-2].endswith("999]")


def test_constant_reference_catches_a_shift_either_way() -> None:
    constant = np.full(100, 5.0)
    bins = NumericBins.from_reference(constant, 5.0, 5.0, 10)
    assert bins.size == 3
    assert list(bins.counts(np.array([4.0, 5.0, 6.0, 6.0]))) == [1, 1, 2]
    assert psi(bins.counts(constant), bins.counts(constant + 1)) > 5


def test_categories_count_unseen_values_in_their_own_bucket() -> None:
    reference, current = CategoryCounts(), CategoryCounts()
    reference.add(["red", "white"], [60, 40])
    current.add(["red", "white", "rosé"], [50, 30, 20])
    names, expected, actual = category_shares(reference, current)
    assert names == ["red", "white", "(unseen in reference)"]
    assert expected == [60, 40, 0] and actual == [50, 30, 20]
    assert psi(expected, actual) > 0.2


def test_categories_stop_at_the_limit() -> None:
    counts = CategoryCounts(limit=2)
    counts.add(["a", "b", "c", "a"], [1, 1, 1, 1])
    assert counts.counts == Counter({"a": 2, "b": 1}) and counts.overflow


def test_reservoir_keeps_everything_below_capacity() -> None:
    reservoir = Reservoir(100, seed=1)
    reservoir.add(np.arange(30))
    reservoir.add(np.arange(30, 60))
    assert reservoir.complete and sorted(reservoir.sample) == list(range(60))


def test_reservoir_is_bounded_uniform_and_seeded() -> None:
    def draw(seed: int) -> np.ndarray:
        reservoir = Reservoir(1000, seed=seed)
        for start in range(0, 100_000, 7_000):  # uneven batches across the fill boundary
            reservoir.add(np.arange(start, min(start + 7_000, 100_000)))
        assert reservoir.seen == 100_000 and not reservoir.complete
        return reservoir.sample

    sample = draw(5)
    assert len(sample) == 1000 and len(np.unique(sample)) == 1000
    assert np.array_equal(sample, draw(5))
    assert not np.array_equal(sample, draw(6))
    # uniform over the stream: each tenth of it holds about a tenth of the sample
    per_tenth = np.bincount((sample // 10_000).astype(int), minlength=10)
    assert per_tenth.min() > 60 and per_tenth.max() < 140


def test_ks_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    a, b = rng.normal(0, 1, 500), rng.normal(0.3, 1.2, 700)
    expected = ks_2samp(a, b)
    assert ks_test(a, b) == (pytest.approx(expected.statistic), pytest.approx(expected.pvalue))
    statistic, pvalue = ks_test(a, a.copy())
    assert statistic == 0.0 and pvalue == pytest.approx(1.0)
