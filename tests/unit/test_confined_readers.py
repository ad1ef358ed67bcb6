"""The readers confine at run time too: a file that turns into a symlink out of the project
after the config was loaded is refused unread (drift, serve builds), the same file inside is read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import write_config

from checker.checks.drift.family import run as run_drift
from checker.checks.endpoint.serve import ServeFailed, ServeSession
from checker.config.load import load_config
from checker.config.schema import Serve
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


def _session(root: Path, build: str, dockerfile: str | None = None) -> ServeSession:
    return ServeSession(Serve(build=build, dockerfile=dockerfile, port=8080), root, time.monotonic() + 5)


def test_a_serve_build_context_inside_the_project_is_used(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM scratch\n")
    context, dockerfile = _session(tmp_path, "svc")._build_paths()
    assert (context, dockerfile) == ((tmp_path / "svc").resolve(), "Dockerfile")


@pytest.mark.parametrize(("build", "dockerfile"), [("ext", None), ("svc", "../../Dockerfile")])
def test_a_serve_build_out_of_the_project_is_refused(tmp_path: Path, build: str,
                                                     dockerfile: str | None) -> None:
    root = tmp_path / "project"
    (root / "svc").mkdir(parents=True)
    (root / "ext").symlink_to(tmp_path)
    with pytest.raises(ServeFailed, match=r"refused to build: .* leads outside the project folder"):
        _session(root, build, dockerfile)._build_paths()
