"""Contracts inferred from sample files: types, nulls, widened ranges, categories, ids; and the
round trip — the sample passes the contract inferred from it."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples

from checker.contracts.infer import contracts_yaml, infer_contract
from checker.contracts.infer_ranges import widen
from checker.contracts.model import ColumnType, Contract, Role
from checker.errors import UsageError
from checker.results.model import Status
from checker.synth.rows import write_table
from tests.contract_verifier import read_typed, violations
from tests.helpers import run_check, write_config

HAVE_DATA_CHECKS = importlib.util.find_spec("checker.checks.data.family") is not None

WINE_CSV = """wine_id,pH,color,quality,harvested,organic,note,alcohol
1,3.2,red,5,2020-01-01,true,abc,9.5
2,3.5,white,6,2020-02-01 10:00:00,false,,12
3,2.9,red,5,2021-03-01,TRUE,xyz,11.25
4,4.0,red,7,2020-01-05,false,q,
5,3.1,white,6,2020-01-07,False,r,10
6,3.3,red,5,2020-01-09,true,s,13
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rules(contract: Contract, name: str) -> dict[str, Any]:
    return contract.columns[name].model_dump(exclude_defaults=True, mode="json")


def test_types_nulls_ranges_categories_and_ids_from_csv(tmp_path: Path) -> None:
    contract = infer_contract([write(tmp_path, "wine.csv", WINE_CSV)])
    assert list(contract.columns) == ["wine_id", "pH", "color", "quality", "harvested", "organic", "note",
                                      "alcohol"]
    assert rules(contract, "wine_id") == {"type": "int", "min": 0, "max": 7, "unique": True, "role": "id"}
    assert rules(contract, "pH") == {"type": "float", "min": 2.7, "max": 4.2}
    assert rules(contract, "color") == {"type": "string", "allowed": ["red", "white"]}
    assert rules(contract, "quality") == {"type": "int", "min": 4, "max": 8}
    assert rules(contract, "harvested") == {"type": "datetime"}
    assert rules(contract, "organic") == {"type": "bool"}
    assert rules(contract, "note") == {"type": "string", "nullable": True}
    assert rules(contract, "alcohol") == {"type": "float", "nullable": True, "min": 9.1, "max": 13.4}


def test_the_sample_passes_its_inferred_contract(tmp_path: Path) -> None:
    path = write(tmp_path, "wine.csv", WINE_CSV)
    contract = infer_contract([path])
    assert violations(read_typed(path, contract), contract) == []


def test_a_value_beyond_the_inferred_range_does_not(tmp_path: Path) -> None:
    """Failing twin: the inferred contract is not vacuous."""
    contract = infer_contract([write(tmp_path, "wine.csv", WINE_CSV)])
    changed = WINE_CSV.replace("4,4.0,red,7", "4,9.0,rose,7").replace("\n6,", "\n5,")
    later = write(tmp_path, "later.csv", changed)
    found = violations(read_typed(later, contract), contract)
    assert any(p.startswith("pH: max") for p in found)
    assert any(p.startswith("color: allowed") for p in found)
    assert any(p.startswith("wine_id: unique") for p in found)


def test_parquet_and_json_lines_keep_their_types(tmp_path: Path) -> None:
    table = pa.table({
        "id": pa.array([10, 20, 30], pa.int32()),
        "score": pa.array([0.5, None, 0.75]),
        "when": pa.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2), None], pa.timestamp("ms")),
        "flag": [True, False, True],
        "code": pa.array(["1", "2", "3"]),  # text in Parquet stays text
        "level": pa.array(["a", "b", "a"]).dictionary_encode(),
    })
    pq.write_table(table, tmp_path / "t.parquet")
    parquet = infer_contract([tmp_path / "t.parquet"])
    assert [c.type for c in parquet.columns.values()] == [
        ColumnType.INT, ColumnType.FLOAT, ColumnType.DATETIME, ColumnType.BOOL, ColumnType.STRING,
        ColumnType.STRING]
    assert parquet.columns["score"].nullable and parquet.columns["when"].nullable
    assert parquet.columns["id"].unique and parquet.columns["id"].role is Role.ID
    write_table(table.set_column(5, "level", pa.array(["a", "b", "a"])), tmp_path / "t.jsonl")
    jsonl = infer_contract([tmp_path / "t.jsonl"])
    assert jsonl.columns["code"].type is ColumnType.STRING
    assert jsonl.columns["score"].type is ColumnType.FLOAT


