"""What one family leaves for a later one in the same run: the model the pipeline family
trained, for `endpoint.parity` with `model: "{pipeline}"`.

Families run in registry order (pipeline before endpoint). The pipeline family normally removes
its scratch copies when it ends; when an endpoint entry asks for the pipeline's model, it hands
them to the run's `Handoff` instead, which removes them when the run ends (the runner closes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import field
from pathlib import Path

from checker.config.field_types import PIPELINE_MODEL
from checker.config.schema import Config
from checker.record import record


@record(eq=False, repr=False)
class OfflineModel:
    """A model file the probe can load, and the interpreter, folder and environment to load it in."""

    path: Path
    format: str | None
    python: str
    cwd: Path
    env: Mapping[str, str]


@record(frozen=False, eq=False, repr=False)
class Handoff:
    """What the families of one run hand on: the pipeline's model and its scratch copies."""

    pipeline_model: OfflineModel | None = None
    pipeline_ran: bool = False
    _kept: ExitStack = field(default_factory=ExitStack)

    def keep(self, resources: ExitStack) -> None:
        """Release `resources` (the pipeline's scratch copies) when the run ends, not before."""
        self._kept.enter_context(resources)

    def why_no_pipeline_model(self) -> str:
        if not self.pipeline_ran:
            return "the pipeline family did not run in this run (see --only)"
        return "the pipeline trained no model that loads (see pipeline.model_load)"

    def close(self) -> None:
        self.pipeline_model = None
        self._kept.close()


def wants_pipeline_model(config: Config) -> bool:
    """Whether an endpoint entry compares its answers with the model the pipeline trains."""
    return any(e.parity is not None and e.parity.model == PIPELINE_MODEL for e in config.endpoint)
