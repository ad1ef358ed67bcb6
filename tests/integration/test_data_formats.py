"""Exact data semantics on real files the tests write: JSON Lines typed per value, compressed
CSV and JSON Lines, a configured CSV delimiter, very large CSV cells, nested Parquet types."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path

import pytest
from helpers import by_id, run_check, write_config

from checker.results.model import Status

CONTRACT = """
contracts:
  t:
    columns:
      id: {type: int, unique: true}
      name: {type: string}
"""


def _run(folder: Path, files: str, extra: str = "") -> list:
    config = f"version: 1\n{CONTRACT}\ndata:\n  - contract: t\n    files: {files}\n{extra}"
    return run_check(write_config(folder, config), "data")


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_jsonl_values_of_the_contract_types_pass(tmp_path: Path) -> None:
    _jsonl(tmp_path / "t.jsonl", [{"id": 1, "name": "a"}, {"id": 2.0, "name": "b"}])
    assert by_id(_run(tmp_path, "t.jsonl"), "data.types").status is Status.PASS


@pytest.mark.parametrize(("rows", "column"), [
    ([{"id": 1, "name": "a"}, {"id": "2", "name": "b"}], "id"),  # "2" is a string, not an int
    ([{"id": 1, "name": "a"}, {"id": 2, "name": 5}], "name"),  # 5 is a number, not a string
    ([{"id": 1, "name": "a"}, {"id": 2, "name": [1]}], "name"),
    ([{"id": 1, "name": "a"}, {"id": 2, "name": {"k": 1}}], "name"),
    ([{"id": "1", "name": "a"}, {"id": "2", "name": "b"}], "id"),  # all strings: pyarrow infers string
])
def test_jsonl_values_of_other_json_types_fail_types(tmp_path: Path, rows: list, column: str) -> None:
    _jsonl(tmp_path / "t.jsonl", rows)
    result = by_id(_run(tmp_path, "t.jsonl"), "data.types")
    assert result.status is Status.FAIL
    assert result.metrics["by_column"] == {column: 1 if column == "name" or rows[0]["id"] == 1 else 2}


def test_jsonl_rows_count_when_lines_lack_the_columns(tmp_path: Path) -> None:
    _jsonl(tmp_path / "t.jsonl", [{"other": 1}, {"other": 2}, {"other": "x"}])
    results = _run(tmp_path, "t.jsonl")
    assert by_id(results, "data.readable").metrics["rows"] == 3
    assert by_id(results, "data.columns").status is Status.FAIL


CSV = "id,name\n1,a\n2,b\n"
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def _zstd(data: bytes) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_compressed_files_are_read(tmp_path: Path, suffix: str, fmt: str) -> None:
    good = CSV if fmt == "csv" else '{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n'
    bad = good.replace("2", "x") if fmt == "csv" else good.replace('"id": 2', '"id": "x"')
    compress = COMPRESS.get(suffix, _zstd)
    (tmp_path / f"good.{fmt}{suffix}").write_bytes(compress(good.encode()))
    (tmp_path / f"bad.{fmt}{suffix}").write_bytes(compress(bad.encode()))
    results = _run(tmp_path, "'*" + suffix + "'")
    assert by_id(results, "data.readable", "good").metrics["rows"] == 2
    assert by_id(results, "data.types", "good").status is Status.PASS
    assert by_id(results, "data.types", "bad").status is Status.FAIL


def test_a_configured_delimiter_reads_the_columns(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(CSV.replace(",", ";"), encoding="utf-8")
    results = _run(tmp_path, "t.csv", "    csv: {delimiter: ';'}\n")
    assert by_id(results, "data.columns").status is Status.PASS
    assert by_id(results, "data.types").status is Status.PASS


def test_another_delimiter_gets_a_hint(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(CSV.replace(",", ";"), encoding="utf-8")
    result = by_id(_run(tmp_path, "t.csv"), "data.columns")
    assert result.status is Status.FAIL
    assert "delimiter: ';'" in result.details


def test_megabyte_cells_are_read(tmp_path: Path) -> None:
    big = "x" * (5 << 20)
    (tmp_path / "t.csv").write_text(f'id,name\n1,"{big}"\n2,b\n', encoding="utf-8")
    results = _run(tmp_path, "t.csv")
    assert by_id(results, "data.readable").metrics["rows"] == 2
    assert by_id(results, "data.types").status is Status.PASS


def test_megabyte_cells_still_fail_their_rules(tmp_path: Path) -> None:
    big = "x" * (5 << 20)
    (tmp_path / "t.csv").write_text(f'id,name\n1,"{big}"\nz,b\n', encoding="utf-8")
    assert by_id(_run(tmp_path, "t.csv"), "data.types").status is Status.FAIL


def _nested(path: Path, nested: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = pa.array([{"k": 1}, {"k": 2}]) if nested else pa.array(["a", "b"])
    pq.write_table(pa.table({"id": [1, 2], "name": name, "meta": pa.array([[1], [2]])}), path)


def test_nested_parquet_columns_outside_the_contract_are_fine(tmp_path: Path) -> None:
    _nested(tmp_path / "t.parquet", nested=False)
    results = _run(tmp_path, "t.parquet")
    assert by_id(results, "data.readable").status is Status.PASS
    assert by_id(results, "data.types").status is Status.PASS


def test_nested_parquet_column_in_the_contract_is_not_supported(tmp_path: Path) -> None:
    _nested(tmp_path / "t.parquet", nested=True)
    results = _run(tmp_path, "t.parquet")
    assert by_id(results, "data.readable").status is Status.PASS
    result = by_id(results, "data.types")
    assert result.status is Status.FAIL
    assert "not supported by contracts" in result.summary + result.details


def _events(folder: Path, ids: tuple[list[int], list[int]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for day, values in zip(("2024-01-01", "2024-01-02"), ids, strict=True):
        part = folder / "data" / "events" / f"day={day}"
        part.mkdir(parents=True)
        pq.write_table(pa.table({"id": values, "name": ["a"] * len(values)}), part / "part-0.parquet")


HIVE = """
contracts:
  t:
    columns:
      id: {type: int, unique: true}
      name: {type: string}
      day: {type: string, allowed: ["2024-01-01", "2024-01-02"]}
