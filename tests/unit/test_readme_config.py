"""Meta-test: the README's configuration reference names every key of every config model, so a
new key cannot ship undocumented."""

from __future__ import annotations

import enum
import re
import typing
from typing import Any

import pytest

from checker.config import compare_schema, endpoint_schema, field_types, metrics_schema, pipeline_schema
from checker.config import schema as config_schema
from checker.contracts import model as contracts
from checker.shape import Model
from tests.helpers import REPO


def config_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- section: config -->")
    end = readme.index("<!-- section:", start + 1)
    return readme[start:end]


SCHEMA_MODULES = (config_schema, pipeline_schema, endpoint_schema, metrics_schema, field_types,
                  compare_schema, contracts)


def config_models() -> list[type[Model]]:
    return [obj for module in SCHEMA_MODULES for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Model) and obj.__module__ == module.__name__
            and obj.model_fields]


KEYS = sorted({(model.__name__, info.alias or name) for model in config_models()
               for name, info in model.model_fields.items()})


def test_every_config_model_is_covered() -> None:
    names = {model.__name__ for model in config_models()}
    assert {"Config", "Column", "Contract", "Pipeline", "Endpoint", "Serve", "ReportSettings"} <= names


@pytest.mark.parametrize(("model", "key"), KEYS)
def test_every_key_is_documented(model: str, key: str) -> None:
    assert f"`{key}`" in config_section(), f"{model}.{key} is missing from README's configuration reference"


def choices(annotation: Any) -> set[str]:
    """Every Literal value and enum member a field's type allows, however nested."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {member.value for member in annotation}
    if typing.get_origin(annotation) is typing.Literal:
        return {str(arg) for arg in typing.get_args(annotation)}
    return {value for arg in typing.get_args(annotation) for value in choices(arg)}


CHOICES = sorted({value for model in config_models() for info in model.model_fields.values()
                  for value in choices(info.annotation)} | {"eq", "ne", "gt", "ge", "lt", "le", "in"})


def test_choices_are_found() -> None:
    assert {"kserve-v2", "datetime", "target", "warn", "skops", "gt"} <= set(CHOICES)


@pytest.mark.parametrize("value", CHOICES)
def test_every_choice_is_documented(value: str) -> None:
    assert f"`{value}`" in config_section()


def test_variable_expansion_rules_are_documented() -> None:
    section = config_section()
    for form in ("`${VAR}`", "`${VAR:-default}`", "`$${VAR}`"):
        assert form in section
    assert re.search(r"unset is an error.*mlsmoke validate", section)
