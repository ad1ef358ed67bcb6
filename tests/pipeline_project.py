"""Small throwaway ML projects for the pipeline tests, run in the real user venv.

`make_project` writes a project folder (files + mlsmoke.yml with a small contract);
`run_pipeline` runs the pipeline family on it with the user venv first on PATH and asserts the
project folder is byte-for-byte unchanged afterwards (the checkout is never modified).
"""

from __future__ import annotations

import hashlib
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

from helpers import run_check, write_config
from user_env import user_venv

from checker.results.model import CheckResult

CONTRACT = """\
contracts:
  wine:
    columns:
      wine_id:  {type: int, unique: true, role: id}
      alcohol:  {type: float, min: 10.0, max: 15.0}
      ph:       {type: float, min: 2.5, max: 4.0}
      batch:    {type: string, allowed: [a, b], role: ignore}
      cultivar: {type: int, allowed: [0, 1], role: target}
"""

# a model class the user's project defines; pickles of it load when the project is importable
RULES_MODULE = '''
class Threshold:
    """1 when `column` is above `cut`, else 0."""

    def __init__(self, column, cut):
        self.column, self.cut = column, cut

    def predict(self, frame):
        return [1 if value > self.cut else 0 for value in frame[self.column]]


class Constant:
    def __init__(self, value):
        self.value = value

    def predict(self, frame):
        return [self.value] * len(frame)


class Raising:
    def predict(self, frame):
        raise ValueError("alcohol must be positive, got a frame of " + str(len(frame)) + " rows")


class Short:
    def predict(self, frame):
        return [0] * (len(frame) - 1)


class Noisy:
    """Unseeded: a different offset every time it is trained."""

    def __init__(self):
        import random
        self.offset = random.random()

    def predict(self, frame):
        return [self.offset + value for value in frame["alcohol"]]


class ColumnNames:
    """Predicts how many columns it was given, and remembers their names."""

    def predict(self, frame):
        if list(frame.columns) != ["alcohol", "ph"]:
            raise ValueError("got columns " + ", ".join(frame.columns))
        return [len(frame.columns)] * len(frame)
'''

# writes {out}/model.pkl holding MODEL (an expression over `rules`), and {out}/metrics.json
TRAIN_RULES = '''
import json, pickle, sys
from pathlib import Path
import rules

out = Path(sys.argv[sys.argv.index("--out") + 1])
out.mkdir(parents=True, exist_ok=True)
with open(out / "model.pkl", "wb") as handle:
    pickle.dump({model}, handle)
(out / "metrics.json").write_text(json.dumps({{"accuracy": 0.9, "sizes": {{"train": 150}}}}))
'''


def make_project(folder: Path, pipeline: str, files: Mapping[str, str | bytes] | None = None) -> Path:
    """A project folder with `files` and an mlsmoke.yml whose pipeline section is `pipeline`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    section = textwrap.indent(textwrap.dedent(pipeline).strip(), "  ")
    return write_config(folder, f"version: 1\n{CONTRACT}pipeline:\n{section}\n")


def rules_project(folder: Path, model: str, pipeline_extra: str = "", **files: str) -> Path:
    """A project whose training writes a pickled rules model (`model` is a Python expression)."""
    pipeline = """
        contract: wine
        rows: 60
        seed: 3
        command: python train.py --data {data} --out {out}
        timeout: 60s
        artifacts:
          - {path: "{out}/model.pkl", min_bytes: 10}
        model:
          path: "{out}/model.pkl"
          output: {type: int, allowed: [0, 1]}
          rows: 20
    """
    pipeline = textwrap.dedent(pipeline).strip() + "\n" + textwrap.dedent(pipeline_extra)
    return make_project(folder, pipeline, {"rules.py": RULES_MODULE,
                                           "train.py": TRAIN_RULES.format(model=model), **files})


def user_environ() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{user_venv() / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)  # the user's code must not see mlsmoke's checkout
    return env


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_pipeline(config: Path, out_dir: Path) -> dict[str, CheckResult]:
    """The pipeline family's results by id; asserts each id once and the project unchanged."""
    before = tree_hash(config.parent)
    results = run_check(config, "pipeline", environ=user_environ(), out_dir=out_dir)
    assert tree_hash(config.parent) == before, "the pipeline modified the user's checkout"
    by_id = {r.id: r for r in results}
    assert len(by_id) == len(results) == 9, [r.id for r in results]
    return by_id


def statuses(results: Mapping[str, CheckResult]) -> dict[str, str]:
    return {check_id: r.status.value for check_id, r in results.items()}
