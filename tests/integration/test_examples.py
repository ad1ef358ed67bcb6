"""The two example projects, run whole through the real CLI as a user would: every family —
data, drift, pipeline (in a real separate user venv) and endpoint (built and served with the
real Docker engine). wine-quality passes; examples/broken fails with exactly its three
deliberate faults (SPEC §7): a renamed column, a pipeline that ignores the pattern's feature,
and an endpoint that 500s on malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docker_engine import BASE_IMAGE, docker_client
from helpers import REPO, cli
from pipeline_project import tree_hash, user_environ
from real_servers import free_port

pytestmark = pytest.mark.docker

EXAMPLES = REPO / "examples"


def run_example(name: str, out: Path) -> tuple[int, dict[str, str], dict]:
    docker_client()  # skip, or fail under MLSMOKE_REQUIRE_DOCKER=1, when no engine answers
    project = EXAMPLES / name
    before = tree_hash(project)
    env = {**user_environ(), "BASE_IMAGE": BASE_IMAGE, "SERVE_PORT": str(free_port())}
    env.pop("GITHUB_ACTIONS", None)
    done = cli("run", "--out", str(out), cwd=project, env=env, timeout=900)
    assert tree_hash(project) == before, "the run modified the example's checkout"
    assert done.returncode in (0, 1), done.stderr
    results = json.loads((out / "results.json").read_text())
    statuses = {f"{c['id']} [{c['subject']}]": c["status"] for c in results["checks"]}
    return done.returncode, statuses, results


def test_the_wine_quality_example_passes_every_family(tmp_path: Path) -> None:
    code, statuses, results = run_example("wine-quality", tmp_path / "out")
    not_passed = {k: v for k, v in statuses.items() if v != "pass"}
    assert not_passed == {"data.compatibility [mlsmoke.yml]": "skip"}, not_passed
    assert code == 0 and results["status"] == "pass"
    families = {c["family"] for c in results["checks"]}
    assert families == {"data", "drift", "pipeline", "endpoint"}
    report = (tmp_path / "out" / "report.md").read_text()
    assert "✅" in report and "endpoint.latency" in report


def test_the_broken_example_fails_with_exactly_its_three_faults(tmp_path: Path) -> None:
    code, statuses, results = run_example("broken", tmp_path / "out")
    failed = {k.split(" [")[0] for k, v in statuses.items() if v not in ("pass", "skip")}
    assert failed == {"data.columns", "pipeline.expect", "endpoint.malformed"}, statuses
    assert code == 1 and results["status"] == "fail"
    columns = next(c for c in results["checks"] if c["id"] == "data.columns")
    assert "alcohol" in columns["summary"] and "alcohol_pct" in columns["summary"]
