"""How many examples the costly property tests draw (each one writes and reads back files): a
quarter of the full count by default, so `pytest tests/unit` stays quick, and the full count
under MLSMOKE_FULL_PROPERTIES=1, which .ci/run sets. The assertions are the same either way."""

from __future__ import annotations

import os

FULL = os.environ.get("MLSMOKE_FULL_PROPERTIES") == "1"


def examples(full: int) -> int:
    """`full` in CI, else a quarter of it (at least 10)."""
    return full if FULL else max(10, full // 4)
