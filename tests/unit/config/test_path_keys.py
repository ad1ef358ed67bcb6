"""Every path key of mlsmoke.yml is confined to the project at load time (exit 2 with file,
line and key), and the same keys pointing inside the project load."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_config

from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

CONTRACT = "contracts:\n  t:\n    columns:\n      x: {type: int}\n"
PIPELINE = "pipeline:\n  contract: t\n  command: 'true'\n"
SERVE = "endpoint:\n  contract: t\n  serve: {port: 8080, build: 'svc'}\n"

# (the config after `version: 1` and the contract, the key refused, a fragment of the reason)
ESCAPES = [
    ("data:\n  - contract: t\n    files: ['../../etc/*']\n", "data[0].files[0]", "through '..'"),
    ("data:\n  - contract: t\n    files: /etc/passwd\n", "data[0].files", "absolute path"),
    ("data:\n  - contract: t\n    files: ['.git/config']\n", "data[0].files[0]", ".git folder"),
    ("data:\n  - contract: t\n    files: ['ext/*.csv']\n", "data[0].files[0]", "leads outside"),
    ("drift:\n  - {contract: t, reference: /etc/passwd, current: data/a.csv}\n", "drift[0].reference",
     "absolute path"),
    ("drift:\n  - {contract: t, reference: data/a.csv, current: ../b.csv}\n", "drift[0].current", "'..'"),
    (PIPELINE + "  artifacts:\n    - path: '{out}/../../../etc/passwd'\n", "pipeline.artifacts[0].path",
     "leads outside {out}"),
    (PIPELINE + "  artifacts:\n    - path: /etc/passwd\n", "pipeline.artifacts[0].path", "absolute path"),
    (PIPELINE + "  model: {path: ../model.joblib}\n", "pipeline.model.path", "'..'"),
    (PIPELINE + "  data_path: data/link.csv\n", "pipeline.data_path", "leads outside"),
    ("endpoint:\n  url: http://127.0.0.1:1\n  contract: t\n  response: {schema: ../s.json}\n",
     "endpoint.response.schema", "'..'"),
    (SERVE.replace("'svc'", "'..'"), "endpoint.serve.build", "'..'"),
    (SERVE.replace("}", ", dockerfile: ../../Dockerfile}"), "endpoint.serve.dockerfile", "the Dockerfile"),
]

INSIDE = [
    "data:\n  - contract: t\n    files: ['data/*.csv', 'data/**/*.jsonl', 'data/../data/a.csv']\n",
    "drift:\n  - {contract: t, reference: data/a.csv, current: data/b.csv}\n",
    PIPELINE + "  data_path: data/train.csv\n  artifacts:\n    - path: '{out}/metrics.json'\n"
               "    - path: '{data}'\n    - path: models/m.joblib\n  model: {path: '{out}/m.joblib'}\n",
    "endpoint:\n  url: http://127.0.0.1:1\n  contract: t\n  response: {schema: schemas/answer.json}\n",
    SERVE.replace("}", ", dockerfile: Dockerfile.serve}"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "ext").symlink_to(tmp_path / "outside")
    (root / "data" / "link.csv").symlink_to(tmp_path / "outside" / "x.csv")
    return root


def _problems(root: Path, body: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(root, f"version: 1\n{CONTRACT}{body}"), {})
    return caught.value.problems


@pytest.mark.parametrize(("body", "key", "fragment"), ESCAPES, ids=[e[1] + ":" + e[2] for e in ESCAPES])
def test_a_path_that_leaves_the_project_is_an_exit_2_at_its_key(project: Path, body: str, key: str,
                                                              fragment: str) -> None:
    problems = _problems(project, body)
    assert [p.key for p in problems] == [key]
    assert fragment in problems[0].message
    assert problems[0].file.endswith("mlsmoke.yml")
    assert problems[0].line is not None and problems[0].line > 4


@pytest.mark.parametrize("body", INSIDE)
def test_paths_inside_the_project_load(project: Path, body: str) -> None:
    load_config(write_config(project, f"version: 1\n{CONTRACT}{body}"), {})


@pytest.mark.parametrize(("file", "fragment"), [
    ("../outside.yml", "through '..'"), ("/etc/hosts", "absolute path"), (".git/config", ".git folder"),
    ("ext/contract.yml", "leads outside"),
])
def test_a_contract_file_outside_the_project_is_not_read(project: Path, file: str, fragment: str) -> None:
    (project.parent / "outside" / "contract.yml").write_text("columns:\n  x: {type: int}\n")
    config = f"version: 1\ncontracts:\n  u: {{file: '{file}'}}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(project, config), {})
    [problem] = caught.value.problems
    assert (problem.key, problem.line) == ("contracts.u.file", 3)
    assert fragment in problem.message


def test_a_contract_file_inside_the_project_is_read_through_a_symlink(project: Path) -> None:
    (project / "contracts").mkdir()
    (project / "contracts" / "t.yml").write_text("columns:\n  x: {type: int}\n")
    (project / "t.yml").symlink_to("contracts/t.yml")
    loaded = load_config(write_config(project, "version: 1\ncontracts:\n  t: {file: t.yml}\n"), {})
    assert list(loaded.config.contract("t").columns) == ["x"]


def test_a_refused_contract_file_does_not_hide_the_other_path_problems(project: Path) -> None:
    config = ("version: 1\ncontracts:\n  u: {file: ../x.yml}\n"
              "data:\n  - contract: u\n    files: /etc/*\n")
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(project, config), {})
    assert [(p.line, p.key) for p in caught.value.problems] == [(3, "contracts.u.file"), (6, "data[0].files")]
    assert caught.value.problems[0].message.startswith("../x.yml: leads outside the project folder")
