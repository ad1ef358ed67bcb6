"""Classifying contract changes: breaking, compatible, cosmetic."""

from __future__ import annotations

from typing import Any

import pytest

from checker.contracts.diff import Kind, diff_contracts
from checker.contracts.model import Contract


def contract(columns: dict[str, dict[str, Any]], **table: Any) -> Contract:
    return Contract.model_validate({"columns": columns, **table})


BASE = {"alcohol": {"type": "float", "min": 8, "max": 15},
        "color": {"type": "string", "allowed": ["red", "white"]},
        "code": {"type": "string"},
        "wine_id": {"type": "int", "unique": True, "role": "id"}}


def changes(head_columns: dict[str, dict[str, Any]] | None = None, base_table: dict[str, Any] | None = None,
            **head_table: Any) -> list[tuple[str, str, str]]:
    base = contract(BASE, **(base_table or {}))
    head = contract(head_columns or BASE, **head_table)
    return [(c.column, c.change, c.kind.value) for c in diff_contracts(base, head)]


def with_column(name: str, **rules: Any) -> dict[str, dict[str, Any]]:
    return {**BASE, name: {**BASE.get(name, {}), **rules}}


@pytest.mark.parametrize(("rules", "expected"), [
    ({"type": "int"}, ("alcohol", "type narrowed", "breaking")),
    ({"min": 9}, ("alcohol", "min raised", "breaking")),
    ({"max": 14}, ("alcohol", "max lowered", "breaking")),
    ({"min": 7}, ("alcohol", "min lowered", "compatible")),
    ({"min": None}, ("alcohol", "min removed", "compatible")),
    ({"nullable": True}, ("alcohol", "now nullable", "compatible")),
    ({"role": "ignore"}, ("alcohol", "role changed", "compatible")),
    ({"description": "ABV"}, ("alcohol", "description changed", "cosmetic")),
])
def test_alcohol_rule_changes(rules: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert changes(with_column("alcohol", **rules)) == [expected]


@pytest.mark.parametrize(("name", "rules", "expected"), [
    ("color", {"allowed": ["red"]}, ("color", "allowed shrunk (−white)", "breaking")),
    ("color", {"allowed": ["red", "white", "rosé"]}, ("color", "allowed extended (+rosé)", "compatible")),
    ("color", {"allowed": ["white", "red"]}, ("color", "allowed reordered", "cosmetic")),
    ("color", {"allowed": None}, ("color", "allowed list removed", "compatible")),
    ("color", {"type": "category"}, ("color", "type narrowed", "breaking")),
    ("code", {"type": "int"}, ("code", "type changed", "breaking")),
    ("code", {"allowed": ["a"]}, ("code", "allowed list added", "breaking")),
    ("code", {"pattern": "^[A-Z]+$"}, ("code", "pattern added", "breaking")),
    ("wine_id", {"unique": False}, ("wine_id", "unique removed", "compatible")),
    ("wine_id", {"type": "float"}, ("wine_id", "type widened", "compatible")),
    ("wine_id", {"nullable": False, "unique": True}, None),
])
def test_other_rule_changes(name: str, rules: dict[str, Any], expected: tuple[str, str, str] | None) -> None:
    assert changes(with_column(name, **rules)) == ([expected] if expected else [])


def test_pattern_changed_and_removed() -> None:
    base = contract({"code": {"type": "string", "pattern": "^[a-z]+$"}})
    changed = contract({"code": {"type": "string", "pattern": "^[a-z0-9]+$"}})
    removed = contract({"code": {"type": "string"}})
    assert [c.change for c in diff_contracts(base, changed)] == ["pattern changed"]
    assert [c.kind for c in diff_contracts(base, removed)] == [Kind.COMPATIBLE]


def test_datetime_bounds_compare_as_times() -> None:
    base = contract({"when": {"type": "datetime", "min": "2020-01-01"}})
    head = contract({"when": {"type": "datetime", "min": "2021-06-01T00:00:00"}})
    [change] = diff_contracts(base, head)
    assert (change.change, change.kind) == ("min raised", Kind.BREAKING)
    assert change.to_dict()["head"] == "2021-06-01T00:00:00"


def test_bound_of_a_changed_type_is_a_breaking_change() -> None:
    base = contract({"t": {"type": "datetime", "min": "2020-01-01"}})
    head = contract({"t": {"type": "int", "min": 0}})
    assert {c.change for c in diff_contracts(base, head)} == {"type changed", "min changed"}


def test_table_rules() -> None:
    raised = changes(rows={"min": 50}, base_table={"rows": {"min": 10}})
    assert raised == [("", "rows.min raised", "breaking")]
    assert changes(rows={"max": 10}) == [("", "rows.max added", "breaking")]
    assert changes(base_table={"rows": {"max": 10}}) == [("", "rows.max removed", "compatible")]
    assert changes(extra_columns="allow") == [("", "extra_columns looser", "compatible")]
    assert changes(base_table={"extra_columns": "warn"}) == [("", "extra_columns stricter", "breaking")]
    assert changes(unique_rows=True) == [("", "unique_rows added", "breaking")]
    assert changes(description="wines") == [("", "description changed", "cosmetic")]


def test_added_columns_optional_or_required() -> None:
    assert changes(with_column("region", type="string", nullable=True)) == [
        ("region", "optional column added", "compatible")]
    assert changes(with_column("region", type="string")) == [("region", "required column added", "breaking")]


def test_reordered_columns_are_cosmetic() -> None:
    assert changes(dict(reversed(BASE.items()))) == [("", "columns reordered", "cosmetic")]


def test_renames_are_paired_by_name_and_definition() -> None:
    head = {("Alcohol" if k == "alcohol" else "colour" if k == "color" else k): v for k, v in BASE.items()}
    found = diff_contracts(contract(BASE), contract(head))
    assert [(c.base, c.head, c.change) for c in found] == [
        ("alcohol", "Alcohol", "column renamed"), ("color", "colour", "column renamed")]


def test_unrelated_names_are_removed_and_added() -> None:
    head = {k: v for k, v in BASE.items() if k != "code"} | {"vintage": {"type": "string"}}
    assert changes(head) == [("code", "column removed", "breaking"),
                             ("vintage", "required column added", "breaking")]


def test_breaking_changes_come_first_in_the_table() -> None:
    head = with_column("alcohol", max=20) | {"region": {"type": "string", "nullable": True}}
    head.pop("code")
    found = diff_contracts(contract(BASE), contract(head))
    assert [c.kind for c in found] == [Kind.BREAKING, Kind.COMPATIBLE, Kind.COMPATIBLE]
    from checker.render.evidence import build

    table = build({"changes": [c.to_dict() for c in found]}, 4000).tables[0]  # the report's table
    assert table.header == ("column", "change", "base", "head", "kind")
    assert table.rows[0] == ("code", "column removed", "string", "–", "breaking")
    assert found[2].describe() == "alcohol: max raised (15 → 20)"
