"""Warnings about a valid config that may behave differently here and in CI.

`mlsmoke validate` prints them; they never fail it.
"""

from __future__ import annotations

from checker.config.load import LoadedConfig
from checker.errors import ConfigProblem


def config_warnings(loaded: LoadedConfig) -> list[ConfigProblem]:
    """Each warning as a ConfigProblem (file, line, key, message)."""
    pipeline = loaded.config.pipeline
    if pipeline is None or pipeline.setup or "/" in pipeline.python:
        return []
    return [ConfigProblem(
        loaded.display, loaded.index.line(("pipeline",)), "pipeline",
        f"no setup, so the pipeline runs on whatever `{pipeline.python}` and `python` are on PATH. "
        "Locally that is often the environment mlsmoke is installed in (with pandas, pyarrow and "
        "scikit-learn); in the action's image it has only numpy, pandas, pyarrow, scikit-learn and "
        "joblib, so a run that passes here can fail in CI with `No module named …` (`mlsmoke run "
        "--docker` runs that image here). Add `setup: pip install -r requirements.txt`, or set "
        "`python:` to your project's virtual environment")]
