"""mlsmoke's own validation layer (what the config and contract models are built on): frozen
models that validate their input as pydantic's lax mode does, with pydantic-style error records.

Small and pure Python, so that a run imports and builds its models in a few milliseconds.
"""

from __future__ import annotations

from checker.shape.errors import ValidationError
from checker.shape.fields import (
    AfterValidator,
    BeforeValidator,
    Deferred,
    Discriminator,
    Field,
    FieldInfo,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from checker.shape.model import Model

__all__ = ["AfterValidator", "BeforeValidator", "Deferred", "Discriminator", "Field", "FieldInfo", "Model",
           "Tag", "ValidationError", "ValidationInfo", "field_validator", "model_validator"]
