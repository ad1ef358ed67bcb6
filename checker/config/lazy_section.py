"""A section of mlsmoke.yml whose pydantic models are imported (and so built) only when a
config has that section: building a model costs start-up time, and most runs use few sections.

`Config` declares such a section as `Annotated[Any, LazySection(module, type)]`; validating a
value imports the module and validates through a TypeAdapter of the section's real type. The
errors are pydantic's own, at the same locations as if the type were declared inline (pydantic
nests a ValidationError raised by a validator under the field's location), so every message,
line and "did you mean" stays the same; `checker.config.suggest` follows `annotation()`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import core_schema


class LazySection:
    """The type `shape(module.name)` (e.g. `list[Endpoint]`), imported and built on first use."""

    def __init__(self, module: str, name: str, shape: Callable[[Any], Any] = lambda model: model) -> None:
        self.module, self.name, self.shape = module, name, shape

    def annotation(self) -> Any:
        """The section's real type (imports its module)."""
        return self.shape(getattr(importlib.import_module(self.module), self.name))

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.annotation())

    def validate(self, value: Any) -> Any:
        return self.adapter.validate_python(value)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __repr__(self) -> str:
        return f"LazySection({self.module!r}, {self.name!r})"
