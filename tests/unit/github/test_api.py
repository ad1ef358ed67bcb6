"""The GitHub client's pagination header parsing and retry decisions, against a real local server."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fake_model_server import running

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


class _Unavailable(BaseHTTPRequestHandler):
    """Answers every request 503, as GitHub does in an outage, or never answers (`stall`)."""

    def do_GET(self) -> None:
        if self.server.stall:  # type: ignore[attr-defined]
            time.sleep(10)
            return
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _unavailable(stall: bool = False) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    server.stall = stall  # type: ignore[attr-defined]
    server.daemon_threads = True
    with running(server) as url:
        yield url


PATIENT = RetryPolicy(attempts=4, backoff_s=1, max_wait_s=30, timeout_s=15)


def test_retries_stop_at_the_deadline() -> None:
    sleeps: list[float] = []
    with _unavailable() as url:
        client = GithubClient(url, "t", retry=PATIENT, deadline_at=time.monotonic() + 2.5,
                              sleep=lambda s: (sleeps.append(s), time.sleep(s)))
        with pytest.raises(GithubApiError) as raised:
            client.request("GET", "/rate_limit")
    assert raised.value.status == 503
    assert sleeps == [1]  # the second wait (2 s) would end after the deadline


def test_without_a_deadline_every_retry_is_made() -> None:
    sleeps: list[float] = []
    with _unavailable() as url:
        client = GithubClient(url, "t", retry=PATIENT, sleep=sleeps.append)
        with pytest.raises(GithubApiError):
            client.request("GET", "/rate_limit")
    assert sleeps == [1, 2, 4]


def test_a_stalled_api_is_cut_at_the_deadline_not_at_the_request_timeout() -> None:
    with _unavailable(stall=True) as url:
        client = GithubClient(url, "t", retry=PATIENT, deadline_at=time.monotonic() + 1.0)
        started = time.monotonic()
        with pytest.raises(GithubApiError) as raised:
            client.request("GET", "/rate_limit")
    assert raised.value.status is None
    assert time.monotonic() - started < 3  # PATIENT alone would wait 15 s per attempt
