"""Deadlines are enforced: a hit is a failed check saying what was happening (family, file, how
far it got), the rest are skipped with the reason, and every output file is still written. No
test sleeps for long: the deadlines are fractions of a second."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import by_id, cli, run_report, write_config

from checker.checks.compat.git import Repo
from checker.checks.deadline import Deadline, seconds_text
from checker.errors import DeadlineExceededError
from checker.results.model import Report, Status

BIG = 800_000  # rows: about a second of checks, well past 0.2 s
NO_GITHUB = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def _config(folder: Path, deadlines: str = "", rows: int = 3) -> Path:
    lines = "".join(f"{i},{'ab' * (i % 7 + 1)}\n" for i in range(rows))
    (folder / "big.csv").write_text("id,code\n" + lines, encoding="utf-8")
    return write_config(folder, f"""
        version: 1
        contracts:
          t:
            columns:
              id: {{type: int, min: 0, unique: true}}
              code: {{type: string, pattern: '(ab)+'}}
        data:
          - {{contract: t, files: big.csv}}
        drift:
          - {{contract: t, reference: big.csv, current: big.csv}}
        {deadlines}
        """)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 500 rows, each taking at least a millisecond: a deadline is checked often, the
    file stays small, and the big file takes well over 0.2 s however fast the machine is."""
    monkeypatch.setattr("checker.tables.reader.BATCH_ROWS", 500)
    each = Deadline.each

    def slow_each(self: Deadline, items: Any, doing: Any) -> Any:
        for item in each(self, items, doing):
            time.sleep(0.001)
            yield item

    monkeypatch.setattr(Deadline, "each", slow_each)


def _outputs(out: Path) -> dict[str, str]:
    names = ("results.json", "report.md", "junit.xml")
    return {name: (out / name).read_text(encoding="utf-8") for name in names}


def test_seconds_text_and_the_sooner_deadline_wins() -> None:
    assert [seconds_text(s) for s in (0.2, 45.0, 120.0, 5400.0)] == ["0.2s", "45s", "2m", "1.5h"]
    run = Deadline.after(600, "the run's deadline")
    assert run.within(0.5, "the data family's deadline").reason == "the data family's deadline (0.5s) passed"
    assert run.within(3600, "the data family's deadline") is run
    assert Deadline.after(None, "the run's deadline").left() == float("inf")


def test_a_passed_deadline_says_what_was_happening() -> None:
    passed = Deadline(time.monotonic() - 1, "the run's deadline (1s) passed")
    with pytest.raises(DeadlineExceededError, match=r"^the run's deadline \(1s\) passed while reading x$"):
        list(passed.each([1, 2], lambda: "reading x"))
    assert list(Deadline.after(60, "d").each([1, 2], lambda: "reading x")) == [1, 2]


def _cut_short(tmp_path: Path, deadlines: str, whose: str) -> Report:
    """A run on a big file whose data.readable the deadline stopped, saying how far it got."""
    report = run_report(_config(tmp_path, deadlines, rows=BIG), out_dir=tmp_path / "out")
    readable = by_id(report.checks, "data.readable")
    assert readable.status is Status.FAIL
    assert re.fullmatch(rf"{re.escape(whose)} \(0\.2s\) passed while checking big\.csv "
                        r"\([\d,]+ rows read\)", readable.summary), readable.summary
    return report


@pytest.mark.usefixtures("small_batches")
def test_a_data_file_past_the_data_deadline_fails_readable_and_skips_the_rest(tmp_path: Path) -> None:
    report = _cut_short(tmp_path, "deadlines: {data: 0.2s}", "the data family's deadline")
    for rule in ("data.columns", "data.unique", "data.pattern"):
        skipped = by_id(report.checks, rule)
        assert (skipped.status, skipped.summary) == (Status.SKIP, "the data family's deadline (0.2s) passed")
    assert report.status is Status.FAIL
    assert by_id(report.checks, "drift.psi").status is Status.PASS  # drift has its own deadline
    written = _outputs(tmp_path / "out")
    assert "the data family's deadline (0.2s) passed while checking big.csv" in written["report.md"]
    assert "deadline" in written["junit.xml"]
    assert json.loads(written["results.json"])["status"] == "fail"


@pytest.mark.usefixtures("small_batches")
def test_a_small_file_within_the_same_deadline_passes(tmp_path: Path) -> None:
    report = run_report(_config(tmp_path, "deadlines: {data: 0.2s, drift: 0.2s}", rows=50))
    assert by_id(report.checks, "data.readable").status is Status.PASS
    assert report.status is Status.PASS


@pytest.mark.usefixtures("small_batches")
def test_the_run_deadline_stops_the_family_at_work_and_skips_the_groups_left(tmp_path: Path) -> None:
    report = _cut_short(tmp_path, "deadlines: {run: 0.2s}", "the run's deadline")
    drift = by_id(report.checks, "drift.drift")
    assert (drift.status, drift.summary) == (Status.SKIP, "not started: the run's deadline (0.2s) passed")
    assert set(_outputs(tmp_path / "out")) == {"results.json", "report.md", "junit.xml"}


def test_the_deadline_option_overrides_the_config_and_a_bad_one_exits_2(tmp_path: Path) -> None:
    _config(tmp_path, "deadlines: {run: 1ms}")
    done = cli("run", "--deadline", "10m", "--out", "out", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = cli("run", "--deadline", "soon", cwd=tmp_path, env=NO_GITHUB)
    assert bad.returncode == 2 and "--deadline: expected a duration such as 30s" in bad.stderr


def test_a_deadline_of_zero_is_a_config_error(tmp_path: Path) -> None:
    _config(tmp_path, "deadlines: {drift: 0}")
    done = cli("validate", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 2
    assert "deadlines.drift: a duration must be greater than zero" in done.stdout + done.stderr


def test_git_stopped_by_the_deadline_says_which_command(tmp_path: Path) -> None:
    passed = Deadline(time.monotonic() - 1, "the compatibility family's deadline (1s) passed")
    with pytest.raises(DeadlineExceededError, match=r"\(1s\) passed while `git rev-parse` was running"):
        Repo.find(tmp_path, dict(os.environ), passed)


def test_compatibility_past_its_deadline_is_a_failed_check(tmp_path: Path) -> None:
    deadlines = "compatibility: {base_ref: main}\n        deadlines: {compatibility: 0.000001s}"
    config = _config(tmp_path, deadlines)
    report = run_report(config, only="data")
    failed = by_id(report.checks, "data.compatibility")
    assert failed.status is Status.FAIL
    assert "the compatibility family's deadline (1e-06s) passed while `git" in failed.summary


def test_the_pipeline_is_cut_by_the_run_deadline(tmp_path: Path) -> None:
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: int}}}
        pipeline:
          contract: t
          rows: 5
          command: sleep 120
        deadlines: {run: 5s}
        """)  # 5 s: the synthesis before it fits even on a loaded machine; the sleep never does
    started = time.monotonic()
    report = run_report(config, out_dir=tmp_path / "out")
    assert time.monotonic() - started < 40
    ran = by_id(report.checks, "pipeline.run")
    assert ran.status is Status.FAIL, ran.summary
    assert ran.summary.endswith("(the run's deadline (5s)); its whole process group was killed")
    assert (tmp_path / "out" / "junit.xml").is_file()
