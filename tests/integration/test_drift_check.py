"""drift.psi and drift.ks through the runner, on real CSV and Parquet files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from helpers import REPO, by_id, run_check, run_report, write_config
from scipy.stats import ks_2samp

from checker.results.model import Status

CONFIG = """\
version: 1
contracts:
  wine:
    columns:
      wine_id: {{type: int, role: id}}
      alcohol: {{type: float}}
      pH:      {{type: float}}
      color:   {{type: string}}
      quality: {{type: int, role: target}}
drift:
  - contract: wine
    reference: {reference}
    current: {current}
{extra}"""


def table(n: int, seed: int, shift: float = 0.0, colors: tuple[str, ...] = ("red", "white")) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table({
        "wine_id": np.arange(n),
        "alcohol": rng.normal(11 + shift, 1.0, n).round(3),
        "pH": rng.normal(3.3, 0.15, n).round(3),
        "color": rng.choice(colors, n),
        "quality": rng.integers(3, 9, n),
    })


def project(tmp_path: Path, reference: pa.Table, current: pa.Table, *, extra: str = "",
            suffix: str = ".csv") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    names = {}
    for side, data in (("reference", reference), ("current", current)):
        path = tmp_path / f"{side}{suffix}"
        if suffix == ".csv":
            pacsv.write_csv(data, path)
        else:
            pq.write_table(data, path, row_group_size=1000)
        names[side] = path.name
    return write_config(tmp_path, CONFIG.format(extra=extra, **names))


def drift(config: Path) -> tuple:
    results = run_check(config, "drift")
    return by_id(results, "drift.psi"), by_id(results, "drift.ks")


def test_identical_samples_pass_with_psi_zero_and_ks_one(tmp_path: Path) -> None:
    data = table(2000, seed=1)
    psi, ks = drift(project(tmp_path, data, data))
    assert psi.status is Status.PASS and ks.status is Status.PASS
    assert psi.metrics["psi"] == pytest.approx(0.0, abs=1e-9)
    assert set(psi.metrics["by_column"]) == {"alcohol", "pH", "color"}  # features only
    assert ks.metrics["ks_pvalue"] == pytest.approx(1.0)
    assert psi.subject == "wine: reference.csv → current.csv"


def test_shifted_feature_fails_both_with_its_psi(tmp_path: Path) -> None:
    psi, ks = drift(project(tmp_path, table(3000, seed=1), table(3000, seed=2, shift=0.8)))
    assert psi.status is Status.FAIL and ks.status is Status.FAIL
    assert psi.metrics["column"] == "alcohol" and psi.metrics["psi"] > 0.2
    assert psi.metrics["by_column"]["pH"] < 0.05
    assert psi.summary.startswith("PSI above 0.2 in 1 of 3 columns: alcohol ")
    assert psi.evidence["bins_of"] == "alcohol" and len(psi.evidence["bins"]) >= 2
    assert psi.evidence["columns"][0]["column"] == "alcohol"  # a table in the report, worst first
    assert ks.evidence["columns"][0]["column"] == "alcohol"
    assert ks.metrics["column"] == "alcohol" and ks.metrics["ks_pvalue"] < 0.01
    assert "alcohol p=" in ks.summary
    assert psi.location is not None and psi.location.line == 11  # the drift entry (no psi_max key)


def test_ks_statistic_equals_scipy_on_the_same_data(tmp_path: Path) -> None:
    reference, current = table(800, seed=4), table(600, seed=5, shift=0.1)
    _, ks = drift(project(tmp_path, reference, current))
    expected = ks_2samp(reference["alcohol"].to_numpy(), current["alcohol"].to_numpy())
    assert ks.metrics["by_column"]["alcohol"] == pytest.approx(expected.pvalue)
    row = next(c for c in ks.evidence["columns"] if c["column"] == "alcohol")
    assert row["KS statistic"] == pytest.approx(expected.statistic, abs=1e-4)


def test_unseen_category_fails_psi(tmp_path: Path) -> None:
    reference = table(2000, seed=1)
    current = table(2000, seed=1, colors=("red", "white", "rosé", "rosé"))
    psi, ks = drift(project(tmp_path, reference, current))
    assert psi.status is Status.FAIL and psi.metrics["column"] == "color"
    assert "(unseen in reference)" in [b["bin"] for b in psi.evidence["bins"]]
    assert {"bin": "(unseen in reference)", "reference": 0.0, "current": pytest.approx(0.5, abs=0.05)} \
        in psi.evidence["bins"]
    assert ks.status is Status.PASS  # KS looks at numbers only


def test_empty_bins_and_thresholds_from_config(tmp_path: Path) -> None:
    reference = table(1000, seed=1)
    current = reference.set_column(1, "alcohol", pa.array(np.full(1000, 11.0)))  # one bin holds all
    psi, ks = drift(project(tmp_path, reference, current, extra="    psi_max: 50\n    ks_pvalue_min: 0\n"))
    assert psi.status is Status.PASS and ks.status is Status.PASS
    assert 1 < psi.metrics["by_column"]["alcohol"] < 50
    psi, _ = drift(project(tmp_path, reference, current))
    assert psi.status is Status.FAIL


def test_sampled_large_parquet_counts_bins_exactly(tmp_path: Path) -> None:
    reference, current = table(30_000, seed=1), table(30_000, seed=2, shift=0.5)
    full = project(tmp_path / "full", reference, current, suffix=".parquet")
    capped = project(tmp_path / "capped", reference, current, extra="    sample_max: 2000\n",
                     suffix=".parquet")
    (full_psi, full_ks), (capped_psi, capped_ks) = drift(full), drift(capped)
    assert capped_psi.metrics["psi"] == pytest.approx(full_psi.metrics["psi"], rel=0.15)
    assert capped_ks.status is Status.FAIL and full_ks.status is Status.FAIL
    assert capped_ks.metrics["sample_max"] == 2000


def test_columns_narrow_the_comparison(tmp_path: Path) -> None:
    config = project(tmp_path, table(500, seed=1), table(500, seed=2, shift=3),
                     extra="    columns: [pH, color]\n")
    psi, ks = drift(config)
    assert psi.status is Status.PASS and set(psi.metrics["by_column"]) == {"pH", "color"}
    assert set(ks.metrics["by_column"]) == {"pH"}


def test_missing_current_file_fails_with_the_cause(tmp_path: Path) -> None:
    config = project(tmp_path, table(100, seed=1), table(100, seed=1))
    (tmp_path / "current.csv").unlink()
    psi, ks = drift(config)
    assert psi.status is Status.FAIL and ks.status is Status.FAIL
    assert psi.summary == "cannot read the current file current.csv: file not found"
    assert psi.location is not None and psi.location.line == 13


def test_missing_column_fails(tmp_path: Path) -> None:
    psi, ks = drift(project(tmp_path, table(300, seed=1), table(300, seed=1).drop_columns(["pH"])))
    assert psi.status is Status.FAIL and ks.status is Status.FAIL
    assert "column pH is not in the current file" in psi.summary
    assert psi.evidence["problems"] == ["column pH is not in the current file"]


def test_unparseable_numbers_are_left_out(tmp_path: Path) -> None:
    reference = table(500, seed=1)
    text = pa.array([str(v) for v in reference["alcohol"].to_pylist()[:-5]] + ["n/a"] * 5)
    psi, _ = drift(project(tmp_path, reference, reference.set_column(1, "alcohol", text)))
    assert psi.status is Status.PASS and psi.metrics["by_column"]["alcohol"] < 0.01
    row = next(c for c in psi.evidence["columns"] if c["column"] == "alcohol")
    assert (row["reference n"], row["current n"]) == (500, 495)


def example_copy(tmp_path: Path) -> Path:
    example = tmp_path / "wine-quality"
    shutil.copytree(REPO / "examples" / "wine-quality", example,
                    ignore=shutil.ignore_patterns("mlsmoke-out"))
    return example


def test_example_project_drift_passes(tmp_path: Path) -> None:
    psi, ks = drift(example_copy(tmp_path) / "mlsmoke.yml")
    assert psi.status is Status.PASS and ks.status is Status.PASS
    assert len(psi.metrics["by_column"]) == 13


def test_example_project_with_a_shifted_sample_fails(tmp_path: Path) -> None:
    example = example_copy(tmp_path)
    recent = example / "drift" / "wine_recent.csv"
    data = pacsv.read_csv(recent)
    shifted = data.set_column(data.schema.get_field_index("alcohol"), "alcohol",
                              pc.add(data["alcohol"], 1.5))
    pacsv.write_csv(shifted, recent)
    psi, ks = drift(example / "mlsmoke.yml")
    assert psi.status is Status.FAIL and psi.metrics["column"] == "alcohol"
    assert ks.status is Status.FAIL and ks.metrics["column"] == "alcohol"


def test_datetime_bool_and_category_columns(tmp_path: Path) -> None:
    def sample(seed: int, days: int) -> pa.Table:
        rng = np.random.default_rng(seed)
        start = np.datetime64("2024-01-01") + np.timedelta64(days, "D")
        return pa.table({
            "when": (start + rng.integers(0, 365, 1000).astype("timedelta64[D]")).astype("datetime64[us]"),
            "flag": rng.random(1000) < 0.3,
            "kind": pa.array(rng.choice(["a", "b"], 1000)).dictionary_encode(),
        })

    pq.write_table(sample(1, 0), tmp_path / "reference.parquet")
    pacsv.write_csv(sample(2, 100), tmp_path / "current.csv")  # formats may differ
    config = write_config(tmp_path, """\
        version: 1
        contracts:
          events:
            columns:
              when: {type: datetime}
              flag: {type: bool}
              kind: {type: category}
        drift:
          - {contract: events, reference: reference.parquet, current: current.csv}
        """)
    psi, ks = drift(config)
    assert psi.status is Status.FAIL and psi.metrics["column"] == "when"
    assert psi.metrics["by_column"]["flag"] < 0.1 and psi.metrics["by_column"]["kind"] < 0.1
    assert any("> 2024-12-30" in b["bin"] for b in psi.evidence["bins"])
    assert ks.status is Status.FAIL and list(ks.metrics["by_column"]) == ["when"]


def test_a_drifting_column_records_its_distributions_for_the_report_chart(tmp_path: Path) -> None:
    psi, ks = drift(project(tmp_path, table(3000, seed=1), table(3000, seed=2, shift=0.8)))
    [alcohol] = psi.evidence["distributions"]  # pH and color do not drift
    assert alcohol["column"] == "alcohol" and alcohol["kind"] == "numeric"
    assert len(alcohol["bins"]) == 12  # 10 quantile bins and one beyond each end
    for side in ("reference", "current"):
        assert sum(b[side] for b in alcohol["bins"]) == pytest.approx(1.0, abs=1e-3)
    assert [b["bin"] for b in alcohol["bins"]] == [b["bin"] for b in psi.evidence["bins"]]
    assert ks.evidence["distributions"] == [alcohol]  # KS finds the same column drifting


def test_no_drift_records_no_distributions(tmp_path: Path) -> None:
    data = table(2000, seed=1)
    psi, _ = drift(project(tmp_path, data, data))
    assert "distributions" not in psi.evidence


@pytest.mark.parametrize(("extra", "charts"), [("", 2), ("report: {charts: true}\n", 2),
                                                ("report: {charts: false}\n", 0)])
def test_report_md_draws_the_drift_charts_unless_report_charts_is_false(tmp_path: Path, extra: str,
                                                                         charts: int) -> None:
    config = project(tmp_path, table(3000, seed=1), table(3000, seed=2, shift=0.8), extra=extra)
    report = run_report(config, only="drift")
    markdown = (tmp_path / "mlsmoke-out" / "report.md").read_text(encoding="utf-8")
    assert markdown.count("```mermaid") == charts  # PSI per feature, alcohol's distribution
    assert report.charts is (charts > 0)
