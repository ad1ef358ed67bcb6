"""data.compatibility on real git repositories: a base commit, a PR commit, then the check."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, by_id, run_check

from checker.results.model import Status

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}

BASE_CONTRACT = """\
columns:
  wine_id: {type: int, unique: true, role: id}
  alcohol: {type: float, min: 8, max: 15}
  pH:      {type: float, min: 2.5, max: 4.5}
  color:   {type: string, allowed: [red, white]}
  quality: {type: int, min: 0, max: 10, role: target}
rows: {min: 10}
"""

CONFIG = """\
version: 1
contracts:
  wine: {file: contracts/wine.yml}
"""


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write(folder: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = folder / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def repo_with_pr(tmp_path: Path, base: dict[str, str], pr: dict[str, str | None],
                 folder: str = "") -> Path:
    """A repository whose `main` holds `base` and whose checked-out branch `pr` changes it.
    Returns the config path (in `folder` under the top level)."""
    top = tmp_path / "repo"
    top.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    write(top / folder, base)
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    git(top, "checkout", "-q", "-b", "pr")
    write(top / folder, pr)
    git(top, "add", "-A")
    git(top, "commit", "-q", "--allow-empty", "-m", "pr")
    return top / folder / "mlsmoke.yml"


def compat(config: Path, base_ref: str | None = "main") -> list:
    return [r for r in run_check(config, "data", base_ref=base_ref) if r.id == "data.compatibility"]


def changed_contract(tmp_path: Path, head_contract: str, folder: str = "") -> Path:
    return repo_with_pr(tmp_path, {"mlsmoke.yml": CONFIG, "contracts/wine.yml": BASE_CONTRACT},
                        {"contracts/wine.yml": head_contract}, folder)


def test_dropped_column_fails_with_a_table(tmp_path: Path) -> None:
    dropped = BASE_CONTRACT.replace("  color:   {type: string, allowed: [red, white]}\n", "")
    config = changed_contract(tmp_path, dropped)
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "color: column removed" in result.summary
    assert result.details == "1 change (1 breaking): the table of changes lists them"
    assert {"column": "color", "change": "column removed", "base": "string", "head": None,
            "kind": "breaking"} in result.evidence["changes"]
    assert result.location is not None and result.location.file == "contracts/wine.yml"
    assert result.location.line == 1  # `columns:`, where the column was


def test_narrowed_type_fails_and_points_at_the_line(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT.replace("alcohol: {type: float", "alcohol: {type: int"))
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "alcohol: type narrowed (float → int)" in result.summary
    assert result.location is not None and result.location.line == 3
    assert result.metrics["breaking"] == 1


def test_widened_range_passes_and_lists_the_change(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT.replace("min: 2.5, max: 4.5", "min: 2.0, max: 5.0"))
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.PASS
    assert result.metrics == {"breaking": 0, "compatible": 2, "cosmetic": 0}
    assert "pH: min lowered (2.5 → 2.0)" in result.summary
    assert any(c["change"] == "max raised" for c in result.evidence["changes"])


def test_tightened_range_is_the_failing_twin(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT.replace("min: 2.5, max: 4.5", "min: 3.0, max: 4.5"))
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "pH: min raised (2.5 → 3.0)" in result.summary


def test_optional_column_added_passes_required_one_fails(tmp_path: Path) -> None:
    optional = BASE_CONTRACT.replace("rows:", "  region:  {type: string, nullable: true}\nrows:")
    result = by_id(compat(changed_contract(tmp_path / "a", optional)), "data.compatibility", "wine")
    assert result.status is Status.PASS
    assert "region: optional column added" in result.summary

    required = BASE_CONTRACT.replace("rows:", "  region:  {type: string}\nrows:")
    result = by_id(compat(changed_contract(tmp_path / "b", required)), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "region: required column added" in result.summary
    assert result.location is not None and result.location.line == 7


def test_renamed_column_is_reported_as_a_rename(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT.replace("  pH: ", "  ph: "))
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "column pH renamed to ph" in result.summary
    assert [c["change"] for c in result.evidence["changes"]] == ["column renamed"]


def test_unchanged_contract_passes(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, "# a comment only\n" + BASE_CONTRACT)
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.PASS
    assert result.summary == "unchanged since main"


def test_contract_file_renamed_in_the_pr(tmp_path: Path) -> None:
    config = repo_with_pr(
        tmp_path, {"mlsmoke.yml": CONFIG, "contracts/wine.yml": BASE_CONTRACT},
        {"contracts/wine.yml": None,
         "contracts/wine_v2.yml": BASE_CONTRACT.replace("allowed: [red, white]", "allowed: [red]"),
         "mlsmoke.yml": CONFIG.replace("contracts/wine.yml", "contracts/wine_v2.yml")})
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "color: allowed shrunk (−white)" in result.summary
    assert result.location is not None and result.location.file == "contracts/wine_v2.yml"


def test_contract_added_in_the_pr(tmp_path: Path) -> None:
    config = repo_with_pr(
        tmp_path, {"mlsmoke.yml": CONFIG, "contracts/wine.yml": BASE_CONTRACT},
        {"mlsmoke.yml": CONFIG + "  reviews:\n    columns:\n      text: {type: string}\n"})
    results = compat(config)
    assert by_id(results, "data.compatibility", "reviews").summary == "new contract (not in main)"
    assert by_id(results, "data.compatibility", "wine").status is Status.PASS


def test_inline_contract_in_a_subfolder_config(tmp_path: Path) -> None:
    inline = "version: 1\ncontracts:\n  wine:\n    columns:\n      alcohol: {type: float, nullable: true}\n"
    config = repo_with_pr(tmp_path, {"mlsmoke.yml": inline},
                          {"mlsmoke.yml": inline.replace("nullable: true", "nullable: false")},
                          folder="project/ml")
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "alcohol: no longer nullable (true → false)" in result.summary
    assert result.location is not None and result.location.line == 5


def test_no_base_ref_is_a_skip(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT)
    [result] = compat(config, base_ref=None)
    assert result.status is Status.SKIP
    assert "no base ref" in result.summary


def test_base_ref_from_the_config(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT.replace("unique: true", "unique: false"))
    config.write_text(CONFIG + "compatibility: {base_ref: main}\n", encoding="utf-8")
    result = by_id(compat(config, base_ref=None), "data.compatibility", "wine")
    assert result.status is Status.PASS
    assert "wine_id: unique removed" in result.summary


def test_outside_a_git_repository_is_a_skip(tmp_path: Path) -> None:
    write(tmp_path, {"mlsmoke.yml": CONFIG, "contracts/wine.yml": BASE_CONTRACT})
    [result] = compat(tmp_path / "mlsmoke.yml")
    assert result.status is Status.SKIP
    assert "not in a git repository" in result.summary


def shallow_pr_clone(tmp_path: Path, head_contract: str) -> Path:
    """A bare origin with main and pr, cloned one commit deep on pr, as actions/checkout does."""
    source = changed_contract(tmp_path, head_contract).parent
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{origin}", str(clone))
    return clone / "mlsmoke.yml"


def test_shallow_clone_fetches_the_base_ref(tmp_path: Path) -> None:
    config = shallow_pr_clone(tmp_path, BASE_CONTRACT.replace("max: 10, role", "max: 9, role"))
    with pytest.raises(subprocess.CalledProcessError):
        git(config.parent, "rev-parse", "--verify", "origin/main")
    result = by_id(compat(config, base_ref="origin/main"), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "quality: max lowered (10 → 9)" in result.summary
    assert "mlsmoke fetched it" in result.evidence["notes"][0]
    assert git(config.parent, "rev-parse", "--is-shallow-repository") == "true"


def test_shallow_clone_with_an_unknown_base_ref_skips(tmp_path: Path) -> None:
    config = shallow_pr_clone(tmp_path, BASE_CONTRACT)
    [result] = compat(config, base_ref="origin/no-such-branch")
    assert result.status is Status.SKIP
    assert "fetching it failed" in result.summary
    assert "fetch-depth: 0" in result.summary


def test_example_project_contract_change_fails(tmp_path: Path) -> None:
    example = tmp_path / "wine-quality"
    shutil.copytree(REPO / "examples" / "wine-quality", example,
                    ignore=shutil.ignore_patterns("mlsmoke-out"))
    git(example, "init", "-q", "-b", "main")
    git(example, "add", "-A")
    git(example, "commit", "-q", "-m", "base")
    contract = example / "contracts" / "wine.yml"
    contract.write_text(contract.read_text().replace("  hue:", "  hue_angle:"), encoding="utf-8")
    result = by_id(compat(example / "mlsmoke.yml", base_ref="main"), "data.compatibility", "wine")
    assert result.status is Status.FAIL
    assert "column hue renamed to hue_angle" in result.summary


def test_contract_removed_in_the_pr_is_a_warning(tmp_path: Path) -> None:
    two = CONFIG + "  reviews:\n    columns:\n      text: {type: string}\n"
    config = repo_with_pr(tmp_path, {"mlsmoke.yml": two, "contracts/wine.yml": BASE_CONTRACT},
                          {"mlsmoke.yml": CONFIG})
    result = by_id(compat(config), "data.compatibility", "reviews")
    assert result.status is Status.WARN
    assert "removed in this PR" in result.summary


def test_config_new_in_the_pr_makes_every_contract_new(tmp_path: Path) -> None:
    config = repo_with_pr(tmp_path, {"README": "x\n"},
                          {"mlsmoke.yml": CONFIG, "contracts/wine.yml": BASE_CONTRACT})
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.PASS and result.summary == "new contract (not in main)"
    assert "does not exist at main" in result.evidence["notes"][0]


def test_invalid_base_contract_is_skipped_with_the_problem(tmp_path: Path) -> None:
    config = changed_contract(tmp_path, BASE_CONTRACT)
    git(config.parent, "checkout", "-q", "main")
    write(config.parent, {"contracts/wine.yml": BASE_CONTRACT.replace("min: 8, max: 15", "min: 16, max: 15")})
    git(config.parent, "commit", "-q", "-am", "broken base")
    git(config.parent, "checkout", "-q", "pr")
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.SKIP
    assert "min (16) is greater than max (15)" in result.summary


def test_fetch_off_skips_in_a_shallow_clone(tmp_path: Path) -> None:
    config = shallow_pr_clone(tmp_path, BASE_CONTRACT)
    config.write_text(CONFIG + "compatibility: {base_ref: origin/main, fetch: false}\n", encoding="utf-8")
    [result] = compat(config, base_ref=None)
    assert result.status is Status.SKIP
    assert "fetching is off" in result.summary


def test_a_base_contract_file_outside_the_project_is_not_read(tmp_path: Path) -> None:
    """The base ref's config is the PR's too: its `file:` paths are confined like the head's."""
    outside = CONFIG.replace("contracts/wine.yml", "../../shared/wine.yml")
    inline = "version: 1\ncontracts:\n  wine:\n" + textwrap.indent(BASE_CONTRACT, "    ")
    config = repo_with_pr(tmp_path, {"mlsmoke.yml": outside, "../../shared/wine.yml": BASE_CONTRACT},
                          {"mlsmoke.yml": inline}, folder="project/ml")
    result = by_id(compat(config), "data.compatibility", "wine")
    assert result.status is Status.SKIP
    assert "leads outside the project folder" in result.summary
