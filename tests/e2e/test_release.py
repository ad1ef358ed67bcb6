"""The release workflow under act against a real local registry (../shared/tools/registry.sh):
a vX.Y.Z tag pushes the checker image as X.Y.Z, X.Y and X, creates the GitHub release from
CHANGELOG.md and moves vX; the action then pulls that image by its version. When the registry
cannot be reached, the action builds the image from its Dockerfile and still passes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.action_files import base_image
from fake_releases import FakeReleases
from helpers import REPO
from integration.actions_env import GOOD_ROWS
from integration.fake_github import FakeGithub
from shared_tools import shared_path
from test_action import TOKEN, ScratchRepository

from checker import __version__

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

MAJOR, MINOR, _ = __version__.split(".")
OWNER = "acme"
RELEASE_TIMEOUT_S = 900
MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def registry(request: pytest.FixtureRequest) -> Iterator[str]:
    """A registry of our own on a free port."""
    request.getfixturevalue("image")  # it checks docker and act, and warms the build cache
    script, port = shared_path("tools/registry.sh"), free_port()
    up = subprocess.run(["bash", str(script), "up", str(port)], capture_output=True, text=True, timeout=180)
    assert up.returncode == 0, up.stdout + up.stderr
    yield f"127.0.0.1:{port}"
    subprocess.run(["bash", str(script), "down", str(port)], capture_output=True, timeout=60)
    shutil.rmtree(f"/tmp/mlsmoke-tools/registry/{port}", ignore_errors=True)


def release_source(folder: Path) -> Path:
    """This repository's files as a git repository tagged with the version, "on github.com/acme"."""
    ls_files = ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard", "-z"]
    listed = subprocess.run(ls_files, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, folder / name)
    git = ["git", "-C", str(folder), "-c", "user.name=e2e", "-c", "user.email=e2e@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", f"release {__version__}"], check=True)
    subprocess.run([*git, "tag", f"v{__version__}"], check=True)
    subprocess.run([*git, "remote", "add", "origin", f"https://github.com/{OWNER}/mlsmoke.git"], check=True)
    return folder


def act_release(root: Path, source: Path, registry: str,
                releases: FakeReleases) -> subprocess.CompletedProcess[str]:
    event = root / "event.json"
    event.write_text(json.dumps({"ref": f"refs/tags/v{__version__}"}), encoding="utf-8")
    env = {"REGISTRY": registry, "BASE_IMAGE": base_image(), "RELEASE_TESTS": "tests/unit/scripts",
           "RELEASE_VENV": sys.prefix, "MLSMOKE_RELEASE_SOURCE": str(source), "GITHUB_API_URL": releases.url}
    command = ["act", "push", "-W", ".github/workflows/release.yml", "-e", str(event),
               "-P", "ubuntu-latest=-self-hosted", "--action-offline-mode",
               "--action-cache-path", str(root / "act-cache"),
               *(part for name, value in env.items() for part in ("--env", f"{name}={value}")),
               "-s", "GITHUB_TOKEN"]
    return subprocess.run(command, cwd=source, env={**os.environ, "GITHUB_TOKEN": TOKEN},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RELEASE_TIMEOUT_S)


def registry_tags(registry: str, name: str) -> dict[str, str]:
    """tag → manifest digest of REGISTRY/NAME."""
    with urllib.request.urlopen(f"http://{registry}/v2/{name}/tags/list", timeout=10) as answer:
        tags = json.load(answer)["tags"]
    digests = {}
    for tag in tags:
        request = urllib.request.Request(f"http://{registry}/v2/{name}/manifests/{tag}", method="HEAD",
                                         headers={"Accept": MANIFEST})
        with urllib.request.urlopen(request, timeout=10) as answer:
            digests[tag] = answer.headers["Docker-Content-Digest"]
    return digests


def test_a_tag_releases_the_image_and_the_action_pulls_it_by_version(
        tmp_path: Path, registry: str) -> None:
    source = release_source(tmp_path / "mlsmoke")
    with FakeReleases().running() as releases:
        released = act_release(tmp_path, source, registry, releases)
    log = released.stdout + released.stderr
    assert released.returncode == 0, log[-6000:]
    assert TOKEN not in log

    digests = registry_tags(registry, f"{OWNER}/mlsmoke")
    assert sorted(digests) == sorted([__version__, f"{MAJOR}.{MINOR}", MAJOR])
    assert len(set(digests.values())) == 1

    [request] = releases.requests
    assert request.path == f"/repos/{OWNER}/mlsmoke/releases" and releases.problems == []
    assert request.body["tag_name"] == f"v{__version__}"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{__version__}]", 1)[1].split("\n## ", 1)[0]
    assert request.body["body"].strip() == section.strip()

    def commit(ref: str) -> str:
        return subprocess.run(["git", "-C", str(source), "rev-parse", f"{ref}^{{commit}}"],
                              capture_output=True, text=True, check=True).stdout.strip()

    assert commit(f"v{MAJOR}") == commit("HEAD")

    # The action pulls it by version: drop our local tags so the engine must ask the registry.
    name = f"{registry}/{OWNER}/mlsmoke"
    subprocess.run(["docker", "rmi", f"{name}:{__version__}", f"{name}:{MAJOR}.{MINOR}", f"{name}:{MAJOR}"],
                   capture_output=True, timeout=120)
    fake = FakeGithub(TOKEN, repository=f"{OWNER}/wine")
    try:
        with fake.running():
            repository = ScratchRepository(tmp_path / "user", fake, image="")
            repository.push(GOOD_ROWS)
            run = repository.act(E2E_IMAGE_REGISTRY=registry, GITHUB_REPOSITORY_OWNER=OWNER)
    finally:  # the tag names this test's registry, which is gone after it
        subprocess.run(["docker", "rmi", f"{name}:{__version__}"], capture_output=True, timeout=120)
    assert run.returncode == 0, run.log[-6000:]
    assert f"mlsmoke: pulled {name}:{__version__} in " in run.log
    assert "mlsmoke: checking took " in run.log
    assert run.outputs["status"] == "pass" and fake.problems == []


@pytest.mark.usefixtures("image")
def test_an_unreachable_registry_makes_the_action_build_and_pass(tmp_path: Path) -> None:
    closed = f"127.0.0.1:{free_port()}"
    fake = FakeGithub(TOKEN, repository=f"{OWNER}/wine")
    with fake.running():
        repository = ScratchRepository(tmp_path, fake, image="")
        repository.push(GOOD_ROWS)
        run = repository.act(timeout_s=900, E2E_IMAGE_REGISTRY=closed, E2E_BASE_IMAGE=base_image(),
                             GITHUB_REPOSITORY_OWNER=OWNER)
    assert run.returncode == 0, run.log[-6000:]
    [line] = [line for line in run.log.splitlines() if "mlsmoke: could not pull" in line]
    assert f"could not pull {closed}/{OWNER}/mlsmoke:{__version__}" in line
    assert "building the checker image from the Dockerfile instead" in line or "built here before" in line
    assert run.outputs["status"] == "pass" and len(fake.ours(7)) == 1
