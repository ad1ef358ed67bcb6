"""An annotation compiled, once, into a check: a function from raw input to the validated
value that raises ValidationError (with `loc` relative to the input) when the input does not fit.

Handled: the scalars of `checker.shape.scalars`, Literal, Enum, `X | None`, other unions (the
first member that fits), list[X] (also from a tuple or set), dict[K, V], models, and
`Annotated` with BeforeValidator, AfterValidator, limits (`Field(ge=...)`), a Discriminator
and Deferred types.
"""

from __future__ import annotations

import contextlib
import enum
import types
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from checker.shape.errors import ValidationError, call_validator, expected_choices, fail, loc_part
from checker.shape.fields import AfterValidator, BeforeValidator, Deferred, Discriminator, FieldInfo, Tag
from checker.shape.limits import limited
from checker.shape.scalars import SCALARS, TOO_BIG

Check = Callable[[Any], Any]
_compiled: dict[Any, Check] = {}


def compile_type(annotation: Any) -> Check:
    """The check of `annotation` (cached: every model field of the same type shares one)."""
    try:
        return _compiled[annotation]
    except (KeyError, TypeError):
        pass
    check = _compile(annotation)
    with contextlib.suppress(TypeError):  # an unhashable annotation is compiled each time
        _compiled[annotation] = check
    return check


def _compile(annotation: Any) -> Check:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        return annotated(base, metadata)
    if annotation in SCALARS:
        return SCALARS[annotation]
    if origin is Literal:
        return _literal(get_args(annotation))
    if origin in (Union, types.UnionType):
        return _union(get_args(annotation))
    if origin is list:
        return _list(compile_type(get_args(annotation)[0]))
    if origin is dict:
        key, value = get_args(annotation)
        return _dict(compile_type(key), compile_type(value))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum(annotation)
    validate = getattr(annotation, "shape_validate", None)  # a model class
    if validate is not None:
        return validate  # type: ignore[no-any-return]
    raise TypeError(f"checker.shape cannot validate {annotation!r}")


def annotated(base: Any, metadata: Sequence[Any]) -> Check:
    """`Annotated[base, *metadata]`: each marker wraps the check built so far, in order."""
    discriminator = next((m for m in metadata if isinstance(m, Discriminator)), None)
    check = _tagged(base, discriminator.discriminator) if discriminator else compile_type(base)
    for meta in metadata:
        check = _wrap(check, meta)
    return check


def _wrap(inner: Check, meta: Any) -> Check:
    if isinstance(meta, BeforeValidator):
        return _before(meta.func, inner)
    if isinstance(meta, AfterValidator):
        return _after(meta.func, inner)
    if isinstance(meta, FieldInfo) and meta.limits:
        return limited(inner, meta.limits)
    if isinstance(meta, Deferred):
        return _deferred(meta)
    return inner  # a Tag, a Discriminator (used above), a FieldInfo without limits


def _before(func: Callable[[Any], Any], inner: Check) -> Check:
    def check(value: Any) -> Any:
        return inner(call_validator(func, value, given=value))
    return check


def _after(func: Callable[[Any], Any], inner: Check) -> Check:
    def check(value: Any) -> Any:
        return call_validator(func, inner(value), given=value)
    return check


def _deferred(meta: Deferred) -> Check:
    built: list[Check] = []

    def check(value: Any) -> Any:
        if not built:
            built.append(compile_type(meta.annotation()))
        return built[0](value)
    return check


def _literal(choices: tuple[Any, ...]) -> Check:
    expected = expected_choices(choices)
    numeric = any(isinstance(choice, int) and not isinstance(choice, bool) for choice in choices)

    def check(value: Any) -> Any:
        for choice in choices:
            if _same_literal(value, choice):
                return choice
        if numeric and isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise fail("int_parsing_size", TOO_BIG, value)
        raise fail("literal_error", f"Input should be {expected}", value, expected=expected)
    return check


def _same_literal(value: Any, choice: Any) -> bool:
    if isinstance(choice, str):
        return isinstance(value, str) and str.__eq__(value, choice)
    if isinstance(choice, int) and not isinstance(choice, bool):
        return isinstance(value, (int, float)) and value == choice
    return type(value) is type(choice) and bool(value == choice)


def _enum(cls: type[enum.Enum]) -> Check:
    values = [member.value for member in cls]
    expected = expected_choices(values)
    lookup = {member.value: member for member in cls}

    def check(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        try:
            return lookup[value]
        except (KeyError, TypeError):
            raise fail("enum", f"Input should be {expected}", value, expected=expected) from None
    return check


def _union(members: tuple[Any, ...]) -> Check:
    others = [m for m in members if m is not type(None)]
    nullable = len(others) < len(members)
    if len(others) == 1:
        inner = compile_type(others[0])
        return (lambda value: None if value is None else inner(value)) if nullable else inner
    checks = [(_label(m), compile_type(m)) for m in others]

    def check(value: Any) -> Any:
        if nullable and value is None:
            return None
        errors = []
        for label, member in checks:
            try:
                return member(value)
            except ValidationError as exc:
                errors += exc.prefixed(label)
        raise ValidationError(errors)
    return check


def _label(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or repr(annotation)


def _tagged(union: Any, pick: Callable[[Any], Any]) -> Check:
    members = {}
    for member in get_args(union):
        tag = next(meta.tag for meta in get_args(member)[1:] if isinstance(meta, Tag))
        members[tag] = compile_type(member)
    name = getattr(pick, "__name__", repr(pick))
    expected = ", ".join(repr(tag) for tag in members)

    def check(value: Any) -> Any:
        tag = pick(value)
        if tag is None:
            raise fail("union_tag_not_found", f"Unable to extract tag using discriminator {name}()", value,
                       discriminator=f"{name}()")
        if tag not in members:
            raise fail("union_tag_invalid", f"Input tag {tag!r} found using {name}() does not match any "
                       f"of the expected tags: {expected}", value, discriminator=f"{name}()", tag=tag,
                       expected_tags=expected)
        try:
            return members[tag](value)
        except ValidationError as exc:
            raise ValidationError(exc.prefixed(tag)) from None
    return check


def _list(item: Check) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise fail("list_type", "Input should be a valid list", value)
        out, errors = [], []
        for position, entry in enumerate(value):
            try:
                out.append(item(entry))
            except ValidationError as exc:
                errors += exc.prefixed(position)
        if errors:
            raise ValidationError(errors)
        return out
    return check


def _dict(key_check: Check, value_check: Check) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise fail("dict_type", "Input should be a valid dictionary", value)
        out, errors = {}, []
        for key, entry in value.items():
            try:
                checked_key = key_check(key)
            except ValidationError as exc:
                errors += exc.prefixed(loc_part(key), "[key]")
                checked_key = None
            try:
                checked = value_check(entry)
            except ValidationError as exc:
                errors += exc.prefixed(loc_part(key))
                continue
            if not errors:
                out[checked_key] = checked
        if errors:
            raise ValidationError(errors)
        return out
    return check
