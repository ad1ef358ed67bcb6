"""The model base class: a frozen record whose constructor validates, the way mlsmoke's pydantic
models did (lax scalars, an unknown key is an error, no inf or nan).

Creating a class only collects its marked validators; its field types are resolved and compiled
on first validation (or first `model_fields`), so importing a schema costs almost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform

from checker.shape.dump import dump_model
from checker.shape.errors import ValidationError, fail, record
from checker.shape.fields import Field, FieldInfo, ValidatorMark
from checker.shape.plan import ModelPlan, build_plan

_M = TypeVar("_M", bound="Model")


class _ModelFields:
    """`Model.model_fields`: field name → FieldInfo (builds the class's plan)."""

    def __get__(self, instance: Any, owner: type[Model]) -> dict[str, FieldInfo]:
        return owner.shape_plan().infos


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field, FieldInfo))
class Model:
    """Subclass with annotated fields (defaults, `Field(...)`), `field_validator` and
    `model_validator` methods. `Model(**data)` and `Model.model_validate(data)` validate."""

    __slots__ = ("_shape_set",)
    _shape_set: frozenset[str]
    shape_marks: ClassVar[dict[str, ValidatorMark]] = {}
    if TYPE_CHECKING:
        model_fields: ClassVar[dict[str, FieldInfo]]
    else:
        model_fields = _ModelFields()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        marks = {name: value for name, value in vars(cls).items() if isinstance(value, ValidatorMark)}
        for name, mark in marks.items():
            setattr(cls, name, mark.func)
        cls.shape_marks = marks

    @classmethod
    def shape_plan(cls) -> ModelPlan:
        plan = cls.__dict__.get("_shape_plan")
        if plan is None:
            plan = build_plan(cls)
            type.__setattr__(cls, "_shape_plan", plan)
        return plan

    @classmethod
    def shape_validate(cls: type[_M], value: Any) -> _M:
        """Validate without a title on the error (a nested model's errors go up to its parent)."""
        if isinstance(value, cls):
            return value
        plan = cls.shape_plan()
        value = plan.before_model(value)
        if not isinstance(value, dict):
            raise fail("model_type", f"Input should be a valid dictionary or instance of {cls.__name__}",
                       value, class_name=cls.__name__)
        instance = cls.__new__(cls)
        plan.fill(instance, value)
        return instance

    @classmethod
    def model_validate(cls: type[_M], value: Any) -> _M:
        try:
            return cls.shape_validate(value)
        except ValidationError as exc:
            raise ValidationError(exc.records, cls.__name__) from None

    def __init__(self, **data: Any) -> None:
        try:
            self.shape_plan().fill(self, data)
        except ValidationError as exc:
            raise ValidationError(exc.records, type(self).__name__) from None

    @property
    def model_fields_set(self) -> set[str]:
        """The fields the input gave (not filled from a default)."""
        return set(self._shape_set)

    def model_copy(self: _M, *, update: Mapping[str, Any] | None = None) -> _M:
        """A copy with `update` applied, not validated (as pydantic's)."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(update or {})
        object.__setattr__(copy, "_shape_set", self._shape_set | set(update or {}))
        return copy

    def model_dump(self, *, mode: str = "python", exclude_defaults: bool = False,
                   exclude: set[str] | None = None) -> dict[str, Any]:
        return dump_model(self, json=mode == "json", exclude_defaults=exclude_defaults, exclude=exclude)

    def __setattr__(self, name: str, value: Any) -> None:
        raise _frozen(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise _frozen(self, name, None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __getstate__(self) -> dict[str, Any]:
        return {"fields": self.__dict__, "set": self._shape_set}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state["fields"])
        object.__setattr__(self, "_shape_set", state["set"])


def _frozen(model: Model, name: str, value: Any) -> ValidationError:
    frozen = record("frozen_instance", "Instance is frozen", value, (name,))
    return ValidationError([frozen], type(model).__name__)
