from __future__ import annotations

from collections.abc import Iterator

import pytest
from integration.actions_env import TOKEN
from integration.fake_github import FakeGithub


@pytest.fixture
def fake() -> Iterator[FakeGithub]:
    """A fake GitHub API on 127.0.0.1; the test fails if any request broke GitHub's API description."""
    server = FakeGithub(TOKEN)
    with server.running():
        yield server
    assert server.problems == [], "requests that GitHub's API description rejects"
