"""The latency driver's HTTP/1.1 framing (checker.checks.endpoint.wire): requests out, answers in."""

from __future__ import annotations

import pytest

from checker.checks.endpoint.wire import ProtocolError, ResponseParser, serialise_request

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"p\": [0.5]}\n"
CHUNKED = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n")


def parse(*pieces: bytes, max_body: int = 1 << 20) -> ResponseParser:
    parser = ResponseParser(max_body)
    done = [parser.feed(piece) for piece in pieces]
    assert done[-1] and not any(done[:-1]), done
    return parser


def byte_by_byte(data: bytes) -> list[bytes]:
    return [data[i:i + 1] for i in range(len(data))]


def test_a_content_length_answer() -> None:
    parser = parse(OK)
    assert (parser.status, bytes(parser.body), parser.keep_alive) == (200, b'{"p": [0.5]}\n', True)
    assert parser.headers["content-type"] == "application/json" and parser.leftover == 0


def test_a_chunked_answer_with_extensions_and_trailers() -> None:
    parser = parse(CHUNKED)
    assert (parser.status, bytes(parser.body), parser.keep_alive) == (200, b"hello, world", True)


@pytest.mark.parametrize("answer", [OK, CHUNKED], ids=["content-length", "chunked"])
def test_an_answer_split_into_single_bytes_ends_only_at_its_last_byte(answer: bytes) -> None:
    parser = parse(*byte_by_byte(answer))
    assert parser.received == len(answer) and parser.status == 200


def test_an_answer_without_a_length_ends_when_the_server_closes() -> None:
    parser = ResponseParser(1 << 20)
    assert not parser.feed(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome ")
    assert not parser.feed(b"text")
    assert parser.close()
    assert (bytes(parser.body), parser.keep_alive) == (b"some text", False)


def test_a_close_mid_answer_does_not_complete_it() -> None:
    parser = ResponseParser(1 << 20)
    assert not parser.feed(OK[:-4])
    assert not parser.close()
    assert not ResponseParser(1 << 20).close()  # nothing at all


@pytest.mark.parametrize(("head", "keep_alive"), [
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\n", False),
    (b"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\n", False),
    (b"HTTP/1.0 200 OK\r\n", False),
    (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", True),
    (b"HTTP/1.1 500 Internal Server Error\r\n", True),
])
def test_whether_the_connection_stays_open(head: bytes, keep_alive: bool) -> None:
    parser = parse(head + b"Content-Length: 2\r\n\r\nok")
    assert parser.keep_alive is keep_alive


def test_interim_answers_are_skipped_and_bodiless_statuses_end_at_the_head() -> None:
    parser = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")
    assert (parser.status, bytes(parser.body), parser.keep_alive) == (204, b"", True)


def test_a_body_over_the_cap_is_cut_and_the_connection_dropped() -> None:
    parser = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 60, max_body=50)
    assert (len(parser.body), parser.truncated, parser.keep_alive) == (50, True, False)
    chunked = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + b"y" * 64, max_body=50)
    assert (len(chunked.body), chunked.truncated, chunked.keep_alive) == (50, True, False)


def test_bytes_after_the_answer_are_counted() -> None:
    assert parse(OK + b"HTTP/1.1 200").leftover == len(b"HTTP/1.1 200")


@pytest.mark.parametrize(("answer", "message"), [
    (b"HTTP/2 200 OK\r\n\r\n", "malformed status line"),
    (b"HTTP/1.1 OK\r\n\r\n", "malformed status line"),
    (b"<html>hello</html>\r\n\r\n", "malformed status line"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n", "malformed header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n", "invalid Content-Length"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"),
])
def test_malformed_answers_raise(answer: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        ResponseParser(1 << 20).feed(answer)


def test_an_endless_header_block_is_refused() -> None:
    parser = ResponseParser(1 << 20)
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(ProtocolError, match="header block longer"):
        parser.feed(b"X-Pad: " + b"a" * 70_000)


def test_a_request_is_serialised_once_with_one_field_per_name() -> None:
    request = serialise_request("POST", "127.0.0.1:8080", "/invocations?x=1",
                                {"User-Agent": "mlsmoke", "content-type": "text/plain",
                                 "Content-Type": "application/json"}, b'{"a": 1}')
    head, _, body = request.partition(b"\r\n\r\n")
    assert head.split(b"\r\n") == [b"POST /invocations?x=1 HTTP/1.1", b"Host: 127.0.0.1:8080",
                                   b"User-Agent: mlsmoke", b"Content-Type: application/json",
                                   b"Content-Length: 8"]
    assert body == b'{"a": 1}'


def test_a_header_value_with_a_line_break_is_refused_without_showing_it() -> None:
    with pytest.raises(ValueError, match="'Authorization' is malformed") as caught:
        serialise_request("POST", "h", "/", {"Authorization": "Bearer s3cret\r\nX-Evil: 1"}, b"")
    assert "s3cret" not in str(caught.value)
