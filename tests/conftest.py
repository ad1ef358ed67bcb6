from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files in tests/golden/ from the current output.")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-golden", default=False):
        os.environ["MLSMOKE_UPDATE_GOLDEN"] = "1"
