"""The latency driver (checker.checks.endpoint.load.drive) against raw TCP servers on 127.0.0.1 that
write exactly the bytes each test wants: answers in many small writes, chunked answers,
connections closed with and without notice, silence, garbage, refused ports and TLS."""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from checker.checks.endpoint.load import LoadPlan, Post, drive

BODY = b'{"inputs": [[1.0, 2.0]]}'
ANSWER = b'{"predictions": [0.5]}'
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(ANSWER), ANSWER)

# answer(sock, n): write the n-th answer on this connection; False closes the connection
Answer = Callable[[socket.socket, int], bool]


def read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length: *(\d+)", head)
    while length and len(rest) < int(length.group(1)):
        rest += sock.recv(65536)
    return head


@contextmanager
def raw_server(answer: Answer, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1; yields its URL and the heads of the requests it received."""
    listener = socket.create_server(("127.0.0.1", 0))
    heads: list[bytes] = []

    def serve(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            with conn:
                count = 0
                while (head := read_request(conn)) is not None:
                    heads.append(head)
                    if not answer(conn, count):
                        return
                    count += 1
        except OSError:
            return

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{listener.getsockname()[1]}/predict", heads
    finally:
        listener.close()


def keep_alive(sock: socket.socket, _count: int) -> bool:
    sock.sendall(OK)
    return True


def run(url: str, *, headers: dict[str, str] | None = None, verify: bool = True, **plan: Any) -> object:
    """`drive` with the test defaults: 20 requests, 3 at once, 2 s timeout (`plan` overrides)."""
    settings: dict = {"requests": 20, "concurrency": 3, "timeout": 2.0, **plan}
    return drive(Post(url, BODY, headers or {}, verify=verify), LoadPlan(**settings))


def trickle(pieces: list[bytes], pause_s: float) -> Answer:
    def answer(sock: socket.socket, _count: int) -> bool:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(pause_s)
        return True
    return answer


def split_into(data: bytes, parts: int) -> list[bytes]:
    size = -(-len(data) // parts)
    return [data[i:i + size] for i in range(0, len(data), size)]


CHUNKED_PIECES = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"] + [
    b"%x\r\n%s\r\n" % (len(part), part) for part in split_into(ANSWER, 8)] + [b"0\r\n\r\n"]


@pytest.mark.parametrize("pieces", [split_into(OK, 10), CHUNKED_PIECES], ids=["content-length", "chunked"])
def test_an_answer_in_many_small_writes_is_timed_to_its_last_byte(pieces: list[bytes]) -> None:
    pause = 0.03
    with raw_server(trickle(pieces, pause)) as (url, _):
        result = drive(Post(url, BODY), LoadPlan(requests=4, concurrency=2, timeout=5))
    assert result.statuses == {"200": 4}
    # the last piece leaves (len(pieces) - 1) pauses after the first byte
    assert min(result.ok_latencies_ms) >= (len(pieces) - 1) * pause * 1000 * 0.95
    assert max(result.ok_latencies_ms) < (len(pieces) + 10) * pause * 1000


def test_keep_alive_connections_carry_every_request_with_the_request_as_configured() -> None:
    with raw_server(keep_alive) as (url, heads):
        result = run(url, headers={"Authorization": "Bearer s3cr3t"}, requests=30)
    assert result.statuses == {"200": 30} and len(result.samples) == 30
    assert len(result.percentiles()) == 3 and result.failures == []
    first = heads[0].split(b"\r\n")
    assert first[0] == b"POST /predict HTTP/1.1"
    assert b"Authorization: Bearer s3cr3t" in first and b"Content-Type: application/json" in first
    assert b"Content-Length: %d" % len(BODY) in first


def connections_counted(answer: Answer) -> tuple[Answer, list[int]]:
    opened: list[int] = []

    def counting(sock: socket.socket, count: int) -> bool:
        if count == 0:
            opened.append(1)
        return answer(sock, count)
    return counting, opened


def test_connection_close_reopens_a_connection_for_the_next_request() -> None:
    def close_after_one(sock: socket.socket, _count: int) -> bool:
        sock.sendall(OK.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1))
        return False
    answer, opened = connections_counted(close_after_one)
    with raw_server(answer) as (url, _):
        result = run(url, requests=12)
    assert result.statuses == {"200": 12} and len(opened) == 12


def test_a_silently_closed_kept_alive_connection_is_retried_on_a_fresh_one() -> None:
    def close_without_notice(sock: socket.socket, count: int) -> bool:
        sock.sendall(OK)
        return count < 2  # answers three times, then closes as the next request arrives
    answer, opened = connections_counted(close_without_notice)
    with raw_server(answer) as (url, _):
        result = run(url, requests=12, concurrency=1)
    assert result.statuses == {"200": 12}, result.statuses
    assert len(opened) == 4


def test_an_answer_framed_by_closing_the_connection() -> None:
    def until_close(sock: socket.socket, _count: int) -> bool:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + ANSWER)
        return False
    with raw_server(until_close) as (url, _):
        result = run(url, requests=6)
    assert result.statuses == {"200": 6}


def test_error_statuses_are_counted_by_status() -> None:
    def alternate(sock: socket.socket, count: int) -> bool:
        sock.sendall(OK if count % 2 else b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy")
        return True
    with raw_server(alternate) as (url, _):
        result = run(url, requests=10, concurrency=1)
    assert result.statuses == {"200": 5, "503": 5} and len(result.failures) == 5


def test_a_silent_server_times_every_request_out_and_the_deadline_stops_the_run() -> None:
    def silent(_sock: socket.socket, _count: int) -> bool:
        time.sleep(5)
        return False
    with raw_server(silent) as (url, _):
        started = time.monotonic()
        result = run(url, requests=50, concurrency=2, timeout=0.3, deadline=time.monotonic() + 1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 1.6
    assert 4 <= len(result.samples) < 50
    # 0.3 s each, the last ones shortened to what was left before the deadline
    assert result.statuses["no answer within 0.3s (timed out)"] >= 4
    assert all(key.endswith("s (timed out)") for key in result.statuses), result.statuses


def test_garbage_instead_of_http_is_a_failed_request() -> None:
    def garbage(sock: socket.socket, _count: int) -> bool:
        sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        return True
    with raw_server(garbage) as (url, _):
        result = run(url, requests=3, concurrency=1)
    (outcome,) = result.statuses
    assert outcome.startswith("connection failed: not an HTTP answer (malformed status line")
    assert result.statuses[outcome] == 3


def test_a_closed_port_is_refused_for_every_request() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(f"http://127.0.0.1:{port}/predict", requests=5)
    assert result.statuses == {"connection refused: nothing is listening on that host and port": 5}


@pytest.fixture(scope="module")
def tls_server_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = Path(folder, "key.pem"), Path(folder, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_https_through_tls_and_an_unverified_certificate_is_a_tls_failure(
        tls_server_context: ssl.SSLContext) -> None:
    with raw_server(keep_alive, tls=tls_server_context) as (url, _):
        trusted = run(url, verify=False, requests=10)
        verified = run(url, requests=2, concurrency=1)
    assert trusted.statuses == {"200": 10}
    (outcome,) = verified.statuses
    assert outcome.startswith("TLS handshake failed") and "CERTIFICATE_VERIFY_FAILED" in outcome
