"""The data family end to end on real files: the wine data with seeded faults in CSV,
Parquet and JSON Lines, each rule's exact counts, its passing twin, and unreadable files
that fail on their own while the rest of the run is still checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, by_id, run_check, write_config
from wine_faults import CONTRACT, EXPECTED, FIRST_ROW, wine_rows, write_wine

from checker.results.model import Status
from checker.tables import reader as tables

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
        {"row": 3, "column": "alcohol", "value": None, "line": 5, "rule": "null, not nullable"},
        {"row": 10, "column": "alcohol", "value": None, "line": 12, "rule": "null, not nullable"},
        {"row": 10, "column": "ash", "value": None, "line": 12, "rule": "null, not nullable"},
    ]
    assert (nulls.location.file, nulls.location.line) == ("data/wine.csv", 5)
    types = by_id(faulty, "data.types", "wine: data/wine.csv")
    assert types.evidence["examples"][0] == {"row": 70, "column": "alcohol", "value": "abc", "line": 72,
                                             "rule": "not of type float"}


def test_other_formats_point_at_the_contract_column(faulty: list) -> None:
    ranges = by_id(faulty, "data.ranges", "wine: data/wine.parquet")
    config = Path(ranges.location.file).read_text().splitlines()
    assert config[ranges.location.line - 1].strip().startswith("magnesium:")
    assert ranges.evidence["examples"][0] == {"row": 20, "column": "magnesium", "value": 500.0,
                                              "rule": "outside [60, 170]"}


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


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("broken")
    data = wine_rows(faults=False)
    good = write_wine(folder / "data" / "good.parquet", data)
    write_wine(folder / "data" / "good.csv", data)
    (folder / "data" / "empty.csv").write_bytes(b"")
    (folder / "data" / "corrupt.parquet").write_bytes(b"PAR1 this is not parquet at all")
    (folder / "data" / "truncated.parquet").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = (folder / "data" / "good.csv").read_bytes()
    (folder / "data" / "latin1.csv").write_bytes(text.replace(b'"W-0100"', b'"W-0100 caf\xe9"'))
    renamed = text.replace(b'"alcohol"', b'"Alcohol"', 1).replace(b'"malic_acid"', b'"malic acid"', 1)
    (folder / "data" / "renamed.csv").write_bytes(renamed)
    (folder / "data" / "bad.jsonl").write_text('{"wine_id": 1}\n{"wine_id": \n', encoding="utf-8")
    (folder / "data" / "ragged.csv").write_bytes(text.replace(b',"W-0100",', b',', 1))
    config = write_config(folder, f"""version: 1
{CONTRACT}
data:
  - contract: wine
    files: [data/*.csv, data/*.parquet, data/*.jsonl, data/missing/*.csv]
""")
    return run_check(config, "data")


@pytest.mark.parametrize(("name", "cause"), [
    ("empty.csv", "file is empty"),
    ("corrupt.parquet", "not a Parquet file or a corrupt one"),
    ("truncated.parquet", "not a Parquet file or a corrupt one"),
    ("latin1.csv", "not valid UTF-8"),
    ("bad.jsonl", "not valid JSON Lines"),
    ("ragged.csv", "Expected 16 columns, got 15"),
])
def test_unreadable_file_fails_with_its_cause(broken: list, name: str, cause: str) -> None:
    readable = by_id(broken, "data.readable", f"wine: data/{name}")
    assert readable.status is Status.FAIL
    assert cause in readable.summary
    assert "Traceback" not in readable.summary + readable.details
    assert [r.id for r in broken if r.subject == f"wine: data/{name}"] == ["data.readable"]


def test_good_files_are_still_checked_next_to_broken_ones(broken: list) -> None:
    for name in ("good.csv", "good.parquet"):
        results = [r for r in broken if r.subject == f"wine: data/{name}"]
        assert len(results) == 9
        assert all(r.status is Status.PASS for r in results), [r.summary for r in results]
    assert not any(r.status is Status.ERROR for r in broken)


def test_glob_matching_nothing_fails(broken: list) -> None:
    result = by_id(broken, "data.readable", "wine: data/missing/*.csv")
    assert result.status is Status.FAIL
    assert result.summary == "no file matches 'data/missing/*.csv'"


def test_a_bad_json_line_deep_in_a_file_is_named_by_its_line(tmp_path) -> None:
    lines = [f'{{"a": {i}}}' for i in range(60_000)]
    lines.insert(50_000, '{"a": 2, oops')
    (tmp_path / "rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: int}}}
        data:
          - {contract: t, files: rows.jsonl}
        """)
    result = by_id(run_check(config, "data"), "data.readable")
    assert result.status is Status.FAIL
    assert "not valid JSON Lines: line 50001 is not valid JSON" in result.summary


def test_glob_matching_only_a_folder_says_so(tmp_path) -> None:
    (tmp_path / "data" / "odd.csv").mkdir(parents=True)
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: int}}}
        data:
          - {contract: t, files: data/*.csv}
        """)
    result = by_id(run_check(config, "data"), "data.readable")
    assert result.status is Status.FAIL
    assert result.summary == "no file matches 'data/*.csv' (it matches only folders: data/odd.csv)"


def test_renamed_columns_are_named(broken: list) -> None:
    columns = by_id(broken, "data.columns", "wine: data/renamed.csv")
    assert columns.status is Status.FAIL
    assert "missing column 'alcohol' (looks renamed to 'Alcohol')" in columns.summary
    assert "missing column 'malic_acid' (looks renamed to 'malic acid')" in columns.summary
    assert columns.metrics["renamed"] == {"alcohol": "Alcohol", "malic_acid": "malic acid"}
    # the other rules still run on the columns that are there
    assert by_id(broken, "data.ranges", "wine: data/renamed.csv").metrics["columns_checked"] == 11


def test_extra_columns_follow_the_contract(tmp_path: Path) -> None:
    data = wine_rows(faults=False)
    write_wine(tmp_path / "data" / "wine.csv", data)
    contract = "\n".join(line for line in CONTRACT.splitlines() if not line.strip().startswith("lot:")) + "\n"
    statuses = {}
    for policy in ("error", "warn", "allow"):
        config = write_config(tmp_path, "version: 1\n"
                              + contract.replace("extra_columns: error", f"extra_columns: {policy}")
                              + "data:\n  - {contract: wine, files: data/wine.csv}\n")
        result = by_id(run_check(config, "data"), "data.columns")
        statuses[policy] = result.status
        assert "1 extra column" in result.summary and "'lot'" in result.summary
    assert statuses == {"error": Status.FAIL, "warn": Status.WARN, "allow": Status.PASS}


FAILING_ROWS = {"nulls": {3, 10}, "ranges": {20, 21, 30}, "allowed": {40, 41}, "unique": {50, 51, 60, 61, 62},
                "types": {70, 71}, "pattern": {80, 81}}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_failing_rows_are_exactly_the_seeded_rows(faulty: list, rule: str, fmt: str) -> None:
    carried = by_id(faulty, f"data.{rule}", f"wine: data/wine.{fmt}").failing_rows
    assert carried is not None
    assert {v.row for v in carried.values} == FAILING_ROWS[rule]
    assert (carried.rows, carried.total) == (len(FAILING_ROWS[rule]), EXPECTED[rule][0])
    assert carried.file == f"wine__data_wine.{fmt}.csv"
    for value in carried.values:
        assert value.line == (value.row + 2 if fmt == "csv" else None)  # the header is line 1
        if rule != "unique":  # the whole row, as read: its own id
            assert str(value.whole["wine_id"]) == str(value.row + 1)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_clean_twin_carries_no_failing_rows(clean: list, rule: str, fmt: str) -> None:
    assert by_id(clean, f"data.{rule}", f"wine: data/wine.{fmt}").failing_rows is None
