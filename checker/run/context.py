"""What a check group receives besides the config: where to work, the environment for
the user's processes, the run's deadline and a callback for progress. Built once by the CLI."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.config.load import LoadedConfig
from checker.results.model import CheckResult, Location


@dataclass(frozen=True)
class RunContext:
    loaded: LoadedConfig
    out_dir: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    staging_url: str | None = None
    base_ref: str | None = None
    on_result: Callable[[CheckResult], None] = lambda result: None
    extra_secrets: frozenset[str] = frozenset()  # e.g. the GitHub token, never in the config


    @property
    def root(self) -> Path:
        return self.loaded.root

    @property
    def secrets(self) -> frozenset[str]:
        return self.loaded.secrets | self.extra_secrets

    def location(self, *path: Any) -> Location:
        return self.loaded.location(*path)
