"""The per-request wall-clock budget: it runs out, and it says what was being read when it did."""

from __future__ import annotations

import time

import pytest

from checker.checks.endpoint.transport import Budget, WallCapExceededError
from checker.checks.endpoint.wire import ResponseParser


def test_a_budget_counts_down_and_then_refuses() -> None:
    assert 0 < Budget(time.monotonic(), 5.0).left() <= 5.0
    with pytest.raises(WallCapExceededError):
        Budget(time.monotonic() - 2.0, 1.0).left()


@pytest.mark.parametrize("received, words", [
    (b"", "stopped while waiting for the answer"),
    (b"HTTP/1.1 200 OK\r\nContent-", "stopped while reading the status line and headers (25 bytes so far)"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
     "stopped while reading the body (HTTP 200, 3 body bytes so far)"),
])
def test_the_message_says_what_was_being_read(received: bytes, words: str) -> None:
    parser = ResponseParser(1000)
    parser.feed(received)
    assert words in Budget(0.0, 1.0).message(parser)


def test_the_message_names_what_set_the_limit() -> None:
    parser = ResponseParser(1000)
    assert "(request_timeout)" in Budget(0.0, 2.0).message(parser)
    by_deadline = Budget(0.0, 2.0, by_deadline=True)
    assert "(what was left of the endpoint checks' deadline)" in by_deadline.message(parser)