def test_several_files_unite_their_ranges(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", "x,y,id\n1,0.5,1\n2,0.7,2\n")
    second = write(tmp_path, "b.csv", "y,x,id\n0.1,40,1\n1.9,50,2\n")
    pq.write_table(pa.table({"x": [3], "y": [1.5], "id": [1]}), tmp_path / "c.parquet")
    contract = infer_contract([first, second, tmp_path / "c.parquet"])
    assert rules(contract, "x") == {"type": "int", "min": 0, "max": 55, "unique": True}
    assert rules(contract, "y") == {"type": "float", "min": 0.0, "max": 2.1}
    assert contract.columns["id"].unique  # unique within each file, as data.unique checks it


def test_an_int_column_in_one_file_and_a_float_in_another_is_float(tmp_path: Path) -> None:
    files = [write(tmp_path, "a.csv", "x\n1\n2\n"), write(tmp_path, "b.csv", "x\n2.5\n3\n")]
    assert rules(infer_contract(files), "x") == {"type": "float", "min": 0.8, "max": 3.2}
    files.append(write(tmp_path, "c.csv", "x\nabc\n"))
    assert rules(infer_contract(files), "x") == {"type": "string"}  # all text in CSV


@pytest.mark.parametrize(("files", "message"), [
    ({"a.csv": "x,y\n1,2\n", "b.csv": "x\n1\n"}, "b.csv and "),
    ({"a.csv": "x\nabc\n", "b.parquet": "int"}, "column 'x' holds values of different types"),
    ({"a.csv": "x\n1\n", "b.parquet": None}, "b.parquet: Parquet file size"),
    ({"a.csv": "x\n1\n", "b.csv": ""}, "b.csv: file is empty"),
    ({"a.txt": "x\n1\n"}, "unknown data file type .txt"),
])
def test_files_that_cannot_be_inferred_say_why(tmp_path: Path, files: dict[str, str | None],
                                               message: str) -> None:
    paths = []
    for name, text in files.items():
        if text == "int":
            pq.write_table(pa.table({"x": [1, 2]}), tmp_path / name)
            paths.append(tmp_path / name)
        else:
            paths.append(write(tmp_path, name, "garbage" if text is None else text))
    with pytest.raises(UsageError, match=message.replace(".", r"\.").replace("(", r"\(")):
        infer_contract(paths)


def test_a_column_type_inference_reads_every_batch(tmp_path: Path) -> None:
    """Text in the last of many CSV blocks still turns an int-looking column into a string."""
    lines = ["n,late"] + [f"{i},{i}" for i in range(250_000)] + ["250000,x"]
    contract = infer_contract([write(tmp_path, "big.csv", "\n".join(lines) + "\n")])
    assert rules(contract, "n") == {"type": "int", "min": 0, "max": 280_000, "unique": True}
    assert rules(contract, "late") == {"type": "string"}


def test_categories_need_few_repeated_values(tmp_path: Path) -> None:
    many = "\n".join(f"v{i % 21}" for i in range(100))
    few_once = "a\nb\nc\n"
    contract = infer_contract([write(tmp_path, "c.csv", "many,once\n" + "\n".join(
        f"{m},{o}" for m, o in zip(many.split("\n"), (few_once * 40).split("\n"), strict=False)) + "\n")])
    assert contract.columns["many"].allowed is None
    assert contract.columns["once"].allowed == ["a", "b", "c"]
    assert infer_contract([write(tmp_path, "d.csv", "code\n" + few_once)]).columns["code"].allowed is None


def test_id_names_and_distinct_ints_are_unique_but_distinct_floats_are_not(tmp_path: Path) -> None:
    path = write(tmp_path, "ids.csv", "customerId,order_id,n,f,name\na1,x,1,0.5,p\na2,y,2,0.6,q\n")
    contract = infer_contract([path])
    unique = {name: (c.unique, c.role) for name, c in contract.columns.items()}
    assert unique == {"customerId": (True, Role.ID), "order_id": (True, Role.ID),
                      "n": (True, Role.FEATURE), "f": (False, Role.FEATURE), "name": (False, Role.FEATURE)}


@pytest.mark.parametrize(("low", "high", "integer", "expected"), [
    (2.9, 4.0, False, (2.7, 4.2)),
    (3, 8, True, (2, 9)),
    (1, 1000, True, (0, 1100)),  # never below zero for non-negative data
    (-5, 0, True, (-6, 0)),  # never above zero for non-positive data
    (-5.5, -1.2, False, (-6.0, -0.7)),
    (0, 0, True, (0, 1)),
    (5, 5, True, (4, 6)),
    (0.991, 1.003, False, (0.989, 1.005)),
    (1e-9, 3e-9, False, (8e-10, 3.2e-09)),
    (-1e308, 1.7e308, False, (-1e308, 1.7e308)),
    (1.0, float("inf"), False, (1.0, None)),
])
def test_ranges_widen_to_round_numbers(low: float, high: float, integer: bool,
                                       expected: tuple[Any, Any]) -> None:
    widened = widen(low, high, integer=integer)
    assert widened == pytest.approx(expected) if None not in expected else widened == expected
    assert all(isinstance(b, int) for b in widened) if integer else True


def test_yaml_output_is_one_line_per_column_and_loads_back() -> None:
    contract = Contract.model_validate({"columns": {"a b": {"type": "int", "min": 0, "max": 5},
                                                    "c": {"type": "string", "allowed": ["x: y", "z"]}}})
    text = contracts_yaml({"sample": contract})
    assert "  a b: {type: int, min: 0, max: 5}\n" in text
    assert Contract.model_validate(yaml.safe_load(text)["contracts"]["sample"]) == contract


TEXT = st.text("abcxyz", min_size=1, max_size=5)
VALUES = {
    "int": st.integers(-(10**9), 10**9),
    "float": st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 4)),
    "bool": st.booleans(),
    "string": TEXT,
    "category": st.sampled_from(["red", "white", "rose"]),
    "datetime": st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)),
}


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    rows = draw(st.integers(1, 30))
    names = draw(st.lists(st.from_regex(r"[a-z]{1,6}(_id)?", fullmatch=True), min_size=1, max_size=6,
                          unique=True))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(sorted(VALUES)))
        nullable = draw(st.booleans())
        cell = st.one_of(st.none(), VALUES[kind]) if nullable else VALUES[kind]
        values = draw(st.lists(cell, min_size=rows, max_size=rows))
        arrow = pa.timestamp("us") if kind == "datetime" else None
        columns[name] = pa.array(values, arrow) if any(v is not None for v in values) or arrow else \
            pa.array(values, pa.string())
    return pa.table(columns)


