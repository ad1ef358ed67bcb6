"""The user's commands and paths as they run in a scratch space: `{data}`, `{out}` and
`{python}` substituted, the interpreter resolved, the environment assembled."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

from checker.checks.pipeline.scratch import Scratch
from checker.config.schema import Pipeline
from checker.record import record

SHELL = "/bin/sh"
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


def data_format(pipeline: Pipeline) -> str:
    """Parquet by default; `data_format`, else the extension of `data_path`, decides."""
    if pipeline.data_format:
        return pipeline.data_format
    if pipeline.data_path:
        suffix = Path(pipeline.data_path).suffix.lower()
        return {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}.get(suffix, "parquet")
    return "parquet"


def data_suffix(fmt: str) -> str:
    return _SUFFIX[fmt]


@record
class Placeholders:
    data: Path
    out: Path
    python: str

    def path(self, template: str, base: Path) -> Path:
        """An artifact or model path: placeholders filled, relative paths from the work tree."""
        filled = (template.replace("{data}", str(self.data)).replace("{out}", str(self.out))
                  .replace("{python}", self.python))
        path = Path(filled)
        return path if path.is_absolute() else base / path

    def command(self, template: str) -> list[str]:
        """argv for the shell: placeholders filled and quoted, so paths with spaces survive."""
        filled = (template.replace("{data}", shlex.quote(str(self.data)))
                  .replace("{out}", shlex.quote(str(self.out)))
                  .replace("{python}", shlex.quote(self.python)))
        return [SHELL, "-c", filled]


def placeholders(pipeline: Pipeline, scratch: Scratch, python: str) -> Placeholders:
    return Placeholders(data=scratch.data_file(pipeline.data_path, data_suffix(data_format(pipeline))),
                        out=scratch.out, python=python)


def resolve_python(python: str, project: Path, environ: Mapping[str, str]) -> str | None:
    """The user's interpreter as an absolute path: a path is taken from the project folder
    (never the scratch copy: virtual environments are not relocatable), a bare name from PATH."""
    if "/" in python:
        path = Path(python) if Path(python).is_absolute() else project / python
        return str(path) if path.is_file() else None
    return shutil.which(python, path=environ.get("PATH"))


GITHUB_CREDENTIALS = frozenset({
    "GITHUB_TOKEN", "INPUT_GITHUB_TOKEN", "INPUT_GITHUB-TOKEN", "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
})


def user_environ(pipeline: Pipeline, environ: Mapping[str, str], python: str | None,
                 values: Placeholders, seed: int) -> dict[str, str]:
    """The environment of setup, command and probe. When `python` is a path into a virtual
    environment, its bin folder comes first on PATH, so `python` and `pip` in commands are it.
    The job's GitHub credentials are left out: training code has no use for them (a pipeline
    that does can pass one explicitly through `pipeline.env`)."""
    env = {name: value for name, value in environ.items() if name not in GITHUB_CREDENTIALS}
    env.update(pipeline.env)
    if python and "/" in pipeline.python:
        env["PATH"] = str(Path(python).parent) + (f":{env['PATH']}" if env.get("PATH") else "")
    env.update(MLSMOKE_DATA=str(values.data), MLSMOKE_OUT=str(values.out), MLSMOKE_SEED=str(seed))
    return env
