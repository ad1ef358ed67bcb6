"""Validate raw config data against a model (checker.shape), turning its errors into ConfigProblems
that name the YAML line and key, in words a user can act on."""

from __future__ import annotations

from typing import Any

from checker.config.suggest import suggestion
from checker.config.yamlmap import LineIndex, PathKey, dotted
from checker.errors import ConfigProblem
from checker.shape import Model, ValidationError


def validate(model: type[Model], data: Any, index: LineIndex,
              problems: list[ConfigProblem], prefix: PathKey = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(error, index, prefix, model) for error in exc.errors()]
        return None


def _problem(error: Any, index: LineIndex, prefix: PathKey, model: type[Model]) -> ConfigProblem:
    loc = (*prefix, *error["loc"])
    found, line = index.resolve(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}" + suggestion(model, error["loc"])
        return ConfigProblem(index.file, line, dotted(found), message)
    if kind == "missing":
        message = f"missing required key {loc[-1]!r}" + _MISSING_HINTS.get(str(loc[-1]), "")
        return ConfigProblem(index.file, line, dotted(found), message)
    given = error.get("input")
    if kind in _SHAPE_MESSAGES:  # the words ("instance of Contract") mean nothing to a user
        return ConfigProblem(index.file, line, dotted(found),
                             f"{_SHAPE_MESSAGES[kind]}, got {_yaml_kind(given)}")
    message = error["msg"].removeprefix("Value error, ")
    if kind not in ("value_error", "assertion_error") and isinstance(given, (str, int, float)):
        message += f" (got {given!r})"
    return ConfigProblem(index.file, line, dotted(found), message)


# What a new user most often leaves out, and how to get it.
_MISSING_HINTS = {"contract": " (the name of a contract under `contracts:`; `mlsmoke infer DATA...` "
                              "prints one inferred from a sample file)"}

_SHAPE_MESSAGES = {"model_type": "expected a mapping (key: value lines)",
                   "dict_type": "expected a mapping (key: value lines)",
                   "model_attributes_type": "expected a mapping (key: value lines)",
                   "list_type": "expected a list (- item lines)"}


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value) if isinstance(value, (str, int, float, bool)) else "a value"
