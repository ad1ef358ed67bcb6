"""The run's handoff from the pipeline family to endpoint.parity: what it keeps is released
when the run ends, and a missing model says why."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

from checker.checks.handoff import Handoff, OfflineModel


def test_kept_scratch_copies_outlive_the_family_and_go_when_the_run_ends() -> None:
    handoff = Handoff()
    with ExitStack() as family:
        folder = Path(family.enter_context(tempfile.TemporaryDirectory()))
        handoff.pipeline_model = OfflineModel(folder / "model.joblib", None, "python3", folder, {})
        handoff.keep(family.pop_all())
    assert folder.is_dir()
    handoff.close()
    assert not folder.exists() and handoff.pipeline_model is None


def test_without_a_model_the_reason_says_whether_the_pipeline_ran() -> None:
    handoff = Handoff()
    assert "did not run in this run" in handoff.why_no_pipeline_model()
    handoff.pipeline_ran = True
    assert "see pipeline.model_load" in handoff.why_no_pipeline_model()