data:
  - contract: t
    files: data/events/
    partitioning: hive
"""


def test_a_hive_folder_is_one_table_with_its_partition_column(tmp_path: Path) -> None:
    _events(tmp_path, ([1, 2], [3, 4]))
    results = run_check(write_config(tmp_path, f"version: 1\n{HIVE}"), "data")
    assert by_id(results, "data.readable").metrics["rows"] == 4
    for check in ("data.columns", "data.types", "data.allowed", "data.unique"):
        assert by_id(results, check).status is Status.PASS, check


def test_unique_holds_across_the_files_of_a_hive_folder(tmp_path: Path) -> None:
    _events(tmp_path, ([1, 2], [2, 3]))
    results = run_check(write_config(tmp_path, f"version: 1\n{HIVE}"), "data")
    result = by_id(results, "data.unique")
    assert result.status is Status.FAIL
    assert result.metrics["violations"] >= 1


@pytest.mark.parametrize(("ident", "status"), [(2, Status.PASS), ('"2"', Status.FAIL)])
def test_megabyte_json_lines_are_read(tmp_path: Path, ident: object, status: Status) -> None:
    big = "x" * (3 << 20)
    (tmp_path / "t.jsonl").write_text(f'{{"id": 1, "name": "{big}"}}\n{{"id": {ident}, "name": "b"}}\n',
                                      encoding="utf-8")
    results = _run(tmp_path, "t.jsonl")
    assert by_id(results, "data.readable").metrics["rows"] == 2
    assert by_id(results, "data.types").status is status
