"""What a model's declaration says about a field, and the markers its type can carry.

`Field(...)` (a default, an alias, limits), `BeforeValidator`/`AfterValidator` inside
`Annotated[...]`, `Discriminator` + `Tag` for a union picked by a function of the input, and
`Deferred`, a type built on first use. `field_validator` and `model_validator` mark methods
of a model class; `checker.shape.model` collects them when the class is first validated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
LIMITS = ("gt", "ge", "lt", "le", "min_length", "max_length", "pattern")


class FieldInfo:
    """A field: its default (or factory), alias, whether dumps leave it out, its limits; once
    its model is built also `annotation` (the type without `Annotated`) and `metadata`."""

    def __init__(self, default: Any = MISSING, *, default_factory: Callable[[], Any] | None = None,
                 alias: str | None = None, exclude: bool = False, **limits: Any) -> None:
        self.default = default
        self.default_factory = default_factory
        self.alias = alias
        self.exclude = exclude
        self.limits = {name: value for name, value in limits.items() if value is not None}
        self.annotation: Any = None
        self.metadata: list[Any] = []

    def is_required(self) -> bool:
        return self.default is MISSING and self.default_factory is None

    def get_default(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        if isinstance(self.default, (list, dict, set)):  # each instance its own, as pydantic
            import copy

            return copy.deepcopy(self.default)
        return self.default

    def __repr__(self) -> str:
        shown = [f"annotation={self.annotation!r}", f"required={self.is_required()}"]
        if self.default is not MISSING:
            shown.append(f"default={self.default!r}")
        if self.alias:
            shown.append(f"alias={self.alias!r}")
        if self.exclude:
            shown.append("exclude=True")
        return f"FieldInfo({', '.join(shown)})"


def Field(default: Any = MISSING, *, default_factory: Callable[[], Any] | None = None,  # noqa: PLR0913
          alias: str | None = None, exclude: bool = False, gt: float | None = None, ge: float | None = None,
          lt: float | None = None, le: float | None = None, min_length: int | None = None,
          max_length: int | None = None, pattern: str | None = None) -> Any:
    """A field's default and limits (pydantic's `Field`, the parts mlsmoke uses)."""
    return FieldInfo(default, default_factory=default_factory, alias=alias, exclude=exclude, gt=gt, ge=ge,
                     lt=lt, le=le, min_length=min_length, max_length=max_length, pattern=pattern)


# Plain classes, not dataclasses: a dataclass is built with exec, and these are made at import.
class _Wrapping:
    __slots__ = ("func",)

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func


class BeforeValidator(_Wrapping):
    """In `Annotated[T, BeforeValidator(f)]`: `f` turns the raw input into what T validates."""

    __slots__ = ()


class AfterValidator(_Wrapping):
    """In `Annotated[T, AfterValidator(f)]`: `f` checks (or changes) the value T validated."""

    __slots__ = ()


class Tag:
    """The name of a member of a discriminated union; errors inside it are under this name."""

    __slots__ = ("tag",)

    def __init__(self, tag: str) -> None:
        self.tag = tag


class Discriminator:
    """In `Annotated[A | B, Discriminator(f)]`: `f(input)` names the member (its Tag) to use."""

    __slots__ = ("discriminator",)

    def __init__(self, discriminator: Callable[[Any], Any]) -> None:
        self.discriminator = discriminator


class Deferred:
    """A type in `Annotated[Any, Deferred()]` that is looked up (imported) on first use."""

    def annotation(self) -> Any:
        raise NotImplementedError


class ValidationInfo:
    """What a field validator is told: the fields validated before it, and its field's name."""

    __slots__ = ("data", "field_name")

    def __init__(self, data: dict[str, Any], field_name: str | None = None) -> None:
        self.data, self.field_name = data, field_name


class ValidatorMark:
    """A method marked by field_validator or model_validator (collected per class): a
    classmethod, or for a model validator after validation a plain method."""

    __slots__ = ("fields", "func", "mode", "of_model")

    def __init__(self, func: Any, fields: tuple[str, ...] = (), mode: Literal["before", "after"] = "after",
                 of_model: bool = False) -> None:
        self.func, self.fields, self.mode, self.of_model = func, fields, mode, of_model


def field_validator(*fields: str, mode: Literal["before", "after"] = "after") -> Callable[[_T], _T]:
    """Mark a classmethod `(cls, value[, info]) -> value` as a validator of `fields`."""
    def mark(func: _T) -> _T:
        return ValidatorMark(func, fields, mode)  # type: ignore[return-value]
    return mark


def model_validator(*, mode: Literal["before", "after"]) -> Callable[[_T], _T]:
    """Mark a method `(self) -> self` (after) or classmethod `(cls, data) -> data` (before)."""
    def mark(func: _T) -> _T:
        return ValidatorMark(func, (), mode, of_model=True)  # type: ignore[return-value]
    return mark
