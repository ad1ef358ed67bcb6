"""The data scan's tests use small files: the row floor under which a Parquet scan stays on
one thread (`parallel.MIN_PARALLEL_ROWS`) is off here, so that their files still exercise the
parallel paths they were written for. test_parallel.py tests the floor itself."""

from __future__ import annotations

import pytest

from checker.checks.data import parallel


@pytest.fixture(autouse=True)
def _parallel_on_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 0)
