"""failing-rows/ files: safe names, formula-neutral cells, redaction, one file per data file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from checker.config.secrets import PLACEHOLDER, Redactor
from checker.results.failing_rows import (
    FOLDER,
    MAX_NAME_CHARS,
    FailingRow,
    FailingRows,
    file_name,
    neutral,
    write_failing_rows,
)


def _rows(name: str, *values: FailingRow) -> FailingRows:
    return FailingRows(name, "data.ranges", ("id", "note"), values, total=len(values))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_plain_name_reads_as_contract_and_file() -> None:
    assert file_name("wine", "data/wine.csv") == "wine__data_wine.csv.csv"


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "a/../../b", "..", "/abs/x\\y", "x" * 500,
                                     "dir/\nname\x00.csv", "C:\\w\\..\\f.csv"])
def test_a_hostile_name_stays_inside_the_folder(tmp_path: Path, hostile: str) -> None:
    name = file_name("c/../..", hostile)
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert len(name) <= MAX_NAME_CHARS + len(".csv")
    written = write_failing_rows([_rows(name, FailingRow(0, "id", 1))], tmp_path, Redactor())
    assert [p.parent for p in written] == [tmp_path / FOLDER]


def test_long_names_that_differ_keep_apart() -> None:
    assert file_name("c", "x" * 300 + "a") != file_name("c", "x" * 300 + "b")


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\tx", "\r=1"])
def test_formula_cells_are_quoted(cell: str) -> None:
    assert neutral(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "+4.5", "-1e5", "plain", "a=b", ""])
def test_numbers_and_plain_text_stay_as_they_are(cell: str) -> None:
    assert neutral(cell) == cell


def test_the_written_file_is_redacted_and_neutral(tmp_path: Path) -> None:
    secret = "s3cr3t-value-abcdef"
    row = FailingRow(4, "note", f"token {secret}", {"id": "=1+1", "note": f"token {secret}"}, line=6)
    [path] = write_failing_rows([_rows("f.csv", row)], tmp_path, Redactor(frozenset({secret})))
    [line] = _read(path)
    assert line == {"row": "4", "line": "6", "check": "data.ranges", "column": "note",
                    "value": f"token {PLACEHOLDER}", "id": "'=1+1", "note": f"token {PLACEHOLDER}"}
    assert secret not in path.read_text(encoding="utf-8")


def test_without_the_secret_the_value_is_kept(tmp_path: Path) -> None:
    row = FailingRow(4, "note", "token plain-value", {"note": "token plain-value"})
    [path] = write_failing_rows([_rows("f.csv", row)], tmp_path, Redactor())
    assert _read(path)[0]["note"] == "token plain-value"


def test_checks_of_one_data_file_share_its_file(tmp_path: Path) -> None:
    first, second = _rows("f.csv", FailingRow(1, "id", 1)), _rows("f.csv", FailingRow(2, "id", 2))
    [path] = write_failing_rows([first, second], tmp_path, Redactor())
    assert [r["row"] for r in _read(path)] == ["1", "2"]


def test_nothing_failing_writes_nothing(tmp_path: Path) -> None:
    assert write_failing_rows([_rows("f.csv")], tmp_path, Redactor()) == []
    assert not (tmp_path / FOLDER).exists()
