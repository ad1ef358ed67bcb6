"""What drift.psi records for the charts: the distributions of the drifting columns, bounded."""

from __future__ import annotations

from dataclasses import replace

from checker.checks.drift.chart_data import MAX_BINS, MAX_COLUMNS, distributions
from checker.checks.drift.family import ks_result, psi_result
from checker.checks.drift.measure import ColumnDrift, Measure
from checker.config.schema import DriftEntry
from checker.results.chart_data import DISTRIBUTIONS
from checker.results.model import Location, Status

BINS = [("< 1", 0.0, 0.1), ("[1, 2]", 1.0, 0.6), ("> 2", 0.0, 0.3)]


def column(name: str, psi: float, bins: list[tuple[str, float, float]] = BINS) -> ColumnDrift:
    return ColumnDrift(name, "numeric", 100, 90, psi=psi, bins=bins)


def result(*columns: ColumnDrift):
    entry = DriftEntry(contract="wine", reference="r.csv", current="c.csv")
    return psi_result(Measure(list(columns), []), entry, "wine", {}, Location("mlsmoke.yml", 3))


def test_a_failing_psi_records_each_drifting_column_and_no_other() -> None:
    found = result(column("calm", 0.01), column("moved", 0.9), column("shifted", 0.4))
    assert found.status is Status.FAIL
    assert [c["column"] for c in found.evidence[DISTRIBUTIONS]] == ["moved", "shifted"]
    assert found.evidence[DISTRIBUTIONS][0] == {
        "column": "moved", "kind": "numeric", "reference_n": 100, "current_n": 90,
        "bins": [{"bin": "< 1", "reference": 0.0, "current": 0.1},
                 {"bin": "[1, 2]", "reference": 1.0, "current": 0.6},
                 {"bin": "> 2", "reference": 0.0, "current": 0.3}]}


def test_a_passing_psi_records_none() -> None:
    found = result(column("calm", 0.01))
    assert found.status is Status.PASS and DISTRIBUTIONS not in found.evidence


def test_columns_and_bins_are_bounded_the_small_bins_folded() -> None:
    wide = [(f"c{i}", (i + 1) / 1000, (60 - i) / 1000) for i in range(60)]
    found = distributions([column(f"f{i}", 1.0, wide) for i in range(10)])[DISTRIBUTIONS]
    assert len(found) == MAX_COLUMNS
    bins = found[0]["bins"]
    assert len(bins) == MAX_BINS and bins[-1]["bin"] == f"other {60 - MAX_BINS + 1} bins"
    assert abs(sum(b["reference"] for b in bins) - sum(b[1] for b in wide)) < 1e-3
    assert [b["bin"] for b in bins[:3]] == ["c0", "c1", "c2"]  # the kept bins keep their order


def test_a_failing_ks_records_the_columns_it_finds_drifting() -> None:
    entry = DriftEntry(contract="wine", reference="r.csv", current="c.csv")
    columns = [replace(column("calm", 0.01), ks_pvalue=0.5, ks_statistic=0.01),
               replace(column("moved", 0.01), ks_pvalue=1e-6, ks_statistic=0.4)]
    found = ks_result(Measure(columns, []), entry, "wine", {}, Location("mlsmoke.yml", 3))
    assert found.status is Status.FAIL
    assert [c["column"] for c in found.evidence[DISTRIBUTIONS]] == ["moved"]
