"""The Docker engine for tests marked `docker`: skip when none answers, unless
MLSMOKE_REQUIRE_DOCKER=1 (CI), where a missing engine fails the test instead."""

from __future__ import annotations

import os

import pytest

BASE_IMAGE = os.environ.get("BASE_IMAGE") or "localbase/python:3.11"


def docker_client():
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=30)
        client.ping()
        return client
    except DockerException as exc:
        if os.environ.get("MLSMOKE_REQUIRE_DOCKER") == "1":
            pytest.fail(f"MLSMOKE_REQUIRE_DOCKER=1 but no Docker engine answers: {exc}")
        pytest.skip(f"no Docker engine: {exc}")
