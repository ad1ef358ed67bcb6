from __future__ import annotations

from collections.abc import Iterator

import pytest
from integration.actions_env import TOKEN
from integration.fake_github import FakeGithub
from real_servers import MLServer, mlflow_server, mlserver_instance


@pytest.fixture
def fake() -> Iterator[FakeGithub]:
    """A fake GitHub API on 127.0.0.1; the test fails if any request broke GitHub's API description."""
    server = FakeGithub(TOKEN)
    with server.running():
        yield server
    assert server.problems == [], "requests that GitHub's API description rejects"


@pytest.fixture(scope="session")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real MLflow scoring server (its own cached venv), shared by the tests that ask for it."""
    with mlflow_server(tmp_path_factory.mktemp("mlflow")) as url:
        yield url


@pytest.fixture(scope="session")
def mlserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLServer]:
    """A real Seldon MLServer (its own cached venv) serving `wine` and `fresh`, shared likewise."""
    with mlserver_instance(tmp_path_factory.mktemp("mlserver")) as server:
        yield server
