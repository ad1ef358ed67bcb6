"""`mlsmoke synth`, `mlsmoke infer` and `mlsmoke init` as real subprocesses, end to end."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from checker.config.load import load_config
from tests.contract_verifier import read_typed, violations
from tests.helpers import cli, write_config

HAVE_DATA_CHECKS = importlib.util.find_spec("checker.checks.data.family") is not None

CONFIG = """
version: 1
contracts:
  wine:
    columns:
      alcohol: {type: float, min: 8, max: 15}
      color:   {type: string, allowed: [red, white]}
      wine_id: {type: int, unique: true, role: id}
      code:    {type: string, pattern: "W-[0-9]{4}"}
      harvested: {type: datetime, nullable: true, min: 2020-01-01}
      quality: {type: int, min: 0, max: 10, role: target}
  impossible:
    columns:
      flag: {type: bool, unique: true}
pipeline:
  contract: wine
  command: python train.py
  patterns:
    - when: {alcohol: {gt: 12}}
      set: {quality: 8}
    - when: {alcohol: {le: 12}}
      set: {quality: 4}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, CONFIG)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_synth_writes_a_file_that_satisfies_the_contract(config: Path, suffix: str) -> None:
    out = config.parent / f"out/wine{suffix}"
    done = cli("synth", "--config", str(config), "--contract", "wine", "--rows", "300", "--seed", "3",
               "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert f"wrote 300 rows to {out} (seed 3)" in done.stderr
    contract = load_config(config, {}).config.contract("wine")
    table = read_typed(out, contract)
    assert table.num_rows == 300
    assert violations(table, contract) == []
    for row in table.to_pylist():  # the pipeline's patterns are planted
        assert row["quality"] == (8 if row["alcohol"] > 12 else 4)


def test_synth_to_stdout_is_csv_and_reproducible(config: Path) -> None:
    first = cli("synth", "--config", str(config), "--contract", "wine", "--rows", "20", "--seed", "9")
    again = cli("synth", "--config", str(config), "--contract", "wine", "--rows", "20", "--seed", "9")
    other = cli("synth", "--config", str(config), "--contract", "wine", "--rows", "20", "--seed", "10")
    assert first.returncode == again.returncode == other.returncode == 0
    assert first.stdout == again.stdout != other.stdout
    table = pacsv.read_csv(io.BytesIO(first.stdout.encode()))
    assert table.num_rows == 20
    assert table.column_names == ["alcohol", "color", "wine_id", "code", "harvested", "quality"]


@pytest.mark.parametrize(("args", "message"), [
    (["--contract", "beer"], "no contract named 'beer'"),
    (["--contract", "impossible", "--rows", "5"], "column 'flag': a unique bool column holds at most 2 rows"),
    (["--contract", "wine", "-o", "out.xlsx"], "-o out.xlsx: unknown data file type .xlsx"),
    (["--contract", "wine", "--rows", "0"], "Invalid value for '--rows'"),
])
def test_synth_usage_errors_exit_2(config: Path, args: list[str], message: str) -> None:
    done = cli("synth", "--config", str(config), *args, cwd=config.parent)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_infer_prints_a_contract_the_same_data_validates_against(tmp_path: Path) -> None:
    sample = tmp_path / "wine.csv"
    sample.write_text("wine_id,pH,color\n1,3.2,red\n2,3.5,white\n3,2.9,red\n4,3.4,white\n")
    done = cli("infer", str(sample), "--name", "wine")
    assert done.returncode == 0, done.stderr
    assert "      wine_id: {type: int, min: 0, max: 5, unique: true, role: id}\n" in done.stdout
    config = write_config(tmp_path, "version: 1\n" + done.stdout
                          + "data:\n  - contract: wine\n    files: wine.csv\n")
    validated = cli("validate", "--config", str(config))
    assert validated.returncode == 0, validated.stderr
    if HAVE_DATA_CHECKS:
        ran = cli("run", "--config", str(config), "--only", "data", "--out", str(tmp_path / "out"),
                  "--no-publish", cwd=tmp_path)
        assert ran.returncode == 0, ran.stdout + ran.stderr


def test_infer_of_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    done = cli("infer", str(broken))
    assert done.returncode == 2
    assert "broken.parquet" in done.stderr and "Traceback" not in done.stderr


def test_init_writes_a_starter_that_validates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/train.csv").write_text("id,x\n1,0.5\n2,0.7\n")
    done = cli("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and ".github/workflows/mlsmoke.yml" in done.stdout
    assert cli("validate", cwd=tmp_path).returncode == 0
    again = cli("init", cwd=tmp_path)
    assert again.returncode == 2
    assert "already exist: use --force to overwrite" in again.stderr
    assert cli("init", "--force", cwd=tmp_path).returncode == 0
