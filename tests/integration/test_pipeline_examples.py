"""The example projects: wine-quality passes the whole pipeline family; examples/broken (a
training script that ignores the pattern's feature) fails exactly pipeline.expect."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO
from pipeline_project import run_pipeline, statuses

EXAMPLES = REPO / "examples"


def test_wine_quality_example_passes_every_pipeline_check(tmp_path: Path) -> None:
    results = run_pipeline(EXAMPLES / "wine-quality" / "mlsmoke.yml", tmp_path / "out")
    assert statuses(results) == dict.fromkeys(results, "pass"), {
        i: r.summary for i, r in results.items() if r.status.value != "pass"}
    assert results["pipeline.expect"].metrics == {"expectations": 3, "violations": 0}
    assert "RandomForestClassifier" in results["pipeline.model_load"].summary
    assert results["pipeline.run"].metrics["peak_rss_mb"] > 50


def test_broken_example_fails_exactly_pipeline_expect(tmp_path: Path) -> None:
    results = run_pipeline(EXAMPLES / "broken" / "mlsmoke.yml", tmp_path / "out")
    failed = {i for i, r in results.items() if r.status.value != "pass"}
    assert failed == {"pipeline.expect"}, {i: results[i].summary for i in failed}
    mismatches = results["pipeline.expect"].evidence["mismatches"]
    assert mismatches and all("alcohol" in m["input"] for m in mismatches)
