"""The files a workflow's `uses: ./` needs from this repository: the action, its scripts and what
its Dockerfile builds from (for the fallback build)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers import REPO

ACTION_FILES = ("action.yml", "action", "Dockerfile", ".dockerignore", "pyproject.toml", "README.md",
                "container-image", "checker")


def copy_action(destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    for name in ACTION_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)


def local_base() -> str | None:
    """The machine's own Python base image (../shared/tools/docker-engine.sh), when it has one."""
    found = subprocess.run(["docker", "image", "inspect", "localbase/python:3.11"], capture_output=True)
    return "localbase/python:3.11" if found.returncode == 0 else None


def base_image() -> str:
    return os.environ.get("BASE_IMAGE") or local_base() or "python:3.11-slim"


def commit_all(folder: Path, branch: str, message: str) -> None:
    """Everything in `folder` committed on `branch` (the repository is made on first use)."""
    git = ["git", "-C", str(folder), "-c", "user.name=e2e", "-c", "user.email=e2e@example.com"]
    if not (folder / ".git").exists():
        subprocess.run([*git, "init", "-q", "-b", branch], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", message], check=True)
