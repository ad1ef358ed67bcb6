"""The garbage collector is off during start-up, then on with start-up's objects frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cli_in_process

from checker.run.collector import leaving, paused


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was_on = gc.isenabled()
    yield
    gc.unfreeze()
    if was_on:
        gc.enable()


def test_the_collector_is_off_inside_and_on_after_with_what_was_made_frozen() -> None:
    frozen = gc.get_freeze_count()
    with paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]  # tracked containers
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)


def test_a_collector_someone_else_turned_off_stays_off_and_nothing_is_frozen() -> None:
    gc.disable()
    frozen = gc.get_freeze_count()
    with paused():
        _ = [[i] for i in range(1000)]
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_collector_is_on_again_after_a_failed_run(tmp_path: Path) -> None:
    done = cli_in_process("run", "--config", str(tmp_path / "missing.yml"), "--no-publish", cwd=tmp_path)
    assert done.returncode == 2
    assert gc.isenabled() and gc.get_freeze_count() == 0  # the in-process helper thawed it


def test_leaving_collects_the_runs_garbage_with_its_finalizers_then_freezes_the_rest() -> None:
    finalized: list[str] = []

    class Buffered:  # stands in for anything whose finalizer still has work to do
        def __del__(self) -> None:
            finalized.append("flushed")

    cycle = [Buffered()]
    cycle.append(cycle)  # type: ignore[arg-type]
    del cycle
    kept = [[i] for i in range(1000)]
    frozen = gc.get_freeze_count()
    leaving()
    assert finalized == ["flushed"]
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert gc.isenabled()


def test_a_run_leaves_what_it_made_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mlsmoke.yml").write_text("version: 1\n")
    left: list[int] = []
    monkeypatch.setattr("checker.run.collector.gc.freeze", lambda: left.append(gc.get_count()[0]))
    done = cli_in_process("run", "--no-publish", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # after the CLI's start-up and the runner's (both paused), and before the exit (leaving)
    assert len(left) == 3
