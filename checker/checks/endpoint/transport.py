"""HTTP/1.1 over one socket under one wall-clock budget: what `HttpClient` sends each request
with. The latency driver (checker.checks.endpoint.loop) multiplexes the same wire format
(checker.checks.endpoint.wire) over non-blocking sockets and caps each request the same way.

A per-read socket timeout alone does not bound a request: a server that dribbles one byte
every second never lets a single read time out. So before every blocking call (connect, TLS
handshake, send, each recv) the socket's timeout is set to what is left of the request's
budget, and the budget is checked again after each read.
"""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlsplit

from checker.checks.endpoint.wire import ResponseParser
from checker.errors import ExternalError
from checker.record import record

READ_SIZE = 65536


class WallCapExceededError(ExternalError, TimeoutError):
    """The request's whole budget ran out (while connecting, sending or reading)."""


@record
class Target:
    host: str
    port: int
    authority: str  # the Host header
    path: str
    tls: ssl.SSLContext | None

    @classmethod
    def parse(cls, url: str, verify: bool) -> Target:
        parts = urlsplit(url)
        context = None
        if parts.scheme == "https":
            context = ssl.create_default_context()
            if not verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        host = parts.hostname or ""
        authority = f"[{host}]" if ":" in host else host
        if parts.port is not None and parts.port != (443 if context else 80):
            authority = f"{authority}:{parts.port}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(host, parts.port or (443 if context else 80), authority, path, context)


@record
class Budget:
    """One request's wall-clock allowance: `limit` seconds from `started` (time.monotonic())."""

    started: float
    limit: float
    by_deadline: bool = False  # the family's deadline, not request_timeout, set the limit

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left; WallCapExceededError when none are."""
        left = self.started + self.limit - time.monotonic()
        if left <= 0:
            raise WallCapExceededError("the request's time is up")
        return left

    def message(self, parser: ResponseParser) -> str:
        """What the request was doing when its time ran out, for the evidence."""
        which = "what was left of the endpoint checks' deadline" if self.by_deadline else "request_timeout"
        if parser.received == 0:
            doing = "waiting for the answer"
        elif parser.status is None:
            doing = f"reading the status line and headers ({parser.received} bytes so far)"
        else:
            doing = f"reading the body (HTTP {parser.status}, {len(parser.body)} body bytes so far)"
        return f"no complete answer within {self.limit:.1f}s ({which}), stopped while {doing} (timed out)"


def exchange(target: Target, request: bytes, parser: ResponseParser, budget: Budget) -> None:
    """Send `request` and feed the answer to `parser` until it is complete, the server closes
    the connection, or the budget runs out (WallCapExceededError). OSError and ProtocolError pass."""
    sock = socket.create_connection((target.host, target.port), timeout=budget.left())
    try:
        if target.tls is not None:
            sock.settimeout(budget.left())
            sock = target.tls.wrap_socket(sock, server_hostname=target.host)
        sock.settimeout(budget.left())
        sock.sendall(request)  # the timeout bounds the whole sendall, not each chunk
        _receive(sock, parser, budget)
    finally:
        sock.close()


def _receive(sock: socket.socket, parser: ResponseParser, budget: Budget) -> None:
    while True:
        sock.settimeout(budget.left())
        try:
            data = sock.recv(READ_SIZE)
        except TimeoutError:
            raise WallCapExceededError("the request's time is up") from None
        if not data:
            if parser.close():
                return
            said = "mid-answer" if parser.received else "without answering"
            raise ConnectionAbortedError(f"the server closed the connection {said}")
        if parser.feed(data):
            return
