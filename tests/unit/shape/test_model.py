"""The model base: validation on construction, every problem located, validators in order,
frozen records that copy and dump as pydantic's did."""

from __future__ import annotations

import pickle
from typing import Annotated, Any, Literal

import pytest

from checker.shape import (
    AfterValidator,
    BeforeValidator,
    Deferred,
    Discriminator,
    Field,
    Model,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)


class Inner(Model):
    size: int = Field(default=1, ge=0, le=10)
    label: str | None = Field(default=None, min_length=1, max_length=3)


class Outer(Model):
    name: str
    inner: Inner = Field(default_factory=Inner)
    items: list[Inner] = Field(default_factory=list)
    schema_: str | None = Field(default=None, alias="schema")
    hidden: str | None = Field(default=None, exclude=True)


def _errors(model: type[Model], data: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


def test_a_valid_input_becomes_a_record_with_its_defaults() -> None:
    outer = Outer.model_validate({"name": "n", "items": [{"size": "2"}], "schema": "s"})
    assert outer.inner == Inner() and outer.items == [Inner(size=2)] and outer.schema_ == "s"
    assert outer.model_fields_set == {"name", "items", "schema_"}


def test_an_unknown_key_and_a_missing_one_are_both_reported_fields_first() -> None:
    assert _errors(Outer, {"zebra": 1, "inner": {}}) == [
        (("name",), "missing"),
        (("zebra",), "extra_forbidden"),
    ]


def test_the_field_name_of_an_aliased_field_is_unknown() -> None:
    assert _errors(Outer, {"name": "n", "schema_": "s"}) == [(("schema_",), "extra_forbidden")]


def test_nested_problems_are_located_down_to_the_list_item() -> None:
    found = _errors(Outer, {"name": 3, "inner": {"size": 11}, "items": [{}, {"size": -1, "label": ""}, 4]})
    assert found == [
        (("name",), "string_type"),
        (("inner", "size"), "less_than_equal"),
        (("items", 1, "size"), "greater_than_equal"),
        (("items", 1, "label"), "string_too_short"),
        (("items", 2), "model_type"),
    ]


def test_limits_pass_inside_them_and_optional_fields_take_none() -> None:
    assert Inner(size=10, label="abc").label == "abc"
    assert Inner(label=None).label is None
    assert _errors(Inner, {"label": "abcd"}) == [(("label",), "string_too_long")]


def test_a_non_mapping_is_a_model_type_error_and_a_model_instance_passes() -> None:
    assert _errors(Outer, ["name"]) == [((), "model_type")]
    inner = Inner(size=3)
    assert Outer(name="n", inner=inner).inner is inner


class _File(Model):
    file: str


class _Inline(Model):
    columns: dict[str, int]


def _kind(value: Any) -> str:
    return "file" if isinstance(value, dict) and "file" in value else "inline"


Entry = Annotated[Annotated[_Inline, Tag("inline")] | Annotated[_File, Tag("file")], Discriminator(_kind)]


class _Entries(Model):
    entries: dict[str, Entry]


def test_a_discriminated_union_picks_by_the_function_and_locates_under_the_tag() -> None:
    entries = _Entries.model_validate({"entries": {"a": {"file": "x.yml"}, "b": {"columns": {"c": 1}}}})
    assert entries.entries == {"a": _File(file="x.yml"), "b": _Inline(columns={"c": 1})}
    assert _errors(_Entries, {"entries": {"a": {"file": 3}, "b": {}}}) == [
        (("entries", "a", "file", "file"), "string_type"),
        (("entries", "b", "inline", "columns"), "missing"),
    ]


class _Ordered(Model):
    kind: Literal["int", "text"]
    low: Annotated[int, BeforeValidator(lambda v: 0 if v == "zero" else v)] = 0
    high: Annotated[int, AfterValidator(lambda v: v * 10)] = 0
    seen: list[str] = Field(default_factory=list)

    @field_validator("low", "high")
    @classmethod
    def _not_for_text(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("kind") == "text":
            raise ValueError(f"{info.field_name} applies to int")
        return value

    @field_validator("seen", mode="before")
    @classmethod
    def _earlier_fields(cls, _value: Any, info: ValidationInfo) -> Any:
        return sorted(info.data)

    @model_validator(mode="after")
    def _low_below_high(self) -> _Ordered:
        if self.low > self.high:
            raise ValueError("low is above high")
        return self


def test_field_validators_see_only_the_fields_validated_before_them() -> None:
    ordered = _Ordered.model_validate({"kind": "int", "low": "zero", "high": 1, "seen": None})
    assert (ordered.low, ordered.high, ordered.seen) == (0, 10, ["high", "kind", "low"])


def test_a_validator_error_is_a_value_error_at_its_field_and_the_model_validator_runs_last() -> None:
    with pytest.raises(ValidationError) as caught:
        _Ordered.model_validate({"kind": "text", "low": 1})
    assert [(e["loc"], e["type"], e["msg"]) for e in caught.value.errors()] == [
        (("low",), "value_error", "Value error, low applies to int")
    ]
    assert _errors(_Ordered, {"kind": "int", "low": 5}) == [((), "value_error")]


def test_a_failed_field_is_left_out_of_info_data_and_the_model_validator_does_not_run() -> None:
    assert _errors(_Ordered, {"kind": "x", "low": 5, "high": "y"}) == [
        (("kind",), "literal_error"),
        (("high",), "int_parsing"),
    ]


def test_records_are_frozen_equal_by_value_and_hashable() -> None:
    inner = Inner(size=2)
    with pytest.raises(ValidationError, match="frozen"):
        inner.size = 3  # type: ignore[misc]
    assert inner == Inner(size=2) and inner != Inner(size=3) and hash(inner) == hash(Inner(size=2))
    assert repr(inner) == "Inner(size=2, label=None)"
    assert pickle.loads(pickle.dumps(inner)) == inner


def test_model_copy_updates_without_validating() -> None:
    inner = Inner(size=2)
    copy = inner.model_copy(update={"size": 99})
    assert copy.size == 99 and inner.size == 2 and copy.model_fields_set == {"size"}


def test_model_dump_leaves_out_excluded_fields_and_defaults_when_asked() -> None:
    outer = Outer.model_validate({"name": "n", "schema": "s", "items": [{"size": 2}]})
    outer = outer.model_copy(update={"hidden": "h"})
    assert outer.model_dump() == {
        "name": "n",
        "inner": {"size": 1, "label": None},
        "items": [{"size": 2, "label": None}],
        "schema_": "s",
    }
    assert outer.model_dump(exclude_defaults=True, exclude={"name"}) == {
        "items": [{"size": 2}],
        "schema_": "s",
    }


def test_model_fields_name_aliases_and_types() -> None:
    fields = Outer.model_fields
    assert list(fields) == ["name", "inner", "items", "schema_", "hidden"]
    assert fields["schema_"].alias == "schema" and fields["items"].annotation == list[Inner]
    assert fields["name"].is_required() and not fields["inner"].is_required()


def test_a_class_is_built_on_first_use_not_when_defined() -> None:
    class Late(Model):
        when: Later

    assert "_shape_plan" not in Late.__dict__
    assert Late.model_validate({"when": {"x": 1}}).when == Later(x=1)
    assert "_shape_plan" in Late.__dict__


class Later(Model):
    x: int


class _Section(Deferred):
    def annotation(self) -> Any:
        return list[Later]


class _WithSection(Model):
    section: Annotated[Any, _Section()] = None


def test_a_deferred_type_validates_as_the_type_it_names() -> None:
    assert _WithSection.model_validate({"section": [{"x": "1"}]}).section == [Later(x=1)]
    assert _errors(_WithSection, {"section": [{"x": "a"}]}) == [(("section", 0, "x"), "int_parsing")]


def test_the_error_names_the_model_and_each_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        Inner(size=-1)
    text = str(caught.value)
    assert text.startswith("1 validation error for Inner\nsize\n  Input should be greater than or equal to 0")
