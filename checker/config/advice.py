"""Warnings about a valid config that may behave differently here and in CI.

`mlsmoke validate` prints them; they never fail it.
"""

from __future__ import annotations

from checker.config.load import LoadedConfig
from checker.errors import ConfigProblem


def config_warnings(loaded: LoadedConfig) -> list[ConfigProblem]:
    """Each warning as a ConfigProblem (file, line, key, message)."""
    return [*_pipeline_without_setup(loaded), *_unnamed_endpoints(loaded)]


def _unnamed_endpoints(loaded: LoadedConfig) -> list[ConfigProblem]:
    """An endpoint entry without a name, when its results are matched with earlier ones (a
    baseline file, a comparison with the base branch): they are matched by its URL."""
    config = loaded.config
    matched = [what for what, used in (("the baseline", (loaded.root / config.baseline.file).is_file()),
                                       ("the base branch's results", config.compare is not None)) if used]
    if not matched:
        return []
    entries = config.endpoint
    return [ConfigProblem(
        loaded.display, loaded.index.line(("endpoint", i, "url")),
        "endpoint" if len(entries) == 1 else f"endpoint[{i}]",
        f"no name, so its results are matched with {' and '.join(matched)} by its URL: another "
        "URL (`--staging-url`, a preview deploy per pull request) makes its known failures new "
        "and leaves nothing to compare. Give it a `name:`")
        for i, entry in enumerate(entries) if not entry.name and entry.url]


def _pipeline_without_setup(loaded: LoadedConfig) -> list[ConfigProblem]:
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
