"""The local-file comparison on a real git repository: `main` runs and keeps its results.json,
the `pr` branch compares with it through `compare.results` — a fixed data fault, a new one, the
row counts and the pipeline's metrics against compare.metrics."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import cli_in_process
from integration.test_compat_git import git, repo_with_pr

CONFIG = """\
version: 1
contracts:
  wine:
    columns:
      wine_id: {type: int, unique: true}
      ph: {type: float, min: 0, max: 14, nullable: false}
data:
  - {contract: wine, files: data/*.csv}
pipeline:
  contract: wine
  rows: 5
  command: python3 train.py
  timeout: 60s
  artifacts:
    - {path: models/metrics.json, json: {accuracy: {min: 0}}}
compare:
  results: .mlsmoke/base-results.json
  metrics:
    accuracy: {max_drop: 0.02}
    nested.rmse: {max_increase: 0.1}
"""
TRAIN = """\
import json, os
os.makedirs("models", exist_ok=True)
score = float(open("score.txt").read())
json.dump({"accuracy": score, "nested": {"rmse": 0.3, "epochs": [1, 2]}, "name": "m"},
          open("models/metrics.json", "w"))
"""
BASE = {"mlsmoke.yml": CONFIG, "train.py": TRAIN, "score.txt": "0.90",
        "data/wine.csv": "wine_id,ph\n1,3.2\n2,15.5\n3,3.1\n"}  # a pH out of range on main


def run(config: Path) -> tuple[int, dict, str]:
    done = cli_in_process("run", "--no-publish", cwd=config.parent)
    out = config.parent / "mlsmoke-out"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return done.returncode, results, (out / "report.md").read_text(encoding="utf-8")


def base_then_pr(tmp_path: Path, score: str) -> tuple[int, dict, str]:
    """Run on main and keep its results as the base, then run on the PR branch."""
    config = repo_with_pr(tmp_path, BASE, {"score.txt": score,  # the range fault fixed, a null added
                                           "data/wine.csv": "wine_id,ph\n1,3.2\n2,3.3\n3,\n4,3.0\n"})
    top = config.parent
    git(top, "checkout", "-q", "main")
    code, results, _ = run(config)
    assert code == 1  # data.ranges fails on main
    assert results["compare"]["skipped"] == "compare.results: .mlsmoke/base-results.json does not exist"
    (top / ".mlsmoke").mkdir()
    shutil.copy(top / "mlsmoke-out" / "results.json", top / ".mlsmoke" / "base-results.json")
    git(top, "checkout", "-q", "pr")
    return run(config)


def by(results: dict, check_id: str, subject: str | None = None) -> dict:
    [found] = [c for c in results["checks"] if c["id"] == check_id and subject in (None, c["subject"])]
    return found


def test_the_pr_branch_is_compared_with_mains_results(tmp_path: Path) -> None:
    code, results, report = base_then_pr(tmp_path, score="0.85")
    assert code == 1
    compare = results["compare"]
    assert compare["skipped"] is None and compare["base"]["source"] == ".mlsmoke/base-results.json"
    assert [e["id"] for e in compare["new"]] == ["data.nulls", "compare.metrics"]
    assert [e["id"] for e in compare["fixed"]] == ["data.ranges"]
    assert compare["deltas"]["rows"] == {"wine: data/wine.csv": {"base": 3, "head": 4}}
    assert compare["deltas"]["metrics"]["accuracy"] == {"base": 0.9, "head": 0.85}
    assert compare["deltas"]["metrics"]["nested.epochs.1"] == {"base": 2, "head": 2}
    assert "name" not in compare["deltas"]["metrics"]  # a string in the metrics file
    accuracy = by(results, "compare.metrics", "accuracy")
    assert accuracy["status"] == "fail" and "drop of 0.05 is above the allowed 0.02" in accuracy["summary"]
    assert by(results, "compare.metrics", "nested.rmse")["status"] == "pass"
    assert "**New failures:** `data.nulls`" in report and "✅ `data.ranges`" in report


def test_a_metric_within_its_allowed_drop_passes(tmp_path: Path) -> None:
    code, results, _ = base_then_pr(tmp_path, score="0.89")
    assert by(results, "compare.metrics", "accuracy")["status"] == "pass"
    assert [e["id"] for e in results["compare"]["new"]] == ["data.nulls"]
    assert code == 1  # the new data fault still fails the run


@pytest.mark.parametrize(("rule", "status"), [("warn", "warn"), ("off", "skip")])
def test_a_compare_gate_is_demoted_like_any_check(tmp_path: Path, rule: str, status: str) -> None:
    config = repo_with_pr(tmp_path, BASE, {})
    top = config.parent
    base = json.loads(json.dumps({"schema_version": 1, "status": "pass", "checks": [
        {"id": "pipeline.metrics", "status": "pass", "subject": "python3 train.py",
         "metrics": {"numbers": {"accuracy": 0.99, "nested.rmse": 0.3}}}]}))
    (top / ".mlsmoke").mkdir()
    (top / ".mlsmoke" / "base-results.json").write_text(json.dumps(base), encoding="utf-8")
    config.write_text(CONFIG + f"checks:\n  - {{id: compare.metrics, severity: {rule}, subject: accuracy}}\n",
                      encoding="utf-8")
    _, results, _ = run(config)
    assert by(results, "compare.metrics", "accuracy")["status"] == status
