"""failing-rows/ from a real run: a small wine-like CSV with seeded faults, through the run
session (scan, check results, output step)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import by_id, run_report, write_config

from checker.checks.registry import DATA_ALLOWED, DATA_NULLS, DATA_PATTERN, DATA_RANGES, DATA_UNIQUE
from checker.config.secrets import PLACEHOLDER

SECRET = "hunter2-very-secret-value"
CONFIG = """
version: 1
contracts:
  wine:
    columns:
      wine_id: {type: int, unique: true}
      alcohol: {type: float, min: 10.0, max: 15.5}
      lot: {type: string, pattern: 'W-\\d{4}'}
      cultivar: {type: int, allowed: [0, 1, 2]}
      note: {type: string, nullable: true}
data:
  - contract: wine
    files: ["FILES"]
report:
  failing_rows_max: CAP
"""
HEADER = "wine_id,alcohol,lot,cultivar,note\n"
GOOD = [f"{i},{12 + i % 3}.5,W-{i:04d},{i % 3},ok" for i in range(1, 9)]
# row (0-based) → the line that replaces it; the file line is row + 2 (the header is line 1)
FAULTS = {
    1: "2,,W-0002,1,ok",  # null alcohol
    2: f"3,9.0,=cmd|' /C calc'!A0,7,{SECRET}",  # below range, bad lot (a formula), not allowed
    4: '5,16.0,"W-0005\nsplit",2,ok',  # above range; a quoted newline: the lines after move by one
    6: "7,20.0,W-0007,9,ok",  # above range, not allowed
    7: "7,14.5,W-0008,2,ok",  # repeats row 6's id
}
FILE = "data/wine.csv"
OUT = "failing-rows/wine__data_wine.csv.csv"


def _project(tmp_path: Path, cap: int = 1000, faults: bool = True, data_file: str = FILE) -> Path:
    rows = [FAULTS.get(i, line) if faults else line for i, line in enumerate(GOOD)]
    path = tmp_path / data_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return write_config(tmp_path, CONFIG.replace("FILES", data_file).replace("CAP", str(cap)))


def _lines(out: Path, name: str = OUT) -> list[dict[str, str]]:
    with (out / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _keys(lines: list[dict[str, str]], check: str) -> list[tuple[str, str, str, str]]:
    return [(r["row"], r["line"], r["column"], r["value"]) for r in lines if r["check"] == check]


def test_the_file_holds_exactly_the_failing_rows(tmp_path: Path) -> None:
    report = run_report(_project(tmp_path), out_dir=tmp_path / "out")
    lines = _lines(tmp_path / "out")
    assert _keys(lines, DATA_NULLS.id) == [("1", "3", "alcohol", "")]
    assert _keys(lines, DATA_RANGES.id) == [("2", "4", "alcohol", "9.0"), ("4", "6", "alcohol", "16.0"),
                                           ("6", "9", "alcohol", "20.0")]
    assert _keys(lines, DATA_ALLOWED.id) == [("2", "4", "cultivar", "7"), ("6", "9", "cultivar", "9")]
    assert _keys(lines, DATA_PATTERN.id) == [("2", "4", "lot", "'=cmd|' /C calc'!A0"),
                                            ("4", "6", "lot", "W-0005\nsplit")]
    assert _keys(lines, DATA_UNIQUE.id) == [("6", "9", "wine_id", "7"), ("7", "10", "wine_id", "7")]
    whole = next(r for r in lines if r["check"] == DATA_RANGES.id and r["row"] == "6")
    assert {k: whole[k] for k in ("wine_id", "alcohol", "lot", "cultivar", "note")} == {
        "wine_id": "7", "alcohol": "20.0", "lot": "W-0007", "cultivar": "9", "note": "ok"}
    ranges = by_id(report.checks, DATA_RANGES.id)
    assert ranges.metrics["failing_rows"] == {"file": OUT, "rows": 3, "total": 3}
    stored = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert all("failing_rows" not in check for check in stored["checks"])  # only the counts, in metrics


def test_the_report_names_the_file_and_its_counts(tmp_path: Path) -> None:
    run_report(_project(tmp_path, cap=2), out_dir=tmp_path / "out")
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "failing rows: 2 of 3 in failing-rows/" in markdown
    assert "failing rows: 1 of 1 in failing-rows/" in markdown


def test_the_cap_keeps_the_first_rows_of_each_check(tmp_path: Path) -> None:
    report = run_report(_project(tmp_path, cap=2), out_dir=tmp_path / "out")
    lines = _lines(tmp_path / "out")
    assert [k[0] for k in _keys(lines, DATA_RANGES.id)] == ["2", "4"]
    assert [k[0] for k in _keys(lines, DATA_ALLOWED.id)] == ["2", "6"]
    assert by_id(report.checks, DATA_RANGES.id).metrics["failing_rows"]["rows"] == 2


def test_a_cap_of_zero_writes_no_file(tmp_path: Path) -> None:
    report = run_report(_project(tmp_path, cap=0), out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "failing-rows").exists()
    assert "failing_rows" not in by_id(report.checks, DATA_RANGES.id).metrics


def test_secrets_are_redacted_in_the_file(tmp_path: Path) -> None:
    run_report(_project(tmp_path), out_dir=tmp_path / "out", environ={"WINE_API_TOKEN": SECRET})
    text = (tmp_path / "out" / OUT).read_text(encoding="utf-8")
    assert SECRET not in text and PLACEHOLDER in text


def test_without_the_secret_set_the_value_is_kept(tmp_path: Path) -> None:
    run_report(_project(tmp_path), out_dir=tmp_path / "out", environ={})
    assert SECRET in (tmp_path / "out" / OUT).read_text(encoding="utf-8")


def test_formula_cells_are_neutralised_in_the_whole_row(tmp_path: Path) -> None:
    run_report(_project(tmp_path), out_dir=tmp_path / "out")
    row = next(r for r in _lines(tmp_path / "out") if r["row"] == "2")
    assert row["lot"] == "'=cmd|' /C calc'!A0"
    assert row["alcohol"] == "9.0"  # a number stays a number


def test_a_passing_file_writes_no_failing_rows(tmp_path: Path) -> None:
    run_report(_project(tmp_path, faults=False), out_dir=tmp_path / "out")
    assert (tmp_path / "out" / "results.json").exists()
    assert not (tmp_path / "out" / "failing-rows").exists()


def test_a_hostile_file_name_stays_inside_the_folder(tmp_path: Path) -> None:
    hostile = "data/..weird dir/=x;..;name.csv"
    run_report(_project(tmp_path, data_file=hostile), out_dir=tmp_path / "out")
    written = list((tmp_path / "out").rglob("*.csv"))
    assert [p.parent for p in written] == [tmp_path / "out" / "failing-rows"]
    assert ".." not in written[0].name and written[0].name.startswith("wine__data_.weird_dir_")


@pytest.mark.parametrize(("cap", "valid"), [(100_000, True), (100_001, False), (-1, False)])
def test_the_cap_is_bounded(cap: int, valid: bool) -> None:
    from checker.config.schema import ReportSettings
    from checker.shape import ValidationError

    if valid:
        assert ReportSettings(failing_rows_max=cap).failing_rows_max == cap
    else:
        with pytest.raises(ValidationError):
            ReportSettings(failing_rows_max=cap)
