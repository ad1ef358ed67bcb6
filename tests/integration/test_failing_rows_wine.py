"""failing-rows/ on the wine data with seeded faults (tests/wine_faults.py), through a real run:
the exact rows of every failing check in CSV, Parquet and JSON Lines, each row's contract
columns (data.unique's too), the cap, redaction, two data files whose names clean alike, and
the report's line that says where the rows are."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import by_id, run_report, write_config
from wine_faults import CONTRACT, wine_rows, write_wine

from checker.config.secrets import PLACEHOLDER
from checker.results.model import Report

FORMATS = ("csv", "parquet", "jsonl")
SECRET = "s3cr3t-wine-lot-value"
# check → the (row, column) of every offending value the seeded faults make
EXPECTED = {
    "data.nulls": [(3, "alcohol"), (10, "alcohol"), (10, "ash")],
    "data.ranges": [(20, "magnesium"), (21, "magnesium"), (21, "hue"), (30, "hue")],
    "data.allowed": [(40, "cultivar"), (41, "cultivar")],
    "data.unique": [(50, "wine_id"), (51, "wine_id"), (60, "wine_id"), (61, "wine_id"), (62, "wine_id")],
    "data.types": [(70, "alcohol"), (71, "proline")],
    "data.pattern": [(80, "lot"), (81, "lot")],
}


def _project(folder: Path, cap: int, files: dict[str, object]) -> Path:
    for name, data in files.items():
        write_wine(folder / name, data, row_group_size=40)  # type: ignore[arg-type]
    patterns = ", ".join(f'"{name}"' for name in files)
    data = f"data:\n  - contract: wine\n    files: [{patterns}]\n"
    return write_config(folder, f"version: 1\n{CONTRACT}\n{data}report:\n  failing_rows_max: {cap}\n")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _offences(lines: list[dict[str, str]], check: str) -> list[tuple[int, str]]:
    return [(int(r["row"]), r["column"]) for r in lines if r["check"] == check]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    folder = tmp_path_factory.mktemp("failing-rows")
    data = wine_rows(faults=True)
    config = _project(folder, 1000, {f"data/wine.{fmt}": data for fmt in FORMATS})
    return folder / "out", run_report(config, out_dir=folder / "out", environ={})


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("check", sorted(EXPECTED))
def test_the_file_holds_exactly_the_seeded_rows(faulty: tuple[Path, Report], fmt: str, check: str) -> None:
    out, report = faulty
    lines = _read(out / "failing-rows" / f"wine__data_wine.{fmt}.csv")
    assert _offences(lines, check) == EXPECTED[check]
    result = by_id(report.checks, check, f"wine: data/wine.{fmt}")
    rows = len({row for row, _ in EXPECTED[check]})
    assert result.metrics["failing_rows"] == {"file": f"failing-rows/wine__data_wine.{fmt}.csv",
                                              "rows": rows, "total": rows}
    if fmt == "csv":  # the header is line 1, and no value holds a newline
        assert {int(r["line"]) - int(r["row"]) for r in lines} == {2}
    else:
        assert {r["line"] for r in lines} == {""}


@pytest.mark.parametrize("fmt", ("csv", "parquet"))  # JSON Lines with mixed types: read as JSON text
def test_every_line_carries_the_whole_row_unique_ones_too(faulty: tuple[Path, Report], fmt: str) -> None:
    out, _ = faulty
    data = wine_rows(faults=True)
    lines = _read(out / "failing-rows" / f"wine__data_wine.{fmt}.csv")
    for line in lines:
        row = data.rows[int(line["row"])]
        assert line["wine_id"] == str(row["wine_id"]), line
        assert line["lot"] == row["lot"] and line["cultivar"] == str(row["cultivar"]), line
    unique = [r for r in lines if r["check"] == "data.unique"]
    assert [(r["value"], r["lot"]) for r in unique] == [
        ("51", "W-0050"), ("51", "W-0051"), ("61", "W-0060"), ("61", "W-0061"), ("61", "W-0062")]


def test_the_report_says_where_the_rows_are(faulty: tuple[Path, Report]) -> None:
    out, _ = faulty
    markdown = (out / "report.md").read_text(encoding="utf-8")
    where = "failing rows: 5 of 5 in failing-rows/wine__data_wine.csv.csv (in the run's output folder)"
    assert where in markdown


def test_the_cap_keeps_the_first_rows_of_each_check(tmp_path: Path) -> None:
    config = _project(tmp_path, 2, {"data/wine.csv": wine_rows(faults=True)})
    report = run_report(config, out_dir=tmp_path / "out", environ={"MLSMOKE_ARTIFACT_NAME": "smoke-results",
                                                                   "GITHUB_REPOSITORY": "acme/wine",
                                                                   "GITHUB_RUN_ID": "9"})
    lines = _read(tmp_path / "out" / "failing-rows" / "wine__data_wine.csv.csv")
    for check, offences in EXPECTED.items():
        first_two = sorted({row for row, _ in offences})[:2]
        assert _offences(lines, check) == [o for o in offences if o[0] in first_two], check
        assert by_id(report.checks, check).metrics["failing_rows"]["rows"] == len(first_two)
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert ("failing rows: 2 of 5 in failing-rows/wine__data_wine.csv.csv; see the smoke-results artifact of "
            "[this run](https://github.com/acme/wine/actions/runs/9)") in markdown


def test_secrets_in_the_rows_are_redacted(tmp_path: Path) -> None:
    data = wine_rows(faults=True)
    data.rows[80]["lot"] = SECRET  # a pattern failure whose value is a secret
    config = _project(tmp_path, 1000, {"data/wine.csv": data})
    run_report(config, out_dir=tmp_path / "out", environ={"WINE_LOT_TOKEN": SECRET})
    text = (tmp_path / "out" / "failing-rows" / "wine__data_wine.csv.csv").read_text(encoding="utf-8")
    assert SECRET not in text and PLACEHOLDER in text
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert all(SECRET not in p.read_text(encoding="utf-8") for p in files)


def test_files_whose_names_clean_alike_keep_apart(tmp_path: Path) -> None:
    """data/a/b.csv and data/a_b.csv both clean to wine__data_a_b.csv: each gets its own."""
    other = wine_rows(faults=False)
    other.rows[5]["cultivar"] = 9
    config = _project(tmp_path, 1000, {"data/a/b.csv": wine_rows(faults=True), "data/a_b.csv": other})
    report = run_report(config, out_dir=tmp_path / "out", environ={})
    nested = by_id(report.checks, "data.allowed", "wine: data/a/b.csv").metrics["failing_rows"]["file"]
    flat = by_id(report.checks, "data.allowed", "wine: data/a_b.csv").metrics["failing_rows"]["file"]
    assert nested != flat and {nested, flat} == {
        f"failing-rows/{p.name}" for p in (tmp_path / "out" / "failing-rows").iterdir()}
    assert _offences(_read(tmp_path / "out" / flat), "data.allowed") == [(5, "cultivar")]
    assert _offences(_read(tmp_path / "out" / nested), "data.allowed") == EXPECTED["data.allowed"]
    assert all(name.startswith("failing-rows/wine__data_a_b.csv-") for name in (nested, flat))
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert f"in {nested} (in" in markdown and f"in {flat} (in" in markdown


def test_a_clean_file_writes_no_failing_rows(tmp_path: Path) -> None:
    config = _project(tmp_path, 1000, {"data/wine.csv": wine_rows(faults=False)})
    run_report(config, out_dir=tmp_path / "out", environ={})
    assert not (tmp_path / "out" / "failing-rows").exists()
