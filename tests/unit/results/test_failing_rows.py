"""failing-rows/ files: safe names, formula-neutral cells, redaction, one file per data file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.config.secrets import PLACEHOLDER, Redactor
from checker.results.failing_rows import (
    FOLDER,
    MAX_NAME_CHARS,
    FailingRow,
    FailingRows,
    file_name,
    neutral,
    with_distinct_names,
    write_failing_rows,
)
from checker.results.model import CheckResult, Report, Status


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


def _failing_check(check: str, contract: str, data_file: str) -> CheckResult:
    rows = FailingRows(file_name(contract, data_file), check, ("id",), (FailingRow(0, "id", 1),), 1,
                       (contract, data_file))
    return CheckResult(check, Status.FAIL, "x", subject=f"{contract}: {data_file}", failing_rows=rows,
                       metrics={"failing_rows": {"file": rows.path, "rows": 1, "total": 1}})


def test_sources_whose_names_clean_alike_get_names_of_their_own(tmp_path: Path) -> None:
    sources = [("data.ranges", "a/b.csv"), ("data.nulls", "a/b.csv"), ("data.ranges", "a_b.csv"),
               ("data.ranges", "c.csv")]
    checks = [_failing_check(check, "wine", data_file) for check, data_file in sources]
    clashing = [c.failing_rows.file for c in checks[:3:2] if c.failing_rows]
    assert clashing == ["wine__a_b.csv.csv"] * 2  # the collision
    report = with_distinct_names(Report(status=Status.FAIL, checks=checks, started_at="", duration_s=1))
    names = [c.failing_rows.file for c in report.checks if c.failing_rows]
    assert names[0] == names[1] != names[2]  # one file per data file, still shared by its checks
    assert names[3] == "wine__c.csv.csv"  # no collision, no hash
    assert all(n.startswith("wine__a_b.csv-") and n.endswith(".csv") for n in names[:3])
    assert [c.metrics["failing_rows"]["file"] for c in report.checks] == [f"{FOLDER}/{n}" for n in names]
    found = [c.failing_rows for c in report.checks if c.failing_rows]
    assert len(write_failing_rows(found, tmp_path, Redactor())) == 3


def test_without_a_collision_the_report_is_left_as_it_is() -> None:
    report = Report(status=Status.FAIL, checks=[_failing_check("data.ranges", "wine", "a/b.csv")],
                    started_at="", duration_s=1)
    assert with_distinct_names(report) is report


def _one_cell_at_a_time(groups: list[FailingRows], redactor: Redactor) -> str:
    """The file as written cell by cell through the redactor (the column-wise writer's spec)."""
    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return neutral(redactor.text(text))

    columns = list(dict.fromkeys(c for g in groups for c in g.columns))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(c) for c in ["row", "line", "check", "column", "value", *columns]])
    for group in groups:
        for value in group.values:
            writer.writerow([cell(c) for c in [value.row, value.line, group.check, value.column, value.value,
                                               *(value.whole.get(c) for c in columns)]])
    return buffer.getvalue()


SECRET = "hunter2-secret-value"
_CELLS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                   st.sampled_from([SECRET, f"=x{SECRET}", "-0.0", "+1", "@a", f"https://u:{SECRET}@h/x",
                                    "ghp_" + "a" * 36]),
                   st.dates(), st.datetimes(timezones=st.none() | st.just(dt.UTC)),
                   st.decimals(allow_nan=False, places=3), st.lists(st.integers(), max_size=3))


_LINES = st.tuples(st.integers(0, 10**7), st.none() | st.integers(1, 10**7), st.sampled_from(["a", "b"]),
                   st.lists(_CELLS, min_size=3, max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=8),
       st.sampled_from(["data.ranges", "data.unique"]))
def test_every_cell_is_redacted_and_neutral_as_if_written_one_at_a_time(
        lines: list[tuple[int, int | None, str, list[Any]]], check: str) -> None:
    columns = ("a", "b", "c")
    values = tuple(FailingRow(row, column, whole[columns.index(column)],
                              dict(zip(columns, whole, strict=True)), line)
                   for row, line, column, whole in lines)
    groups = [FailingRows("f.csv", check, columns, values, total=len(values)),
              FailingRows("f.csv", "data.nulls", ("c", "d"), values[:1], total=1)]
    redactor = Redactor(frozenset({SECRET}))
    with tempfile.TemporaryDirectory() as folder:
        [path] = write_failing_rows(groups, Path(folder), redactor)
        written = path.read_bytes()
    assert written == _one_cell_at_a_time(groups, redactor).encode("utf-8")
    assert SECRET.encode() not in written