PROPERTY = settings(max_examples=examples(50), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@PROPERTY
@given(tables(), st.sampled_from([".csv", ".parquet", ".jsonl"]))
def test_any_sample_passes_the_contract_inferred_from_it(tmp_path_factory: pytest.TempPathFactory,
                                                         table: pa.Table, suffix: str) -> None:
    path = tmp_path_factory.mktemp("infer") / f"sample{suffix}"
    write_table(table, path)
    contract = infer_contract([path])
    assert violations(read_typed(path, contract), contract) == []


@pytest.mark.skipif(not HAVE_DATA_CHECKS, reason="checker.checks.data.family is not on this branch yet")
@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tables(), st.sampled_from([".csv", ".parquet", ".jsonl"]))
def test_any_sample_passes_the_data_checks_of_its_inferred_contract(
        tmp_path_factory: pytest.TempPathFactory, table: pa.Table, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("infer-round")
    write_table(table, folder / f"sample{suffix}")
    contract = infer_contract([folder / f"sample{suffix}"])
    config = write_config(folder, yaml.safe_dump({
        "version": 1, "contracts": {"sample": contract.to_yaml_dict()},
        "data": [{"contract": "sample", "files": f"sample{suffix}"}]}, sort_keys=False))
    results = [r for r in run_check(config, "data")
               if r.id.startswith("data.") and r.id != "data.compatibility"]
    assert results
    assert [r.to_dict() for r in results if r.status is not Status.PASS] == []


@pytest.mark.skipif(not HAVE_DATA_CHECKS, reason="checker.checks.data.family is not on this branch yet")
def test_data_beyond_the_inferred_contract_fails_the_data_checks(tmp_path: Path) -> None:
    """Failing twin of the round trip under the real data checks."""
    contract = infer_contract([write(tmp_path, "wine.csv", WINE_CSV)])
    write(tmp_path, "later.csv", WINE_CSV.replace("4,4.0,red,7", "4,9.0,rose,7"))
    config = write_config(tmp_path, yaml.safe_dump({
        "version": 1, "contracts": {"wine": contract.to_yaml_dict()},
        "data": [{"contract": "wine", "files": "later.csv"}]}, sort_keys=False))
    failed = {r.id for r in run_check(config, "data") if r.status is Status.FAIL}
    assert {"data.ranges", "data.allowed"} <= failed


def test_a_typed_column_of_nulls_keeps_its_stored_type(tmp_path: Path) -> None:
    nulls = pa.table({"when": pa.array([None, None], pa.timestamp("us")), "x": pa.array([None, None])})
    pq.write_table(nulls, tmp_path / "nulls.parquet")
    contract = infer_contract([tmp_path / "nulls.parquet"])
    assert rules(contract, "when") == {"type": "datetime", "nullable": True}
    assert rules(contract, "x") == {"type": "string", "nullable": True}  # pyarrow's null type: unknown


def test_a_repeat_far_apart_in_a_big_file_is_found(tmp_path: Path) -> None:
    """Uniqueness is exact across batches: the first value repeated on the last line."""
    lines = ["n,user_id"] + [f"{i},u{i}" for i in range(300_000)] + ["0,u0"]
    contract = infer_contract([write(tmp_path, "big.csv", "\n".join(lines) + "\n")])
    assert not contract.columns["n"].unique
    assert not contract.columns["user_id"].unique
    distinct = infer_contract([write(tmp_path, "ok.csv", "\n".join(lines[:-1]) + "\n")])
    assert distinct.columns["n"].unique and distinct.columns["user_id"].unique


def test_a_parquet_file_without_rows_still_gives_its_stored_types(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"n": pa.array([], pa.int64()), "x": pa.array([], pa.float64()),
                             "at": pa.array([], pa.timestamp("us")), "s": pa.array([], pa.string())}), path)
    contract = infer_contract([path])
    assert {name: col.type for name, col in contract.columns.items()} == {
        "n": ColumnType.INT, "x": ColumnType.FLOAT, "at": ColumnType.DATETIME, "s": ColumnType.STRING}


def test_a_semicolon_csv_gets_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id;name\n1;a\n2;b\n", encoding="utf-8")
    assert list(infer_contract([path]).columns) == ["id", "name"]


def test_semicolons_inside_a_comma_csv_stay_in_their_values(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\n1,"a;b"\n2,"c;d"\n', encoding="utf-8")
    contract = infer_contract([path])
    assert list(contract.columns) == ["id", "note"]
    assert contract.columns["id"].type is ColumnType.INT


def test_a_gzipped_csv_is_inferred(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"id,name\n1,a\n2,b\n"))
    assert infer_contract([path]).columns["id"].type is ColumnType.INT
