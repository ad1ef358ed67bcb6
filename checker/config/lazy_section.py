"""A section of mlsmoke.yml whose models are imported only when a config has that section:
importing a schema module costs start-up time, and most runs use few sections.

`Config` declares such a section as `Annotated[Any, LazySection(module, type)]`; checker.shape
validates a value through the section's real type, imported on first use, so every error is at
the same location as if the type were declared inline; `checker.config.suggest` follows
`annotation()`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from checker.shape import Deferred


class LazySection(Deferred):
    """The type `shape(module.name)` (e.g. `list[Endpoint]`), imported on first use."""

    def __init__(self, module: str, name: str, shape: Callable[[Any], Any] = lambda model: model) -> None:
        self.module, self.name, self.shape = module, name, shape

    def annotation(self) -> Any:
        """The section's real type (imports its module)."""
        return self.shape(getattr(importlib.import_module(self.module), self.name))

    def __repr__(self) -> str:
        return f"LazySection({self.module!r}, {self.name!r})"
