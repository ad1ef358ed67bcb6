"""The keys of mlsmoke.yml that name files, each checked against the project root at load time.

A path written in the config that leaves the project (absolute, through '..', or through a
symlink that exists now) or names a `.git` folder is an exit 2 naming file, line and key.
What only exists at run time (a glob's matches, a scratch copy's artifacts) is confined then.
Contract files (`contracts: {x: {file: …}}`) are confined where the loader reads them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from checker.config.field_types import PIPELINE_MODEL
from checker.config.paths import lexical_problem, literal_problem
from checker.config.schema import Config
from checker.config.yamlmap import LineIndex, PathKey, dotted
from checker.errors import ConfigProblem

if TYPE_CHECKING:
    from checker.config.endpoint_schema import Endpoint
    from checker.config.pipeline_schema import Pipeline

# Artifact and model paths may start with these: the rest is then inside the scratch space.
SCRATCH_PLACEHOLDERS = ("{out}", "{data}")

Check = Callable[[Path, str], "str | None"]


def path_problems(config: Config, root: Path, index: LineIndex) -> list[ConfigProblem]:
    problems = []
    for key, value, check in _path_keys(config):
        message = check(root, value)
        if message is not None:
            found, line = index.resolve(key)  # `endpoint.x` when endpoint is one mapping
            problems.append(ConfigProblem(index.file, line, dotted(found), message))
    return problems


def _path_keys(config: Config) -> Iterator[tuple[PathKey, str, Check]]:
    for i, entry in enumerate(config.data):
        for j, pattern in enumerate(entry.files):
            yield ("data", i, "files", j), pattern, literal_problem
    for i, drift in enumerate(config.drift):
        yield ("drift", i, "reference"), drift.reference, literal_problem
        yield ("drift", i, "current"), drift.current, literal_problem
    if config.pipeline:
        yield from _pipeline_keys(config.pipeline)
    trained = config.pipeline is not None and config.pipeline.model is not None
    for i, endpoint in enumerate(config.endpoint):
        yield from ((("endpoint", i, *key), value, check) for key, value, check in _endpoint_keys(endpoint))
        if endpoint.parity:
            check = literal_problem if endpoint.parity.model != PIPELINE_MODEL else (
                _no_problem if trained else _no_pipeline_model)
            yield ("endpoint", i, "parity", "model"), endpoint.parity.model, check
    yield ("baseline", "file"), config.baseline.file, literal_problem
    if config.compare and config.compare.results:
        yield ("compare", "results"), config.compare.results, literal_problem


def _pipeline_keys(pipeline: Pipeline) -> Iterator[tuple[PathKey, str, Check]]:
    if pipeline.data_path:
        yield ("pipeline", "data_path"), pipeline.data_path, literal_problem
    for i, artifact in enumerate(pipeline.artifacts):
        yield ("pipeline", "artifacts", i, "path"), artifact.path, artifact_problem
    if pipeline.model:
        yield ("pipeline", "model", "path"), pipeline.model.path, artifact_problem


def _endpoint_keys(endpoint: Endpoint) -> Iterator[tuple[PathKey, str, Check]]:
    if endpoint.response and endpoint.response.schema_:
        yield ("response", "schema"), endpoint.response.schema_, literal_problem
    serve = endpoint.serve
    if serve and serve.build:
        yield ("serve", "build"), serve.build, literal_problem
        if serve.dockerfile:
            yield ("serve", "dockerfile"), posixpath.join(serve.build, serve.dockerfile), _dockerfile_problem


def artifact_problem(root: Path, template: str) -> str | None:
    """`{out}/…` and `{data}` stay in the scratch space; anything else is a project path (the
    pipeline runs in a copy of the project)."""
    for placeholder in SCRATCH_PLACEHOLDERS:
        if template.startswith(placeholder):
            rest = template[len(placeholder):].lstrip("/") or "."
            return lexical_problem(rest, inside=placeholder)
    return literal_problem(root, template)


def _no_problem(_root: Path, _value: str) -> str | None:
    return None


def _no_pipeline_model(_root: Path, value: str) -> str | None:
    return f"{value} is the model the pipeline trains: it needs a pipeline section with model"


def _dockerfile_problem(root: Path, path: str) -> str | None:
    problem = literal_problem(root, path)
    return None if problem is None else f"the Dockerfile {problem}"
