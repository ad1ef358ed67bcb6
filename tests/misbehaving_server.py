"""A model server on 127.0.0.1 that misbehaves on the wire, one fault per server: it stalls in
the headers or the body, dribbles, never ends a chunked body, sends a huge body, redirects to
itself, resets the connection mid-answer, answers invalid UTF-8 or a 500 with a traceback, or
reflects the request's Authorization header. GET /health answers 200 (unless the fault is
asked for on GET too), so the fault meets endpoint.predict, the latency driver and the
malformed probes.

It speaks raw HTTP/1.1 over its sockets (http.server would frame the answers for it)."""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fake_model_server import running

DRIBBLE_EVERY_S = 0.25  # far below request_timeout: no single read ever times out


class Answer:
    """What the handler can do to the client: write bytes, wait, reset."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock, self.stop = sock, stop

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: str, fields: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in fields.items()), "", ""]
        self.send("\r\n".join(lines).encode("latin-1"))

    def json(self, status: str, body: Any) -> None:
        data = json.dumps(body).encode()
        self.head(status, {"Content-Type": "application/json", "Content-Length": str(len(data))})
        self.send(data)

    def wait(self, seconds: float = 120.0) -> None:
        self.stop.wait(seconds)

    def reset(self) -> None:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Request = dict[str, Any]  # method, path, headers (lower-case names), body


def _rows(request: Request) -> int:
    try:
        return len(json.loads(request["body"])["dataframe_split"]["data"])
    except (ValueError, KeyError, TypeError):
        return 1


def stall_in_headers(answer: Answer, _request: Request) -> None:
    answer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    answer.wait()


def stall_in_body(answer: Answer, _request: Request) -> None:
    answer.head("200 OK", {"Content-Type": "application/json", "Content-Length": "1000"})
    answer.send(b'{"predictions": [')
    answer.wait()


def dribble(answer: Answer, _request: Request) -> None:
    answer.head("200 OK", {"Content-Type": "application/json", "Content-Length": "100000"})
    while not answer.stop.is_set():
        answer.send(b" ")
        answer.wait(DRIBBLE_EVERY_S)


def infinite_chunked(answer: Answer, _request: Request) -> None:
    answer.head("200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    answer.send(b'11\r\n{"predictions": [\r\n')
    chunk = b"400\r\n" + b"0," * 512 + b"\r\n"
    while not answer.stop.is_set():
        answer.send(chunk)


def huge_body(answer: Answer, _request: Request) -> None:
    size = 50 << 20
    answer.head("200 OK", {"Content-Type": "application/json", "Content-Length": str(size)})
    answer.send(b'{"predictions": [')
    block = b"0," * 32768
    for _ in range(size // len(block)):
        answer.send(block)


def redirect_loop(answer: Answer, request: Request) -> None:
    answer.head("307 Temporary Redirect", {"Location": request["path"], "Content-Length": "0"})


def reset_mid_answer(answer: Answer, _request: Request) -> None:
    answer.head("200 OK", {"Content-Type": "application/json", "Content-Length": "1000"})
    answer.send(b'{"predictions": [0.5, ')
    time.sleep(0.05)
    answer.reset()


def invalid_utf8(answer: Answer, request: Request) -> None:
    data = b'{"predictions": [' + b",".join([b'"\xff\xfe\xfa"'] * _rows(request)) + b"]}"
    answer.head("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(data))})
    answer.send(data)


TRACEBACK = ('Traceback (most recent call last):\n  File "/srv/app.py", line 12, in predict\n'
             '    return model.predict(rows)\nValueError: could not convert string to float\n')


def traceback_500(answer: Answer, _request: Request) -> None:
    data = TRACEBACK.encode()
    answer.head("500 Internal Server Error", {"Content-Type": "text/plain", "Content-Length": str(len(data))})
    answer.send(data)


def reflect_authorization(answer: Answer, request: Request) -> None:
    answer.json("200 OK", {"predictions": [0.5] * _rows(request),
                           "auth_seen": request["headers"].get("authorization", "")})


Fault = Callable[[Answer, Request], None]
FAULTS: dict[str, Fault] = {f.__name__: f for f in (
    stall_in_headers, stall_in_body, dribble, infinite_chunked, huge_body, redirect_loop,
    reset_mid_answer, invalid_utf8, traceback_500, reflect_authorization)}


def _read_request(rfile: Any) -> Request | None:
    start = rfile.readline(65537).decode("latin-1").split()
    if len(start) < 2:
        return None
    headers: dict[str, str] = {}
    while (line := rfile.readline(65537).decode("latin-1").strip()):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = rfile.read(int(headers.get("content-length") or 0))
    return {"method": start[0], "path": start[1], "headers": headers, "body": body}


def _handler(fault: Fault, stop: threading.Event, seen: list[Request],
             on_get: bool) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request = _read_request(self.rfile)
            if request is None:
                return
            seen.append(request)
            answer = Answer(self.connection, stop)
            try:
                if request["method"] == "GET" and not on_get:
                    return answer.json("200 OK", {"status": "ok"})
                fault(answer, request)
            except OSError:
                pass  # the client gave up on us: that is what is being tested

    return Handler


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def misbehaving(fault: str, on_get: bool = False) -> Iterator[tuple[str, list[Request]]]:
    """Serve one fault on a free port (on POST, and on GET too with `on_get`); yields the base
    URL and the requests received."""
    stop = threading.Event()
    seen: list[Request] = []
    server = _Server(("127.0.0.1", 0), _handler(FAULTS[fault], stop, seen, on_get))
    with running(server) as url:  # type: ignore[arg-type]
        try:
            yield url, seen
        finally:
            stop.set()  # before shutdown: stalled handlers return
