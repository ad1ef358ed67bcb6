"""The latency driver's event loop: one thread, `concurrency` non-blocking keep-alive connections
multiplexed with `selectors`, each carrying one request at a time.

Each request is the same pre-serialised bytes (checker.checks.endpoint.wire). Its clock starts just
before the first byte is written and stops right after the recv() that completes the answer, so
a latency is the server's time plus the network, not connection set-up (as in wrk) and not
thread scheduling; every socket select() reports ready is read before any next request is
written, so no answer's clock waits on another connection's send. A connection the server
closes (Connection: close, an HTTP/1.0 answer, bytes after the answer) is reopened for the next
request; a reused connection the server had silently closed before this request gets one fresh
connection and the request again, since nothing reached the server. Every request has a
timeout, shortened to the family's deadline; past the deadline no new request starts. TLS for
https URLs (handshake included, verified unless asked not to). There is no proxy support, as in
the rest of the family.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import ssl
import time
from typing import Any

from checker.checks.endpoint.http import MAX_BODY, describe_failure
from checker.checks.endpoint.transport import Target
from checker.checks.endpoint.wire import ProtocolError, ResponseParser
from checker.record import record

READ, WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE
_WOULD_BLOCK = (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)


@record
class Sample:
    latency_s: float
    status: int | None
    error: str | None = None


class _Connection:
    """One socket's state; `request` holds what the current request is waiting for."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.state = "closed"  # closed | connecting | handshake | open
        self.events = 0
        self.candidates: list[tuple[Any, ...]] = []  # addresses still to try while connecting
        self.reused = False  # this socket has already carried an answer
        self.retry = False  # reconnect and send the current request again
        self.retried = False
        self.parser = ResponseParser(MAX_BODY)
        self.offset = 0  # request bytes written
        self.began = self.sent_at = 0.0  # perf_counter: request taken, first byte written
        self.limit = self.expires = 0.0  # this request's timeout; time.monotonic() it runs out


