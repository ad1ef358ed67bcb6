"""Each scalar type reads YAML values as pydantic's lax mode does: a passing and a failing
case for every coercion, with pydantic's error type."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Literal

import pytest

from checker.shape import ValidationError
from checker.shape.types import compile_type


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


def _ok(annotation: Any, value: Any) -> Any:
    return compile_type(annotation)(value)


def _error(annotation: Any, value: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        compile_type(annotation)(value)
    (found,) = caught.value.errors()
    assert found["loc"] == () and found["input"] is value
    return str(found["type"])


# (type, input, what it becomes): each coercion that passes
ACCEPTED = [
    (int, 5, 5), (int, 5.0, 5), (int, True, 1), (int, "5", 5), (int, " 5 ", 5), (int, "5.0", 5),
    (int, "5_0", 50),
    (int, "-0", 0), (int, "+5", 5), (int, b"5", 5), (int, 2**70, 2**70), (int, 2.0**63 - 1024, 2**63 - 1024),
    (float, 5, 5.0), (float, 5.5, 5.5), (float, True, 1.0), (float, "1e3", 1000.0), (float, " 2.5 ", 2.5),
    (float, b"5", 5.0), (float, "-0", -0.0),
    (bool, True, True), (bool, 0, False), (bool, 1, True), (bool, 1.0, True), (bool, "yes", True),
    (bool, "on", True), (bool, "Off", False), (bool, "TRUE", True), (bool, "t", True), (bool, "n", False),
    (bool, b"yes", True),
    (str, "a", "a"), (str, "", ""), (str, b"hi", "hi"), (str, Colour.RED, "red"),
]
# (type, input, pydantic's error type): each that fails
REFUSED = [
    (int, 5.5, "int_from_float"), (int, "5.5", "int_parsing"), (int, "1e3", "int_parsing"),
    (int, "0x10", "int_parsing"),
    (int, "", "int_parsing"), (int, "yes", "int_parsing"), (int, float("inf"), "finite_number"),
    (int, None, "int_type"),
    (int, [1], "int_type"), (int, dt.date(2020, 1, 1), "int_type"), (int, Colour.RED, "int_parsing"),
    (int, 2.0**63, "int_parsing_size"), (int, 1e308, "int_parsing_size"), (int, b"\xff", "int_parsing"),
    (float, float("inf"), "finite_number"), (float, float("nan"), "finite_number"),
    (float, "inf", "finite_number"),
    (float, "nan", "finite_number"), (float, "0x10", "float_parsing"), (float, "", "float_parsing"),
    (float, None, "float_type"), (float, {"a": 1}, "float_type"), (float, b"\xff", "float_parsing"),
    (bool, 2, "bool_parsing"), (bool, 5.0, "bool_parsing"), (bool, 5.5, "bool_type"),
    (bool, " true ", "bool_parsing"),
    (bool, "", "bool_parsing"), (bool, None, "bool_type"), (bool, 2**70, "bool_type"),
    (bool, 2.0**63, "bool_type"),
    (bool, float("inf"), "bool_type"), (bool, [], "bool_type"), (bool, b"\xff", "bool_parsing"),
    (str, 5, "string_type"), (str, 1.5, "string_type"), (str, True, "string_type"),
    (str, None, "string_type"),
    (str, [], "string_type"), (str, b"\xff", "string_unicode"),
    (Literal[1], 2**63, "int_parsing_size"),
]


@pytest.mark.parametrize(("annotation", "value", "expected"), ACCEPTED)
def test_a_scalar_is_read_as_pydantics_lax_mode_reads_it(annotation: Any, value: Any, expected: Any) -> None:
    found = _ok(annotation, value)
    assert found == expected and type(found) is type(expected)


@pytest.mark.parametrize(("annotation", "value", "kind"), REFUSED)
def test_a_scalar_is_refused_with_pydantics_error_type(annotation: Any, value: Any, kind: str) -> None:
    assert _error(annotation, value) == kind


def test_literal_takes_its_values_and_names_them_when_refusing() -> None:
    assert _ok(Literal["a", "b"], "b") == "b"
    assert _ok(Literal[1], True) == 1 and _ok(Literal[1], 1.0) == 1
    assert _error(Literal["a", "b"], "c") == "literal_error"
    assert _error(Literal[1], "1") == "literal_error"
    with pytest.raises(ValidationError, match=r"Input should be 'a', 'b' or 'c'"):
        _ok(Literal["a", "b", "c"], "x")


def test_enum_takes_a_value_or_a_member() -> None:
    assert _ok(Colour, "red") is Colour.RED and _ok(Colour, Colour.BLUE) is Colour.BLUE
    assert _error(Colour, "green") == "enum"
    assert _error(Colour, ["red"]) == "enum"


def test_none_and_optional() -> None:
    assert _ok(int | None, None) is None and _ok(int | None, "3") == 3
    assert _error(int | None, "x") == "int_parsing"


def test_lists_come_from_lists_tuples_and_sets_and_mappings_from_mappings() -> None:
    assert _ok(list[int], (1, "2")) == [1, 2] and _ok(list[int], {3}) == [3]
    assert _error(list[int], "12") == "list_type" and _error(list[int], {"a": 1}) == "list_type"
    assert _ok(dict[str, int], {"a": "1"}) == {"a": 1}
    assert _error(dict[str, int], [("a", 1)]) == "dict_type"


def test_items_and_keys_are_located() -> None:
    with pytest.raises(ValidationError) as caught:
        _ok(dict[str, list[int]], {"a": [1, "x"], 5: [2], None: "y"})
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("a", 1), "int_parsing"),
        ((5, "[key]"), "string_type"),
        (("None", "[key]"), "string_type"),
        (("None",), "list_type"),
    ]


def test_an_unknown_annotation_is_a_bug_not_a_pass() -> None:
    with pytest.raises(TypeError, match="cannot validate"):
        compile_type(complex)
