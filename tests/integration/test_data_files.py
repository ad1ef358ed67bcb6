"""The data family end to end on real files: the wine data with seeded faults in CSV,
Parquet and JSON Lines, each rule's exact counts, its passing twin, and unreadable files
that fail on their own while the rest of the run is still checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, by_id, run_check, write_config
from wine_faults import CONTRACT, EXPECTED, FIRST_ROW, wine_rows, write_wine

from checker import tables
from checker.results import Status

FORMATS = ("csv", "parquet", "jsonl")


def _config(folder: Path, files: str) -> Path:
    return write_config(folder, f"version: 1\n{CONTRACT}\ndata:\n  - contract: wine\n    files: {files}\n")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("faulty")
    data = wine_rows(faults=True)
    for fmt in FORMATS:
        write_wine(folder / "data" / f"wine.{fmt}", data, row_group_size=40)
    return run_check(_config(folder, "data/wine.*"), "data")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("clean")
    data = wine_rows(faults=False)
    for fmt in FORMATS:
        write_wine(folder / "data" / f"wine.{fmt}", data, row_group_size=40)
    return run_check(_config(folder, "data/wine.*"), "data")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_seeded_faults_are_counted_exactly(faulty: list, rule: str, fmt: str) -> None:
    result = by_id(faulty, f"data.{rule}", f"wine: data/wine.{fmt}")
    violations, by_column = EXPECTED[rule]
    assert result.status is Status.FAIL
    assert result.metrics["violations"] == violations
    assert result.metrics["by_column"] == by_column
    assert result.evidence["examples"][0]["row"] == FIRST_ROW[rule]
    for column in by_column:
        assert column in result.summary


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_clean_twin_passes(clean: list, rule: str, fmt: str) -> None:
    result = by_id(clean, f"data.{rule}", f"wine: data/wine.{fmt}")
    assert result.status is Status.PASS, result.summary
    assert result.metrics["violations"] == 0
    assert "178 rows" in result.summary


@pytest.mark.parametrize("fmt", FORMATS)
def test_readable_columns_and_rows_pass_on_both(faulty: list, clean: list, fmt: str) -> None:
    for results in (faulty, clean):
        for check in ("data.readable", "data.columns", "data.rows"):
            assert by_id(results, check, f"wine: data/wine.{fmt}").status is Status.PASS


def test_one_result_per_check_and_subject(faulty: list) -> None:
    keys = [(r.id, r.subject) for r in faulty if r.id != "data.compatibility"]
    assert len(keys) == len(set(keys)) == 3 * 9


def test_csv_evidence_has_file_lines_and_location(faulty: list) -> None:
    nulls = by_id(faulty, "data.nulls", "wine: data/wine.csv")
    assert nulls.evidence["examples"][:3] == [
        {"row": 3, "column": "alcohol", "value": None, "line": 5},
        {"row": 10, "column": "alcohol", "value": None, "line": 12},
        {"row": 10, "column": "ash", "value": None, "line": 12},
    ]
    assert (nulls.location.file, nulls.location.line) == ("data/wine.csv", 5)
    types = by_id(faulty, "data.types", "wine: data/wine.csv")
    assert types.evidence["examples"][0] == {"row": 70, "column": "alcohol", "value": "abc", "line": 72}


def test_other_formats_point_at_the_contract_column(faulty: list) -> None:
    ranges = by_id(faulty, "data.ranges", "wine: data/wine.parquet")
    config = Path(ranges.location.file).read_text().splitlines()
    assert config[ranges.location.line - 1].strip().startswith("magnesium:")
    assert ranges.evidence["examples"][0] == {"row": 20, "column": "magnesium", "value": 500.0}


def test_uniqueness_is_exact_across_tiny_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "BATCH_ROWS", 7)
    data = wine_rows(faults=True)
    for fmt in FORMATS:
        write_wine(tmp_path / "data" / f"wine.{fmt}", data, row_group_size=13)
    results = run_check(_config(tmp_path, "data/wine.*"), "data")
    for fmt in FORMATS:
        for rule, (violations, by_column) in EXPECTED.items():
            found = by_id(results, f"data.{rule}", f"wine: data/wine.{fmt}")
            assert (found.metrics["violations"], found.metrics["by_column"]) == (violations, by_column)


def test_example_project_passes() -> None:
    results = run_check(REPO / "examples" / "wine-quality" / "mlsmoke.yml", "data")
    data = [r for r in results if r.id != "data.compatibility"]
    assert data and all(r.status is Status.PASS for r in data), [r.summary for r in data]
