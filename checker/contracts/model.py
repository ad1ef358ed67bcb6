"""Data contracts: the Column and Contract models every family reads.

A contract names columns with a type and rules (`nullable`, `min`, `max`, `allowed`,
`pattern`, `unique`, `role`) and table rules (`rows`, `extra_columns`, `unique_rows`).
`infer()` (in `checker.contracts.infer`) writes one from sample data.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Any, Literal

from checker.contracts.regex import compile_pattern
from checker.shape import Field, Model, ValidationInfo, field_validator, model_validator


class ColumnType(str, enum.Enum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"
    DATETIME = "datetime"
    CATEGORY = "category"

    @property
    def numeric(self) -> bool:
        return self in (ColumnType.INT, ColumnType.FLOAT)

    @property
    def ordered(self) -> bool:
        """Types whose values `min` and `max` can bound."""
        return self in (ColumnType.INT, ColumnType.FLOAT, ColumnType.DATETIME)


class Role(str, enum.Enum):
    FEATURE = "feature"
    TARGET = "target"
    ID = "id"
    IGNORE = "ignore"


ExtraColumns = Literal["error", "warn", "allow"]
"""What a column the contract does not name makes `data.columns`: fail, warn, or nothing."""


class StrictModel(Model):
    """Frozen, and an unknown key is an error (a typo must not pass silently); checker.shape's
    models are all so, and no float is inf or nan."""


class OrderedBounds(StrictModel):
    """A model with `min` and `max` (declared by the subclass): min must not be above max."""

    @model_validator(mode="after")
    def _min_not_above_max(self) -> OrderedBounds:
        ordered(getattr(self, "min", None), getattr(self, "max", None))
        return self


class Column(OrderedBounds):
    type: ColumnType
    nullable: bool = False
    min: Any = None
    max: Any = None
    allowed: list[Any] | None = Field(default=None, min_length=1)
    pattern: str | None = None
    unique: bool = False
    role: Role = Role.FEATURE
    description: str | None = None

    @field_validator("min", "max")
    @classmethod
    def _bound_fits_type(cls, value: Any, info: ValidationInfo) -> Any:
        col_type = info.data.get("type")
        if value is None or col_type is None:
            return value
        if not col_type.ordered:
            raise ValueError(f"min/max apply to int, float and datetime columns, not {col_type.value}")
        if col_type is ColumnType.DATETIME:
            return _as_datetime(value, info.field_name or "min/max")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{info.field_name} must be a number for a {col_type.value} column"
                             + _yaml_number_hint(value))
        return representable(value, col_type, info.field_name or "bound")

    @field_validator("allowed")
    @classmethod
    def _allowed_of_type(cls, values: list[Any] | None, info: ValidationInfo) -> list[Any] | None:
        col_type = info.data.get("type")
        return values if values is None or col_type is None else allowed_of_type(values, col_type)

    @field_validator("pattern")
    @classmethod
    def _pattern_fits_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        col_type = info.data.get("type")
        if value is None:
            return value
        if col_type not in (None, ColumnType.STRING, ColumnType.CATEGORY):
            raise ValueError("pattern applies to string and category columns")
        compile_pattern(value)  # PatternError (a ValueError) says why RE2 rejects it
        return value


def ordered(low: Any, high: Any) -> None:
    """ValueError when both bounds are given and min is above max: nothing could pass."""
    if low is not None and high is not None and low > high:
        raise ValueError(f"min ({low}) is greater than max ({high}): no value can pass")


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what an int column holds (Arrow int64)


def representable(value: int | float, col_type: ColumnType, name: str) -> int | float:
    """A numeric bound or value that a column of `col_type` can hold: finite, and for an int
    column within 64 bits (a bound beyond them could never be checked or generated)."""
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if col_type is ColumnType.INT and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{name} {value:g} is outside what an int column holds (64-bit integers)")
    return value


def _yaml_number_hint(value: Any) -> str:
    """YAML 1.1 reads `1e45` and `1.0e45` (no dot, or no exponent sign) as text: say so."""
    try:
        float(value)
    except (TypeError, ValueError):
        return ""
    return (f" (got the text {value!r}: in YAML a number with an exponent needs a dot and a sign, "
            "e.g. 1.0e+45)")


def allowed_of_type(values: list[Any], col_type: ColumnType) -> list[Any]:
    """`allowed` values that a column of `col_type` can hold; ValueError names the first that
    cannot (such a value could never be seen, and hides a mistyped list)."""
    from checker.synth.values import SynthError, to_column_type

    for position, value in enumerate(values):
        try:
            converted = to_column_type(value, Column(type=col_type), f"allowed[{position}]")
        except SynthError as exc:
            raise ValueError(str(exc)) from None
        if converted is None:
            raise ValueError(f"allowed[{position}]: null is not a value (use nullable: true)")
        if col_type.numeric:
            representable(converted, col_type, f"allowed[{position}]")
    return values


def naive_utc(value: dt.datetime) -> dt.datetime:
    """Datetime values are compared without a zone: an aware one is converted to UTC first."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def parse_datetime(text: str) -> dt.datetime:
    """ISO 8601 text as a naive UTC datetime (ValueError if it is not one): the one parser
    for bounds, data values and synthetic values."""
    text = text.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"  # fromisoformat reads "Z" but not "z"
    return naive_utc(dt.datetime.fromisoformat(text))


def _as_datetime(value: Any, name: str) -> dt.datetime:
    """A datetime bound, normalised once here (naive UTC) so every family compares alike."""
    if isinstance(value, dt.datetime):
        return naive_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return parse_datetime(str(value))
    except ValueError as exc:
        raise ValueError(f"{name} must be an ISO 8601 date or time, got {value!r}") from exc


class RowsRule(OrderedBounds):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)


class Contract(StrictModel):
    """A named table contract. `name` and `source` are filled in by the config loader."""

    name: str = ""
    columns: dict[str, Column] = Field(min_length=1)
    rows: RowsRule | None = None
    extra_columns: ExtraColumns = "error"
    unique_rows: bool = False
    description: str | None = None
    source: str | None = Field(default=None, exclude=True)

    def columns_with_role(self, *roles: Role) -> dict[str, Column]:
        return {name: col for name, col in self.columns.items() if col.role in roles}

    @property
    def features(self) -> dict[str, Column]:
        return self.columns_with_role(Role.FEATURE)

    @property
    def target(self) -> str | None:
        return next(iter(self.columns_with_role(Role.TARGET)), None)

    def to_yaml_dict(self) -> dict[str, Any]:
        """The contract as it is written in mlsmoke.yml (defaults left out)."""
        body = self.model_dump(mode="json", exclude_defaults=True, exclude={"name", "source"})
        body["columns"] = {
            name: col.model_dump(mode="json", exclude_defaults=True) | {"type": col.type.value}
            for name, col in self.columns.items()
        }
        return body
