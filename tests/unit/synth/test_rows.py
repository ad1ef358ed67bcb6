"""Synthetic data from contracts: every type and rule, patterns, determinism, files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from checker.config.schema import Pattern
from checker.contracts.model import Contract
from checker.synth.rows import SynthError, complete_rows, synthesize, write_table
from tests.contract_verifier import read_typed, violations
from tests.samples import WINE as SPEC_WINE

# The SPEC's wine contract, with a pattern, a bool and a category column before the target.
WINE = {name: rules for name, rules in SPEC_WINE["columns"].items() if name != "quality"} | {
    "code": {"type": "string", "pattern": r"[A-Z]{2}-\d{3}"},
    "organic": {"type": "bool", "nullable": True},
    "grade": {"type": "category", "allowed": ["a", "b", "c"]},
    "quality": SPEC_WINE["columns"]["quality"],
}


def contract(columns: dict[str, Any], **table: Any) -> Contract:
    return Contract.model_validate({"columns": columns, **table})


def patterns(*specs: dict[str, Any]) -> list[Pattern]:
    return [Pattern.model_validate(spec) for spec in specs]


def values(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist()


def test_every_type_and_rule_is_satisfied() -> None:
    wine = contract(WINE)
    table = synthesize(wine, 500, seed=3)
    assert table.num_rows == 500
    assert violations(table, wine) == []
    assert table.schema.types == [pa.float64(), pa.float64(), pa.float64(), pa.string(), pa.int64(),
                                  pa.timestamp("us"), pa.string(), pa.bool_(), pa.string(), pa.int64()]


def test_the_verifier_catches_a_broken_table() -> None:
    """Failing twin of the test above: the oracle is not blind."""
    wine = contract(WINE)
    table = synthesize(wine, 50, seed=3)
    broken = table.set_column(1, "pH", pa.array([15.0, *values(table, "pH")[1:]]))
    broken = broken.set_column(4, "wine_id", pa.array([7, 7, *values(table, "wine_id")[2:]]))
    broken = broken.set_column(3, "color", pa.array([None, "rose", *values(table, "color")[2:]]))
    found = violations(broken, wine)
    assert any(p.startswith("pH: max") for p in found)
    assert any(p.startswith("wine_id: unique") for p in found)
    assert any(p.startswith("color: nulls") for p in found)
    assert any(p.startswith("color: allowed: 'rose'") for p in found)


@pytest.mark.parametrize(("rules", "expected"), [
    ({"type": "int", "min": 4, "max": 4}, {4}),
    ({"type": "float", "min": 2.5, "max": 2.5}, {2.5}),
    ({"type": "int", "min": 0.5, "max": 3.5}, {1, 2, 3}),
    ({"type": "int", "min": -2, "max": 0}, {-2, -1, 0}),
    ({"type": "datetime", "min": "2024-05-01", "max": "2024-05-01"}, {dt.datetime(2024, 5, 1)}),
    ({"type": "bool", "allowed": [True]}, {True}),
])
def test_bounds_are_inclusive(rules: dict[str, Any], expected: set[Any]) -> None:
    table = synthesize(contract({"x": rules}), 300, seed=1)
    assert set(values(table, "x")) == expected


@pytest.mark.parametrize(("rules", "check"), [
    ({"type": "int", "min": 1000}, lambda v: min(v) >= 1000),
    ({"type": "int", "max": -1000}, lambda v: max(v) <= -1000),
    ({"type": "float", "min": 1e6}, lambda v: min(v) >= 1e6),
    ({"type": "float", "max": -1e-3}, lambda v: max(v) <= -1e-3),
    ({"type": "datetime", "min": "2030-01-01"}, lambda v: min(v) >= dt.datetime(2030, 1, 1)),
    ({"type": "datetime", "max": "1999-12-31T23:59:59"},
     lambda v: max(v) <= dt.datetime(1999, 12, 31, 23, 59, 59)),
    ({"type": "float", "min": -1.7e308, "max": 1.7e308}, lambda v: all(abs(x) <= 1.7e308 for x in v)),
    ({"type": "int", "min": -(2**63), "max": 2**63 - 1}, lambda v: len(set(v)) > 1),
    ({"type": "datetime", "min": "2024-01-01T00:00:00+02:00", "max": "2024-01-01T00:00:00+02:00"},
     lambda v: set(v) == {dt.datetime(2023, 12, 31, 22)}),
])
def test_one_sided_and_extreme_bounds(rules: dict[str, Any], check: Any) -> None:
    column = contract({"x": rules})
    table = synthesize(column, 200, seed=2)
    assert check(values(table, "x"))
    assert violations(table, column) == []


def test_nulls_only_where_nullable() -> None:
    columns = {f"{kind}_{nullable}": {"type": kind, "nullable": nullable}
               for kind in ("int", "float", "bool", "string", "datetime") for nullable in (True, False)}
    table = synthesize(contract(columns), 400, seed=5)
    for name in columns:
        nulls = table.column(name).null_count
        assert (nulls > 0) == name.endswith("True"), name
        assert nulls < 100, name  # about one in ten


@pytest.mark.parametrize(("rules", "expected"), [
    ({"type": "int", "allowed": [3, 5, 8]}, {3, 5, 8}),
    ({"type": "float", "allowed": [0.5, 1]}, {0.5, 1.0}),
    ({"type": "string", "allowed": ["red", "white"]}, {"red", "white"}),
    ({"type": "string", "allowed": [1, 2]}, {"1", "2"}),
    ({"type": "bool", "allowed": [True, False]}, {True, False}),
    ({"type": "datetime", "allowed": ["2024-01-01", "2024-02-01"]},
     {dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1)}),
    ({"type": "int", "allowed": [1, 5, 9], "min": 2, "max": 9}, {5, 9}),
    ({"type": "string", "allowed": ["ab", "x1", "cd"], "pattern": "[a-z]+"}, {"ab", "cd"}),
])
def test_allowed_values_of_any_type(rules: dict[str, Any], expected: set[Any]) -> None:
    table = synthesize(contract({"x": rules}), 200, seed=4)
    assert set(values(table, "x")) == expected


@pytest.mark.parametrize(("rules", "message"), [
    # `allowed` values of another type are refused when the contract loads (tests/unit/config/test_hostile.py)
    ({"type": "int", "allowed": [1, 2], "min": 5}, "no allowed value satisfies"),
    ({"type": "int", "allowed": [1, 2], "unique": True}, "only 2 allowed values"),
    ({"type": "int", "min": 1, "max": 5, "unique": True}, "[1, 5] holds 5"),
    ({"type": "int", "min": 0.2, "max": 0.8}, "no 64-bit integer"),
    ({"type": "bool", "unique": True}, "at most 2 rows"),
    ({"type": "float", "min": 1, "max": 1, "unique": True}, "min == max"),
    ({"type": "string", "pattern": "[ab]", "unique": True}, "only 2 distinct"),
    ({"type": "string", "pattern": r"a\bb"}, "cannot generate strings matching"),
    ({"type": "string", "pattern": "(NA|null)"}, "read as null in CSV"),
])
def test_contracts_that_cannot_be_met_say_why(rules: dict[str, Any], message: str) -> None:
    with pytest.raises(SynthError, match="column 'x'") as caught:
        synthesize(contract({"x": rules}), 10, seed=0)
    assert message in str(caught.value)


@pytest.mark.parametrize("rules", [
    {"type": "int"},
    {"type": "int", "min": 0, "max": 99},  # exactly as many values as rows: a permutation
    {"type": "int", "min": -(2**63), "max": 2**63 - 1},
    {"type": "int", "min": 10**12},
    {"type": "float", "min": 0, "max": 1e-300},
    {"type": "float"},
    {"type": "datetime", "min": "2024-01-01", "max": "2024-01-01T00:00:00.000099"},
    {"type": "datetime"},
    {"type": "string"},
    {"type": "string", "pattern": r"[a-j]{2}"},  # exactly 100 values
    {"type": "category", "allowed": list(range(100))},
    {"type": "bool", "allowed": [True, False], "unique": True, "rows": 2},
])
def test_unique_for_every_type(rules: dict[str, Any]) -> None:
    rules = dict(rules)
    rows = rules.pop("rows", 100)
    table = synthesize(contract({"x": {**rules, "unique": True, "nullable": True}}), rows, seed=9)
    column = values(table, "x")
    assert None not in column
    assert len(set(column)) == rows


def test_unique_over_a_million_rows_in_a_huge_range() -> None:
    table = synthesize(contract({"id": {"type": "int", "unique": True, "min": 1, "max": 2**62}}), 1_000_000)
    assert pc.count_distinct(table.column("id")).as_py() == 1_000_000


def test_patterns_strings_always_match() -> None:
    pats = [r"[A-Z]{3}-\d{4}", r"(foo|bar)+_[a-z]*", r"^\w+@\w+\.(com|org)$", r"\bab\b",
            r"(?i)ab[^a-z]x", r"é[α-ω]{1,3}", r"[^\W\d]+", r"\S\D\W\s", r"x?y*z{0,2}", r"(?i)x(y|z)"]
    columns = {f"p{i}": {"type": "string", "pattern": p} for i, p in enumerate(pats)}
    table = synthesize(contract(columns), 300, seed=11)
    assert violations(table, contract(columns)) == []


OPS = [
    ({"gt": 10}, lambda a: a > 10), ({"ge": 10}, lambda a: a >= 10), ({"lt": 10}, lambda a: a < 10),
    ({"le": 10}, lambda a: a <= 10), ({"eq": 10}, lambda a: a == 10), ({"ne": 10}, lambda a: a != 10),
    ({"in": [3, 10, 12]}, lambda a: a in (3, 10, 12)), ({"gt": 5, "lt": 15}, lambda a: 5 < a < 15),
    ({"le": 9.5}, lambda a: a <= 9.5), ({"eq": 9.5}, lambda _a: False),  # an int column, a float operand
]


@pytest.mark.parametrize(("condition", "holds"), OPS)
def test_pattern_operators(condition: dict[str, Any], holds: Any) -> None:
    wine = contract({"a": {"type": "int", "min": 0, "max": 20, "nullable": True},
                     "y": {"type": "int", "min": 0, "max": 9}})
    table = synthesize(wine, 400, seed=1, patterns=patterns({"when": {"a": condition}, "set": {"y": 9}}))
    plain = synthesize(wine, 400, seed=1)
    for a, y, y0 in zip(values(table, "a"), values(table, "y"), values(plain, "y"), strict=True):
        assert y == (9 if a is not None and holds(a) else y0)


def test_later_patterns_win_and_conditions_combine() -> None:
    wine = contract(WINE)
    planted = patterns(
        {"when": {"alcohol": {"gt": 12}}, "set": {"quality": 8}},
        {"when": {"alcohol": {"le": 12}}, "set": {"quality": 4}},
        {"when": {"alcohol": {"gt": 18}, "color": {"eq": "red"}}, "set": {"quality": 10, "grade": "a"}},
        {"when": {"harvested": {"eq": None}}, "set": {"organic": None}},
    )
    table = synthesize(wine, 2000, seed=7, patterns=planted)
    rows = table.to_pylist()
    for row in rows:
        if row["alcohol"] > 18 and row["color"] == "red":
            assert (row["quality"], row["grade"]) == (10, "a")
        else:
            assert row["quality"] == (8 if row["alcohol"] > 12 else 4)
        if row["harvested"] is None:
            assert row["organic"] is None
    assert any(row["quality"] == 10 for row in rows)
    assert violations(table, wine) == []


def test_patterns_with_strings_datetimes_and_bools() -> None:
    table_contract = contract({"when": {"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
                               "flag": {"type": "bool"}, "tag": {"type": "string", "allowed": ["x", "y"]},
                               "out": {"type": "float", "min": 0, "max": 1}})
    planted = patterns({"when": {"when": {"ge": "2024-07-01"}, "flag": {"eq": True}, "tag": {"in": ["x"]}},
                        "set": {"out": 1}})
    table = synthesize(table_contract, 500, seed=2, patterns=planted)
    for row in table.to_pylist():
        matched = row["when"] >= dt.datetime(2024, 7, 1) and row["flag"] and row["tag"] == "x"
        assert (row["out"] == 1.0) or not matched


@pytest.mark.parametrize(("spec", "message"), [
    ({"when": {"alcohol": {"gt": 12}}, "set": {"quality": 11}}, "pattern 1 sets quality to 11"),
    ({"when": {"alcohol": {"gt": 12}}, "set": {"quality": None}}, "not nullable"),
    ({"when": {"alcohol": {"gt": 12}}, "set": {"color": "rose"}}, "not in allowed"),
    ({"when": {"alcohol": {"gt": 12}}, "set": {"code": "abc"}}, "does not match pattern"),
    ({"when": {"alcohol": {"gt": 12}}, "set": {"quality": "high"}}, "'high' is not an int"),
    ({"when": {"alcohol": {"gt": 12}}, "set": {"wine_id": 5}}, "unique column wine_id"),
    ({"when": {"alcohol": {"gt": "high"}}, "set": {"quality": 5}}, "'high' is not a float"),
    ({"when": {"alcohol": {"in": 5}}, "set": {"quality": 5}}, "expected a list"),
    ({"when": {"alcohol": {"gt": None}}, "set": {"quality": 5}}, "null can only be compared"),
    ({"when": {"sugar": {"gt": 1}}, "set": {"quality": 5}}, "'sugar', not a column"),
])
def test_patterns_that_break_the_contract_say_why(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(SynthError) as caught:
        synthesize(contract(WINE), 100, seed=0, patterns=patterns(spec))
    assert message in str(caught.value)


def test_same_seed_same_table_other_seed_other_table() -> None:
    wine = contract(WINE)
    planted = patterns({"when": {"alcohol": {"gt": 12}}, "set": {"quality": 8}})
    first = synthesize(wine, 300, seed=42, patterns=planted)
    assert first.equals(synthesize(wine, 300, seed=42, patterns=planted))
    other = synthesize(wine, 300, seed=43, patterns=planted)
    assert all(not first.column(name).equals(other.column(name)) for name in ("pH", "code", "wine_id"))
    assert not synthesize(wine, 300, seed=-42).equals(first)


def test_a_column_keeps_its_values_when_others_are_added_or_selected() -> None:
    small = synthesize(contract({"a": {"type": "float"}, "b": {"type": "string"}}), 50, seed=1)
    large = synthesize(contract({"z": {"type": "int"}, "a": {"type": "float"}, "b": {"type": "string"}}),
                       50, seed=1)
    assert small.column("a").equals(large.column("a"))
    assert small.column("b").equals(large.column("b"))


def test_columns_selects_while_patterns_still_read_the_others() -> None:
    wine = contract(WINE)
    planted = patterns({"when": {"alcohol": {"gt": 12}}, "set": {"quality": 8}})
    full = synthesize(wine, 100, seed=3, patterns=planted)
    some = synthesize(wine, 100, seed=3, patterns=planted, columns=["quality", "pH"])
    assert some.column_names == ["quality", "pH"]
    assert some.column("quality").equals(full.column("quality"))
    with pytest.raises(SynthError, match="'sugar' not a column"):
        synthesize(wine, 10, columns=["sugar"])


def test_zero_rows_gives_an_empty_typed_table() -> None:
    table = synthesize(contract(WINE), 0, patterns=patterns({"when": {}, "set": {"quality": 1}}))
    assert table.num_rows == 0
    assert table.schema.field("harvested").type == pa.timestamp("us")
    with pytest.raises(SynthError):
        synthesize(contract(WINE), -1)


def test_complete_rows_keeps_given_values_and_fills_the_rest() -> None:
    wine = contract(WINE)
    partial = [{"alcohol": 14.0}, {"alcohol": 10, "color": "red"}, {"harvested": "2024-03-01"}]
    table = complete_rows(wine, partial, seed=5)
    rows = table.to_pylist()
    assert [r["alcohol"] for r in rows[:2]] == [14.0, 10.0]
    assert rows[1]["color"] == "red"
    assert rows[2]["harvested"] == dt.datetime(2024, 3, 1)
    assert all(v is not None for r in rows for v in r.values())  # the fill is never null
    assert table.equals(complete_rows(wine, partial, seed=5))
    assert complete_rows(wine, partial, seed=5, columns=["alcohol", "pH"]).column_names == ["alcohol", "pH"]


@pytest.mark.parametrize(("partial", "message"), [
    ([{"sugar": 1}], "'sugar', not a column"),
    ([{"alcohol": "strong"}], "'strong' is not a float"),
])
def test_complete_rows_rejects_unknown_columns_and_wrong_types(partial: list[dict[str, Any]],
                                                                message: str) -> None:
    with pytest.raises(SynthError, match=message):
        complete_rows(contract(WINE), partial)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_written_files_read_back_satisfy_the_contract(tmp_path: Path, suffix: str) -> None:
    wine = contract(WINE)
    path = tmp_path / "out" / f"wine{suffix}"
    write_table(synthesize(wine, 300, seed=8), path)
    back = read_typed(path, wine)
    assert back.num_rows == 300
    assert violations(back, wine) == []


def test_write_table_to_a_stream_is_csv() -> None:
    stream = io.BytesIO()
    write_table(synthesize(contract({"a": {"type": "int", "min": 1, "max": 1}}), 2), stream)
    assert stream.getvalue().decode().splitlines() == ['"a"', "1", "1"]
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(synthesize(contract({"a": {"type": "int"}}), 2), io.BytesIO(), format="xlsx")


@pytest.mark.parametrize("kind", ["int", "string", "datetime", "bool"])
def test_a_one_column_csv_keeps_its_null_rows(tmp_path: Path, kind: str) -> None:
    """A null alone on a CSV line would be an empty line, which readers skip."""
    only = contract({"x": {"type": kind, "nullable": True}})
    table = synthesize(only, 200, seed=1)
    assert table.column("x").null_count > 0
    write_table(table, tmp_path / "one.csv")
    back = read_typed(tmp_path / "one.csv", only)
    assert back.num_rows == 200
    assert back.column("x").null_count == table.column("x").null_count
