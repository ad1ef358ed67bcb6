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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (5.0, 5),
        (True, 1),
        ("5", 5),
        (" 5 ", 5),
        ("5.0", 5),
        ("5_0", 50),
        ("-0", 0),
        ("+5", 5),
        (b"5", 5),
        (2**70, 2**70),
    ],
)
def test_int_accepts_whole_numbers_and_their_text(value: Any, expected: int) -> None:
    found = _ok(int, value)
    assert found == expected and type(found) is int


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (5.5, "int_from_float"),
        ("5.5", "int_parsing"),
        ("1e3", "int_parsing"),
        ("0x10", "int_parsing"),
        ("", "int_parsing"),
        ("yes", "int_parsing"),
        (float("inf"), "finite_number"),
        (None, "int_type"),
        ([1], "int_type"),
        (dt.date(2020, 1, 1), "int_type"),
        (Colour.RED, "int_parsing"),
    ],
)
def test_int_refuses_fractions_and_other_text(value: Any, kind: str) -> None:
    assert _error(int, value) == kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5.0), (5.5, 5.5), (True, 1.0), ("1e3", 1000.0), (" 2.5 ", 2.5), (b"5", 5.0), ("-0", -0.0)],
)
def test_float_accepts_numbers_and_numeric_text(value: Any, expected: float) -> None:
    found = _ok(float, value)
    assert found == expected and type(found) is float


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (float("inf"), "finite_number"),
        (float("nan"), "finite_number"),
        ("inf", "finite_number"),
        ("nan", "finite_number"),
        ("0x10", "float_parsing"),
        ("", "float_parsing"),
        (None, "float_type"),
        ({"a": 1}, "float_type"),
    ],
)
def test_float_refuses_infinity_nan_and_words(value: Any, kind: str) -> None:
    assert _error(float, value) == kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        (1, True),
        (1.0, True),
        ("yes", True),
        ("on", True),
        ("Off", False),
        ("TRUE", True),
        ("t", True),
        ("n", False),
        (b"yes", True),
    ],
)
def test_bool_accepts_yaml_words_and_zero_or_one(value: Any, expected: bool) -> None:
    assert _ok(bool, value) is expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (2, "bool_parsing"),
        (5.0, "bool_parsing"),
        (5.5, "bool_type"),
        (" true ", "bool_parsing"),
        ("", "bool_parsing"),
        (None, "bool_type"),
        (2**70, "bool_type"),
        (float("inf"), "bool_type"),
        ([], "bool_type"),
    ],
)
def test_bool_refuses_other_numbers_and_words(value: Any, kind: str) -> None:
    assert _error(bool, value) == kind


@pytest.mark.parametrize(("value", "expected"), [("a", "a"), ("", ""), (b"hi", "hi"), (Colour.RED, "red")])
def test_str_accepts_text(value: Any, expected: str) -> None:
    found = _ok(str, value)
    assert found == expected and type(found) is str


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (5, "string_type"),
        (1.5, "string_type"),
        (True, "string_type"),
        (None, "string_type"),
        ([], "string_type"),
        (b"\xff", "string_unicode"),
    ],
)
def test_str_refuses_numbers(value: Any, kind: str) -> None:
    assert _error(str, value) == kind


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


@pytest.mark.parametrize(
    ("annotation", "value", "kind"),
    [
        (int, 2.0**63, "int_parsing_size"),
        (int, 1e308, "int_parsing_size"),
        (Literal[1], 2**63, "int_parsing_size"),
        (bool, 2.0**63, "bool_type"),
        (int, b"\xff", "int_parsing"),
        (float, b"\xff", "float_parsing"),
        (bool, b"\xff", "bool_parsing"),
    ],
)
def test_numbers_beyond_64_bits_and_bytes_that_are_not_utf8_fail_as_pydantic_does(
    annotation: Any, value: Any, kind: str
) -> None:
    assert _error(annotation, value) == kind


def test_whole_floats_within_64_bits_are_ints() -> None:
    assert _ok(int, 2.0**63 - 1024) == 2**63 - 1024
