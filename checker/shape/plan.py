"""A model class's plan, built on its first validation: each field's key, default and compiled
check with its validators, and the model's own validators. `fill` validates one input mapping
into an instance, collecting every problem before it raises."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from types import CodeType
from typing import Annotated, Any, ClassVar, get_args, get_origin

from checker.shape.errors import ValidationError, call_validator, loc_part, record
from checker.shape.fields import MISSING, FieldInfo, ValidationInfo, ValidatorMark
from checker.shape.types import Check, annotated

FieldValidator = Callable[[Any, ValidationInfo], Any]


class FieldPlan:
    """One field: its name, the key the input calls it (the alias, else the name), its check
    and its field validators."""

    __slots__ = ("after", "before", "check", "info", "key", "name")

    def __init__(self, name: str, key: str, info: FieldInfo, check: Check) -> None:
        self.name, self.key, self.info, self.check = name, key, info, check
        self.before: list[FieldValidator] = []
        self.after: list[FieldValidator] = []

    def validate(self, raw: Any, data: dict[str, Any]) -> Any:
        info = ValidationInfo(data, self.name)
        value = raw
        for validator in self.before:
            value = call_validator(validator, value, info, given=raw)
        value = self.check(value)
        for validator in self.after:
            value = call_validator(validator, value, info, given=raw)
        return value


class ModelPlan:
    __slots__ = ("after", "before", "fields", "infos", "keys")

    def __init__(self, fields: list[FieldPlan], before: list[Callable[[Any], Any]],
                 after: list[Callable[[Any], Any]]) -> None:
        self.fields, self.before, self.after = fields, before, after
        self.infos = {plan.name: plan.info for plan in fields}
        self.keys = frozenset(plan.key for plan in fields)

    def before_model(self, value: Any) -> Any:
        for validator in self.before:
            value = call_validator(validator, value, given=value)
        return value

    def fill(self, instance: Any, value: dict[Any, Any]) -> None:
        errors: list[dict[str, Any]] = []
        data: dict[str, Any] = {}
        given: set[str] = set()
        for plan in self.fields:
            if plan.key in value:
                given.add(plan.name)
                try:
                    data[plan.name] = plan.validate(value[plan.key], data)
                except ValidationError as exc:
                    errors += exc.prefixed(plan.key)
            elif plan.info.is_required():
                errors.append(record("missing", "Field required", value, (plan.key,)))
            else:
                data[plan.name] = plan.info.get_default()
        errors += [_unknown(key, entry) for key, entry in value.items() if key not in self.keys]
        if errors:
            raise ValidationError(errors)
        instance.__dict__.update(data)
        object.__setattr__(instance, "_shape_set", frozenset(given))
        for validator in self.after:
            call_validator(validator, instance, given=value)


def _unknown(key: Any, value: Any) -> dict[str, Any]:
    if not isinstance(key, str):
        return record("invalid_key", "Keys should be strings", key, (loc_part(key),))
    return record("extra_forbidden", "Extra inputs are not permitted", value, (key,))


def build_plan(cls: type) -> ModelPlan:
    hints = _hints(cls)
    marks = _marks(cls)
    fields = [_field(cls, name, hint, marks) for name, hint in hints.items()
              if not name.startswith("_") and hint is not ClassVar and get_origin(hint) is not ClassVar]
    # a model validator is called as the class holds it: a classmethod (before) takes the
    # input, a plain function (after) the instance
    before = [getattr(cls, name) for name, mark in marks.items() if mark.of_model and mark.mode == "before"]
    after = [getattr(cls, name) for name, mark in marks.items() if mark.of_model and mark.mode == "after"]
    return ModelPlan(fields, before, after)


def _hints(cls: type) -> dict[str, Any]:
    """The annotations of `cls` and its bases, evaluated in their modules (what
    typing.get_type_hints answers, with each annotation's text compiled once for all classes)."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations = klass.__dict__.get("__annotations__")  # noqa: RUF063 (inspect costs an import)
        if annotations:
            namespace = sys.modules[klass.__module__].__dict__
            hints.update({name: eval(_code(text), namespace) if isinstance(text, str) else text
                          for name, text in annotations.items()})
    return hints


@functools.cache
def _code(text: str) -> CodeType:
    return compile(text, "<annotation>", "eval")


def _marks(cls: type) -> dict[str, ValidatorMark]:
    """Every marked validator, a base class's first (a subclass's method of the same name wins)."""
    found: dict[str, ValidatorMark] = {}
    for klass in reversed(cls.__mro__):
        found.update(klass.__dict__.get("shape_marks", {}))
    return found


def _field(cls: type, name: str, hint: Any, marks: dict[str, ValidatorMark]) -> FieldPlan:
    declared = getattr(cls, name, MISSING)
    given = declared if isinstance(declared, FieldInfo) else FieldInfo(declared)
    info = FieldInfo(given.default, default_factory=given.default_factory, alias=given.alias,
                     exclude=given.exclude, **given.limits)
    if get_origin(hint) is Annotated:
        base, *metadata = get_args(hint)
    else:
        base, metadata = hint, []
    info.annotation, info.metadata = base, metadata
    check = annotated(base, [*metadata, info])
    plan = FieldPlan(name, info.alias or name, info, check)
    for method, mark in marks.items():
        if not mark.of_model and name in mark.fields:
            (plan.before if mark.mode == "before" else plan.after).append(_field_validator(cls, method))
    return plan


def _field_validator(cls: type, method: str) -> Callable[[Any, ValidationInfo], Any]:
    bound = getattr(cls, method)
    if bound.__func__.__code__.co_argcount >= 3:  # (cls, value, info)
        return bound  # type: ignore[no-any-return]
    return lambda value, _info: bound(value)

