"""Nothing outside the project, and nothing in .git, reaches a report: a pull request that
symlinks a data file to the checkout's .git/config (where the job token sits, base64, in
`extraheader`), to a file outside the repository, or loops a folder into itself, gets failed
checks naming the refused paths, and the files inside the project are still read."""

from __future__ import annotations

import base64
import json
import os
import textwrap
from pathlib import Path

import pytest
from helpers import by_id, cli, run_check, write_config
from pipeline_project import make_project

from checker.results.model import Status

TOKEN = "ghs_CANARYtoken0123456789abcdefghijABCD"
TOKEN_B64 = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
OUTSIDE_CANARY = "OUTSIDE-CANARY-7f3a"

CONFIG = """
version: 1
contracts:
  rows:
    columns:
      "[core]": {type: string, pattern: "[a-z]+"}  # .git/config's first line: a crafted rule
data:
  - contract: rows
    files: ["data/**/*.csv"]
"""


def _plant_checkout(root: Path) -> None:
    """What actions/checkout leaves behind with persist-credentials (the default)."""
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text(textwrap.dedent(f"""
        [core]
        \trepositoryformatversion = 0
        [http "https://github.com/"]
        \textraheader = AUTHORIZATION: basic {TOKEN_B64}
    """).lstrip())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    top = tmp_path_factory.mktemp("hostile")
    root, outside = top / "repo", top / "outside"
    _plant_checkout(root)
    outside.mkdir()
    (outside / "secret.csv").write_text(f"[core]\n{OUTSIDE_CANARY}\n")
    data = root / "data"
    (data / "nested").mkdir(parents=True)
    (data / "good.csv").write_text("[core]\nabc\n")
    (data / "nested" / "deep.csv").write_text("[core]\nxyz\n")
    (data / "alias.csv").symlink_to("good.csv")  # inside the project: still read
    (data / "x.csv").symlink_to("../.git/config")
    (data / "out.csv").symlink_to(outside / "secret.csv")
    (data / "far").symlink_to(outside)
    (data / "loop").symlink_to(".")
    (data / "nested" / "up").symlink_to("..")
    write_config(root, CONFIG)
    out = top / "mlsmoke-out"
    done = cli("run", "--config", str(root / "mlsmoke.yml"), "--out", str(out), "--no-publish",
               cwd=top, env={"GITHUB_ACTIONS": ""}, timeout=120)
    assert done.returncode == 1, done.stderr
    return root, out


def _results(out: Path) -> list[dict]:
    return json.loads((out / "results.json").read_text())["checks"]


def test_escaping_matches_fail_data_readable_with_the_reason(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    readable = {c["subject"]: c for c in _results(out) if c["id"] == "data.readable"}
    assert readable["rows: data/x.csv"]["status"] == "fail"
    assert ".git folder" in readable["rows: data/x.csv"]["details"]
    for refused in ("rows: data/out.csv", "rows: data/far"):
        assert readable[refused]["status"] == "fail"
        assert "leads outside the project folder" in readable[refused]["details"]
        assert "not read" in readable[refused]["summary"]


def test_files_inside_are_read_once_despite_symlink_loops(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    passed = sorted(c["subject"] for c in _results(out)
                    if c["id"] == "data.readable" and c["status"] == "pass")
    assert passed == ["rows: data/alias.csv", "rows: data/good.csv", "rows: data/nested/deep.csv"]


def test_no_token_nor_its_base64_nor_outside_data_is_in_any_output(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    for name in ("results.json", "report.md", "junit.xml"):
        text = (out / name).read_text()
        for canary in (TOKEN, TOKEN_B64, TOKEN_B64[:24], "extraheader", OUTSIDE_CANARY):
            assert canary not in text, f"{canary} leaked into {name}"


def test_validate_refuses_a_glob_out_of_the_project_with_file_line_and_key(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write_config(root, CONFIG.replace("data/**/*.csv", "../../etc/*"))
    done = cli("validate", "--config", "mlsmoke.yml", cwd=root)
    assert done.returncode == 2
    assert "mlsmoke.yml:8: data[0].files[0]: ../../etc/* leads outside the project folder" in done.stderr
    write_config(root, CONFIG)
    assert cli("validate", "--config", "mlsmoke.yml", cwd=root).returncode == 0


# -- pipeline artifacts: the pipeline's own symlinks do not carry outside files into the report --

PIPELINE = """
contract: wine
rows: 20
command: {command}
artifacts:
  - path: "{{out}}/metrics.json"
    json: {{leak: {{min: 0}}}}
model:
  path: "{{out}}/model.pkl"
"""


def _pipeline_results(folder: Path, command: str) -> dict[str, object]:
    config = make_project(folder, PIPELINE.format(command=command))
    return {r.id: r for r in run_check(config, "pipeline", environ=dict(os.environ), out_dir=folder / "o")}


def test_artifacts_symlinked_out_of_the_scratch_space_are_refused_unread(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"leak": OUTSIDE_CANARY}))
    command = f"ln -s {secret} {{out}}/metrics.json && ln -s {secret} {{out}}/model.pkl"
    results = _pipeline_results(tmp_path / "p", json.dumps(command))
    artifacts = results["pipeline.artifacts"]
    assert artifacts.status is Status.FAIL  # type: ignore[attr-defined]
    assert "refused, not read" in artifacts.summary + artifacts.details  # type: ignore[attr-defined]
    model = results["pipeline.model_load"]
    assert model.status is Status.FAIL and "refused, not loaded" in model.summary  # type: ignore[attr-defined]
    assert OUTSIDE_CANARY not in json.dumps([r.to_dict() for r in results.values()])  # type: ignore[attr-defined]


def test_artifacts_written_in_the_scratch_space_are_read(tmp_path: Path) -> None:
    command = """printf '{"leak": 1}' > {out}/metrics.json"""
    results = _pipeline_results(tmp_path / "p", json.dumps(command))
    assert results["pipeline.artifacts"].status is Status.PASS  # type: ignore[attr-defined]
    assert by_id(list(results.values()), "pipeline.metrics").status is Status.PASS  # type: ignore[arg-type]


def test_a_partition_file_symlinked_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "repo"
    part = root / "data" / "events" / "day=1"
    part.mkdir(parents=True)
    pq.write_table(pa.table({"id": [1, 2]}), part / "part-0.parquet")
    config = write_config(root, "version: 1\ncontracts:\n  t:\n    columns:\n      id: {type: int}\n"
                                "data:\n  - contract: t\n    files: data/events\n    partitioning: hive\n")
    assert by_id(run_check(config, "data"), "data.readable").status is Status.PASS
    pq.write_table(pa.table({"id": [3]}), tmp_path / "outside.parquet")
    (part / "part-1.parquet").symlink_to(tmp_path / "outside.parquet")
    result = by_id(run_check(config, "data"), "data.readable")
    assert result.status is Status.FAIL
    assert "refused, not read: day=1/part-1.parquet leads outside the partitioned folder" in result.summary
