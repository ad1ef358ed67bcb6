"""Tools and references kept outside the repository, in ../shared (beside the clone in CI; a git
worktree may sit a level deeper): actionlint.sh, mermaid.sh, docker-engine.sh, registry.sh, the
OpenAPI reference, SPEC.md. A test that needs one skips with the reason when it is absent, unless
MLSMOKE_REQUIRE_SHARED=1 (set by .ci/run, which provides them): then it fails instead, so CI
cannot skip it silently."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest
from helpers import REPO

REQUIRE = "MLSMOKE_REQUIRE_SHARED"


def find_shared(relative: str) -> Path | None:
    """shared/RELATIVE in the nearest folder above the repository that has it, or None."""
    return next((folder / "shared" / relative for folder in REPO.parents
                 if (folder / "shared" / relative).exists()), None)


def shared_path(relative: str) -> Path:
    """shared/RELATIVE, or skip (fail under MLSMOKE_REQUIRE_SHARED=1) when it is absent."""
    found = find_shared(relative)
    if found is None:
        missing(f"../shared/{relative} is not beside this checkout")
    return found


def missing(reason: str) -> NoReturn:
    """Skip the test for `reason`, or fail it when CI requires the shared tools."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {reason}")
    pytest.skip(reason)
