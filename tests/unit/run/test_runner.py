"""The runner: a group that raises becomes one `error` result and the next group still runs;
a group whose module is not in this build is a `skip`; results are redacted as they come."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import by_id, write_config

from checker.checks.registry import GROUPS, CheckGroup
from checker.config.load import load_config
from checker.record import record
from checker.results.model import CheckResult, Status
from checker.run import runner
from checker.run.context import RunContext

CONFIG = """
    version: 1
    contracts:
      t: {columns: {a: {type: int}}}
    data:
      - {contract: t, files: a.csv}
    drift:
      - {contract: t, reference: a.csv, current: a.csv}
    """


@record
class Exploding(CheckGroup):
    def load(self):  # type: ignore[override]
        def run(_config, _ctx) -> Iterator[CheckResult]:
            yield CheckResult(id="drift.psi", status=Status.PASS, summary="first result")
            raise RuntimeError("boom while reading https://bot:pw0rd@example.com/x")
        return run


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drift: CheckGroup):
    (tmp_path / "a.csv").write_text("a\n1\n2\n", encoding="utf-8")
    groups = tuple(drift if g.family == "drift" else g for g in GROUPS)
    monkeypatch.setattr(runner, "GROUPS", groups)
    ctx = RunContext(loaded=load_config(write_config(tmp_path, CONFIG), {}), out_dir=tmp_path / "out")
    return runner.run(ctx, None)


def test_a_group_that_raises_is_an_error_and_the_other_groups_still_run(tmp_path, monkeypatch):
    report = _run(tmp_path, monkeypatch, Exploding("drift", "drift", "unused:run", lambda _c: True))
    error = by_id(report.checks, "drift.drift")
    assert error.status is Status.ERROR
    assert error.summary == "drift checks stopped: RuntimeError: boom while reading https://***@example.com/x"
    assert "Traceback" in error.evidence["traceback"] and "pw0rd" not in str(error.to_dict())
    assert by_id(report.checks, "drift.psi").status is Status.PASS  # what it yielded first is kept
    assert by_id(report.checks, "data.types").status is Status.PASS
    assert report.status is Status.FAIL


def test_a_group_missing_from_this_build_is_skipped(tmp_path, monkeypatch):
    missing = CheckGroup("drift", "drift", "checker.checks.not_built:run", lambda _c: True)
    report = _run(tmp_path, monkeypatch, missing)
    skipped = by_id(report.checks, "drift.drift")
    assert skipped.status is Status.SKIP
    assert skipped.summary == "drift checks are not available in this version"
    assert report.status is Status.PASS


@pytest.mark.parametrize("entry", ["drift's own", "one importing the library at its top"])
def test_a_group_whose_library_cannot_be_imported_is_one_error_and_runs_no_check(tmp_path, monkeypatch,
                                                                               entry: str):
    """pyarrow 26 beside numpy 1 raises ImportError as it is imported: mlsmoke's environment is
    broken, which is no file's fault (it read as "cannot read a.csv" before). A real module here
    raises what pyarrow raises; the data group still runs its checks. An entry point that
    imports the library itself is reported the same way (the libraries are imported first)."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "broken_arrow.py").write_text(
        'raise ImportError("pyarrow requires NumPy 2.0 or newer, found 1.26.4")\n', encoding="utf-8")
    (tmp_path / "lib" / "arrow_entry.py").write_text("import broken_arrow\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    drift = next(g for g in GROUPS if g.family == "drift")
    target = drift.target if entry == "drift's own" else "arrow_entry:run"
    report = _run(tmp_path, monkeypatch,
                  replace(drift, target=target, libraries=("broken_arrow", *drift.libraries)))
    error = by_id(report.checks, "drift.drift")
    assert error.status is Status.ERROR
    assert error.summary == ("drift checks stopped: ImportError: pyarrow requires NumPy 2.0 or newer, "
                             "found 1.26.4")
    assert error.details == runner.BROKEN_ENVIRONMENT
    assert "broken_arrow.py" in error.evidence["traceback"]
    assert [c.id for c in report.checks if c.family == "drift"] == ["drift.drift"]
    assert by_id(report.checks, "data.types").status is Status.PASS
    assert report.status is Status.FAIL


def test_a_group_whose_libraries_import_runs_its_checks(tmp_path, monkeypatch):
    """The twin: the same group with its own libraries checks the drift."""
    report = _run(tmp_path, monkeypatch, next(g for g in GROUPS if g.family == "drift"))
    assert "drift.drift" not in {c.id for c in report.checks}
    assert {c.id for c in report.checks if c.family == "drift"} >= {"drift.psi"}


def test_a_check_that_raises_errs_alone_and_the_next_file_is_still_checked(tmp_path, monkeypatch):
    from checker.checks.data import family as data_family

    (tmp_path / "a.csv").write_text("a\n1\n2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("a\n3\n", encoding="utf-8")
    real_scan = data_family._scan

    def scan_or_crash(data, *args):
        if data.path.name == "a.csv":
            raise RuntimeError("scanner bug")
        return real_scan(data, *args)

    monkeypatch.setattr(data_family, "_scan", scan_or_crash)
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: int}}}
        data:
          - {contract: t, files: "*.csv"}
        """)
    report = runner.run(RunContext(loaded=load_config(config, {}), out_dir=tmp_path / "out"), None)
    crashed = [c for c in report.checks if "a.csv" in c.subject]
    assert [(c.id, c.status) for c in crashed] == [("data.readable", Status.ERROR)]
    assert crashed[0].summary == "data.readable stopped: RuntimeError: scanner bug"
    assert by_id(report.checks, "data.types", "b.csv").status is Status.PASS
