"""HTTP/1.1 on the wire for the latency driver: one request serialised once, and an incremental
response parser fed whatever each recv() returned.

The parser knows the framing of RFC 9112 §6.3 and no more: status line, header fields,
Content-Length, chunked transfer coding (extensions and trailers skipped), read-until-close,
bodiless 204/304, interim 1xx answers skipped, and whether the connection stays open. It keeps
at most `max_body` bytes of a body; past that the answer counts as complete and the connection
must be dropped. Anything it cannot frame raises ProtocolError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from checker.errors import InputError

MAX_LINE = 64 * 1024  # a status line, header block or chunk-size line longer than this is not HTTP

_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?")
_FORBIDDEN = re.compile(r"[\r\n\x00]")


class ProtocolError(InputError, ValueError):
    """The server's bytes are not an HTTP/1.x response."""


def serialise_request(method: str, authority: str, path: str, headers: Mapping[str, str],
                      body: bytes) -> bytes:
    """The request as bytes; ValueError names a header (never its value) holding a line break."""
    fields = {"host": ("Host", authority)}  # by lower-case name: a later field replaces an earlier one
    for name, value in {**headers, "Content-Length": str(len(body))}.items():
        fields[name.lower()] = (name, value)
    lines = [f"{method} {path} HTTP/1.1"]
    for name, value in fields.values():
        if not name or ":" in name or _FORBIDDEN.search(name) or _FORBIDDEN.search(value):
            raise ValueError(f"the header {name[:40]!r} is malformed or holds a line break")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace") + body


class ResponseParser:
    """Feed it bytes until feed() returns True; then `status`, `keep_alive`, `body` are final."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.keep_alive = True
        self.body = bytearray()
        self.truncated = False
        self.done = False
        self.received = 0  # bytes seen, interim answers included
        self._buffer = bytearray()
        self._state = self._head
        self._remaining = 0

    @property
    def leftover(self) -> int:
        """Bytes after the end of the answer (a server must not send any: nothing was pipelined)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> bool:
        self.received += len(data)
        self._buffer += data
        while not self.done and self._state():
            pass
        return self.done

    def close(self) -> bool:
        """The server closed the connection: True when that ends the answer (no length was given)."""
        if self._state == self._until_close:
            self._finish(keep_alive=False)
        return self.done

    def _finish(self, keep_alive: bool = True) -> bool:
        self.done = True
        self.keep_alive = self.keep_alive and keep_alive
        return False

    def _line(self) -> bytes | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > MAX_LINE:
                raise ProtocolError(f"a line longer than {MAX_LINE} bytes")
            return None
        line = bytes(self._buffer[:end])
        del self._buffer[:end + 2]
        return line

    def _head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_LINE:
                raise ProtocolError(f"a header block longer than {MAX_LINE} bytes")
            return False
        lines = bytes(self._buffer[:end]).split(b"\r\n")
        del self._buffer[:end + 4]
        match = _STATUS_LINE.fullmatch(lines[0])
        if match is None:
            raise ProtocolError(f"malformed status line {lines[0][:80]!r}")
        status = int(match.group(2))
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise ProtocolError(f"malformed header line {line[:80]!r}")
            key, text = name.decode("latin-1").lower(), value.strip().decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        if 100 <= status < 200 and status != 101:
            return True  # interim answer (100 Continue, 103 Early Hints): the real one follows
        self.status, self.headers = status, headers
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        self.keep_alive = "close" not in tokens and (match.group(1) == b"1" or "keep-alive" in tokens)
        return self._frame()

    def _frame(self) -> bool:
        if self.status in (101, 204, 304):
            return self._finish(keep_alive=self.status != 101)
        coding = self.headers.get("transfer-encoding")
        if coding is not None:
            if coding.rsplit(",", 1)[-1].strip().lower() != "chunked":
                self._state = self._until_close
                return True
            self._state = self._chunk_size
            return True
        length = self.headers.get("content-length")
        if length is None:
            self._state = self._until_close
            return True
        values = {v.strip() for v in length.split(",")}
        if len(values) != 1 or not next(iter(values)).isdigit():
            raise ProtocolError(f"invalid Content-Length {length[:40]!r}")
        self._remaining = int(values.pop())
        self._state = self._fixed
        return True

    def _take(self, most: int) -> int:
        """Move up to `most` buffered bytes into the body; how many were moved."""
        taken = min(most, len(self._buffer))
        room = self.max_body - len(self.body)
        self.body += self._buffer[:min(taken, room)]
        del self._buffer[:taken]
        if taken > room:
            self.truncated = True
        return taken

    def _fixed(self) -> bool:
        self._remaining -= self._take(self._remaining)
        if self.truncated:
            return self._finish(keep_alive=False)
        return self._finish() if self._remaining == 0 else False

    def _until_close(self) -> bool:
        self._take(len(self._buffer))
        self.keep_alive = False
        return self._finish(keep_alive=False) if self.truncated else False

    def _chunk_size(self) -> bool:
        line = self._line()
        if line is None:
            return False
        digits = line.split(b";", 1)[0].strip()
        if not digits or not re.fullmatch(rb"[0-9a-fA-F]{1,16}", digits):
            raise ProtocolError(f"malformed chunk size {line[:40]!r}")
        self._remaining = int(digits, 16)
        self._state = self._chunk_data if self._remaining else self._trailers
        return True

    def _chunk_data(self) -> bool:
        self._remaining -= self._take(self._remaining)
        if self.truncated:
            return self._finish(keep_alive=False)
        if self._remaining:
            return False
        self._state = self._chunk_end
        return True

    def _chunk_end(self) -> bool:
        if len(self._buffer) < 2:
            return False
        if self._buffer[:2] != b"\r\n":
            raise ProtocolError("a chunk is longer than its size says")
        del self._buffer[:2]
        self._state = self._chunk_size
        return True

    def _trailers(self) -> bool:
        line = self._line()
        if line is None:
            return False
        return self._finish() if line == b"" else True
