"""The GitHub client's pagination header parsing and retry decisions, against a real local server."""

from __future__ import annotations

import socket

import pytest

from checker.github.api import GithubApiError, GithubClient, RetryPolicy, next_link


def test_next_link_is_read_from_the_link_header() -> None:
    header = ('<https://api.github.com/repositories/1/issues/7/comments?page=2>; rel="next", '
              '<https://api.github.com/repositories/1/issues/7/comments?page=5>; rel="last"')
    assert next_link(header) == "https://api.github.com/repositories/1/issues/7/comments?page=2"
    assert next_link('<https://x/?page=1>; rel="prev"') is None
    assert next_link("") is None


def test_an_unreachable_server_is_retried_then_an_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    client = GithubClient(f"http://127.0.0.1:{port}", "t", sleep=sleeps.append,
                          retry=RetryPolicy(attempts=3, backoff_s=2, max_wait_s=3, timeout_s=2))
    with pytest.raises(GithubApiError) as raised:
        client.request("GET", "/rate_limit")
    assert raised.value.status is None and not raised.value.forbidden
    assert sleeps == [2, 3]  # doubling, capped at max_wait_s