class Loop:
    def __init__(self, target: Target, request: bytes, *, requests: int, timeout: float,
                 deadline: float | None) -> None:
        self.target, self.request, self.requests = target, memoryview(request), requests
        self.timeout, self.deadline = timeout, deadline
        self.selector = selectors.DefaultSelector()
        self.samples: list[Sample] = []
        self.issued = 0
        self.active: set[_Connection] = set()  # a request in flight
        self.pending: list[_Connection] = []  # need their next step without waiting for a socket
        self.answered: list[tuple[_Connection, float]] = []  # complete answers, perf_counter at the last byte
        self.addresses: list[tuple[Any, ...]] | OSError = []

    def run(self, concurrency: int) -> list[Sample]:
        try:
            self.addresses = socket.getaddrinfo(self.target.host, self.target.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            self.addresses = exc
        self.pending = [_Connection() for _ in range(max(1, min(concurrency, self.requests)))]
        try:
            while self.pending or self.active:
                while self.pending:
                    self._next(self.pending.pop())
                if not self.active:
                    break
                wait = min(conn.expires for conn in self.active) - time.monotonic()
                for key, mask in self.selector.select(max(0.0, wait)):
                    self._ready(key.data, mask)
                for conn, now in self.answered:  # sent after every ready socket was read: no
                    self._done(conn, now)  # answer's clock waits for another's next request
                self.answered.clear()
                now = time.monotonic()
                for conn in [c for c in self.active if c.expires <= now]:
                    self._fail(conn, describe_failure(TimeoutError("timed out"), conn.limit)[1])
        finally:
            for conn in list(self.active):
                self._close(conn)
            self.selector.close()
        return self.samples

    def _next(self, conn: _Connection) -> None:
        """Start the connection's next request, or retire it when the run is over."""
        if conn.retry:
            conn.retry = False
            return self._connect(conn)
        now = time.monotonic()
        limit = self.timeout if self.deadline is None else min(self.timeout, self.deadline - now)
        if self.issued >= self.requests or limit <= 0:
            return self._close(conn)
        self.issued += 1
        conn.began, conn.limit, conn.expires, conn.retried = time.perf_counter(), limit, now + limit, False
        self.active.add(conn)
        if conn.sock is None:
            self._connect(conn)
        else:
            self._send(conn)

    def _ready(self, conn: _Connection, mask: int) -> None:
        if conn.state == "connecting":
            self._connected(conn)
        elif conn.state == "handshake":
            self._handshake(conn)
        elif conn.state == "open":
            if mask & WRITE and conn.offset < len(self.request):
                self._write(conn)
            if mask & READ and conn.state == "open":
                self._read(conn)

    def _watch(self, conn: _Connection, events: int) -> None:
        if events != conn.events:
            assert conn.sock is not None
            self.selector.modify(conn.sock, events, conn)
            conn.events = events

    def _connect(self, conn: _Connection) -> None:
        if isinstance(self.addresses, OSError):
            return self._fail(conn, describe_failure(self.addresses, conn.limit)[1])
        conn.candidates = list(self.addresses)
        self._try_address(conn)

    def _try_address(self, conn: _Connection) -> None:
        family, kind, proto, _, address = conn.candidates.pop(0)
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.sock, conn.state, conn.reused, conn.events = sock, "connecting", False, WRITE
        self.selector.register(sock, WRITE, conn)
        code = sock.connect_ex(address)
        if code not in (0, errno.EINPROGRESS, errno.EAGAIN):
            self._connect_failed(conn, code)

    def _connected(self, conn: _Connection) -> None:
        assert conn.sock is not None
        code = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            return self._connect_failed(conn, code)
        if self.target.tls is None:
            conn.state = "open"
            self._watch(conn, READ)
            return self._send(conn)
        self.selector.unregister(conn.sock)
        conn.sock = self.target.tls.wrap_socket(conn.sock, server_hostname=self.target.host,
                                                do_handshake_on_connect=False)
        self.selector.register(conn.sock, READ, conn)
        conn.state, conn.events = "handshake", READ
        self._handshake(conn)

    def _connect_failed(self, conn: _Connection, code: int) -> None:
        self._close_socket(conn)
        if conn.candidates:
            return self._try_address(conn)
        self._fail(conn, describe_failure(OSError(code, os.strerror(code)), conn.limit)[1])

    def _handshake(self, conn: _Connection) -> None:
        assert isinstance(conn.sock, ssl.SSLSocket)
        try:
            conn.sock.do_handshake()
        except ssl.SSLWantReadError:
            return self._watch(conn, READ)
        except ssl.SSLWantWriteError:
            return self._watch(conn, WRITE)
        except OSError as exc:
            return self._fail(conn, describe_failure(exc, conn.limit)[1])
        conn.state = "open"
        self._watch(conn, READ)
        self._send(conn)

    def _send(self, conn: _Connection) -> None:
        conn.parser = ResponseParser(MAX_BODY)
        conn.offset = 0
        conn.sent_at = time.perf_counter()
        self._write(conn)

    def _write(self, conn: _Connection) -> None:
        assert conn.sock is not None
        try:
            conn.offset += conn.sock.send(self.request[conn.offset:])
        except _WOULD_BLOCK:
            pass
        except OSError as exc:
            return self._broken(conn, exc)
        self._watch(conn, READ | WRITE if conn.offset < len(self.request) else READ)

    def _read(self, conn: _Connection) -> None:
        sock = conn.sock
        assert sock is not None
        try:
            data = sock.recv(65536)
            while data and isinstance(sock, ssl.SSLSocket) and sock.pending():
                data += sock.recv(65536)  # decrypted bytes select() cannot see
        except _WOULD_BLOCK:
            return
        except OSError as exc:
            return self._broken(conn, exc)
        now = time.perf_counter()
        if not data:
            return self._closed_by_server(conn, now)
        try:
            done = conn.parser.feed(data)
        except ProtocolError as exc:
            return self._fail(conn, f"connection failed: not an HTTP answer ({exc})")
        if done:
            self.answered.append((conn, now))

    def _closed_by_server(self, conn: _Connection, now: float) -> None:
        if conn.parser.close():
            return self.answered.append((conn, now))
        if conn.parser.received:
            return self._fail(conn, "connection failed: the server closed the connection mid-answer")
        if self._stale(conn):
            return
        self._fail(conn, "connection failed: the server closed the connection without answering")

    def _broken(self, conn: _Connection, exc: OSError) -> None:
        if not self._stale(conn):
            self._fail(conn, describe_failure(exc, conn.limit)[1])

    def _stale(self, conn: _Connection) -> bool:
        """A kept-alive socket the server had closed before this request: send it again, once."""
        if conn.parser.received or not conn.reused or conn.retried:
            return False
        self._close_socket(conn)
        conn.retry = conn.retried = True
        self.pending.append(conn)
        return True

    def _done(self, conn: _Connection, now: float) -> None:
        parser = conn.parser
        self.samples.append(Sample(now - conn.sent_at, parser.status))
        self.active.discard(conn)
        if parser.keep_alive and not parser.leftover:
            conn.reused = True
        else:
            self._close_socket(conn)
        self._next(conn)

    def _fail(self, conn: _Connection, message: str) -> None:
        self.samples.append(Sample(time.perf_counter() - conn.began, None, message))
        self._close(conn)
        self.pending.append(conn)

    def _close(self, conn: _Connection) -> None:
        self.active.discard(conn)
        self._close_socket(conn)

    def _close_socket(self, conn: _Connection) -> None:
        if conn.sock is not None:
            self.selector.unregister(conn.sock)
            conn.sock.close()
        conn.sock, conn.state, conn.events = None, "closed", 0
