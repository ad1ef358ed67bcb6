"""A GitHub Actions environment for publishing tests: the variables and files the runner
provides, pointing at a fake GitHub that fails the test on any request GitHub would reject."""

from __future__ import annotations

import json
import re
from pathlib import Path

from integration.fake_github import FakeGithub
from venvs import cache_dir

TOKEN = "ghs_fakeToken0123456789abcdefABCDEF"
PR = 7
HEAD_SHA = "a" * 40

# A small project whose data check fails when a pH is out of range (a seeded fault).
WINE_CONFIG = """\
version: 1
contracts:
  wine:
    columns:
      wine_id: {type: int, unique: true}
      ph: {type: float, min: 0, max: 14}
      color: {type: string, allowed: [red, white]}
data:
  - contract: wine
    files: data/*.csv
report:
  title: Wine smoke
"""
GOOD_ROWS = "wine_id,ph,color\n1,3.2,red\n2,3.4,white\n"
FAULTY_ROWS = "wine_id,ph,color\n1,3.2,red\n2,15.2,white\n"


def wine_project(folder: Path, rows: str) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "sample.csv").write_text(rows, encoding="utf-8")
    (folder / "mlsmoke.yml").write_text(WINE_CONFIG, encoding="utf-8")
    return folder


def github_env(tmp_path: Path, fake: FakeGithub, event: dict | None = None,
               event_name: str = "pull_request") -> dict[str, str]:
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event if event is not None else pr_event()), encoding="utf-8")
    for name in ("summary.md", "output.txt"):
        (tmp_path / name).touch()
    return {
        "GITHUB_ACTIONS": "true", "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.url,
        "GITHUB_REPOSITORY": fake.repository, "GITHUB_RUN_ID": "42", "GITHUB_SHA": "b" * 40,
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_WORKSPACE": str(tmp_path),
    }


def pr_event(number: int = PR) -> dict:
    return {"pull_request": {"number": number, "head": {"sha": HEAD_SHA}, "base": {"ref": "main"}}}


def outputs(tmp_path: Path) -> dict[str, str]:
    lines = (tmp_path / "output.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def outside_code_blocks(markdown: str) -> str:
    """The Markdown that GitHub interprets: fenced code blocks removed."""
    kept, fence = [], None
    for line in markdown.splitlines():
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def python_runner_cache() -> Path:
    """Where the tests' `runner: python` installs live (one per version and source digest)."""
    return cache_dir() / "runner-python"
