"""drift.family confines at run time: an input that turns into a symlink out of the project
after the config was loaded fails both checks unread; inside, it is compared."""

from __future__ import annotations

from pathlib import Path

from helpers import write_config

from checker.checks.drift.family import run as run_drift
from checker.config.load import load_config
from checker.results.model import Status
from checker.run.context import RunContext

DRIFT = """
version: 1
contracts:
  t:
    columns:
      x: {type: float}
drift:
  - {contract: t, reference: data/ref.csv, current: data/cur.csv}
"""


def test_drift_checks_confine_at_run_time(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    rows = "x\n" + "\n".join(str(i / 10) for i in range(50)) + "\n"
    for name in ("ref.csv", "cur.csv"):
        (root / "data" / name).write_text(rows)
    (tmp_path / "outside.csv").write_text(rows)
    write_config(root, DRIFT)
    loaded = load_config(root / "mlsmoke.yml", {})
    before = list(run_drift(loaded.config, RunContext(loaded, root / "out")))
    assert [r.status for r in before] == [Status.PASS, Status.PASS]
    (root / "data" / "cur.csv").unlink()
    (root / "data" / "cur.csv").symlink_to(tmp_path / "outside.csv")  # after loading
    results = list(run_drift(loaded.config, RunContext(loaded, root / "out")))
    assert [r.status for r in results] == [Status.FAIL, Status.FAIL]
    assert all(r.summary.startswith("refused data/cur.csv: not read") for r in results)
    assert results[0].location is not None and results[0].location.line == 7  # the entry's `current`
