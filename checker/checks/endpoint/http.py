"""A bounded HTTP client for endpoint checks.

Every request has one wall-clock budget (its timeout, never past the family's deadline) that
covers connecting, sending and reading the whole answer (checker.checks.endpoint.transport),
reads at most MAX_BODY bytes of the answer, follows redirects only within the same origin
(scheme, host and port) so auth headers never reach another host, and turns transport
failures into one clear sentence (connection refused, DNS, TLS, timeout, too large) instead of
an exception. Request headers
are never recorded: an `Exchange` holds only what the server answered.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import time
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from checker.checks.endpoint.transport import Budget, Target, WallCapExceededError, exchange
from checker.checks.endpoint.wire import ProtocolError, ResponseParser, serialise_request
from checker.record import record

MAX_BODY = 1 << 20  # 1 MiB is far more than any prediction smoke test answers
MAX_REDIRECTS = 5
USER_AGENT = "mlsmoke"


@record
class Exchange:
    """One request and what came back (or why nothing did)."""

    method: str
    url: str
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    truncated: bool = False
    elapsed_s: float = 0.0
    error: str | None = None
    error_kind: str | None = None  # refused | dns | tls | timeout | redirect | connection | too_large

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def is_json(self) -> bool:
        media = self.content_type.split(";", 1)[0].strip().lower()
        return media == "application/json" or media.endswith("+json")

    def json(self) -> Any:
        """The parsed body; ValueError with a clear message when it is not JSON."""
        if self.truncated:
            raise ValueError(f"the response is larger than {MAX_BODY} bytes; mlsmoke read only the start")
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ValueError(f"the response is not valid JSON ({exc})") from None

    def outcome(self) -> str:
        """A short description for evidence: 'HTTP 200' or the failure."""
        return self.error if self.error else f"HTTP {self.status}"

    def evidence(self, max_chars: int = 1000) -> dict[str, Any]:
        from checker.results.model import truncate

        found: dict[str, Any] = {"request": f"{self.method} {public_url(self.url)}",
                                 "outcome": self.outcome(), "elapsed_ms": round(self.elapsed_s * 1000, 1)}
        if self.status is not None:
            found["content_type"] = self.content_type
            found["body"] = truncate(self.text, max_chars=max_chars)
        return found


def public_url(url: str) -> str:
    """The URL without credentials or query values (a token in `?key=` stays out of reports)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    query = "&".join(f"{pair.split('=', 1)[0]}=***" if "=" in pair else pair
                     for pair in parts.query.split("&") if pair)
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def join_url(base: str, path: str) -> str:
    """`base` + `path`, keeping any path prefix of the base (a service behind /api/)."""
    if not path:
        return base
    if path.startswith(("http://", "https://")):
        return path
    parts = urlsplit(base)
    joined = parts.path.rstrip("/") + "/" + path.lstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, joined, parts.query, ""))


@record
class HttpClient:
    """Sends requests with the endpoint's headers; `deadline` is a time.monotonic() instant.

    Each request gets one wall-clock budget, `min(timeout, deadline - now)`, for everything:
    connecting, the TLS handshake, sending, every redirect, the status line, the headers and
    the body. Every blocking socket call is given only what is left of it, so a server that
    stalls or dribbles a byte at a time is cut off when the budget runs out, not when one
    read waits too long. One fresh connection per request (`Connection: close`): these are a
    handful of health, predict and probe requests, and nothing stale is ever reused.
    """

    headers: dict[str, str]
    timeout: float
    deadline: float
    verify: bool = True
    max_body: int = MAX_BODY  # the answer is read up to this many bytes

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def request(self, method: str, url: str, *, body: bytes | None = None,
                content_type: str | None = "application/json", timeout: float | None = None) -> Exchange:
        wanted = timeout or self.timeout
        left = self.remaining()
        budget = Budget(time.monotonic(), min(wanted, left), by_deadline=left < wanted)
        if budget.limit <= 0:
            return Exchange(method, url, error="not sent: the endpoint checks' deadline has passed",
                            error_kind="timeout")
        headers = {"User-Agent": USER_AGENT, **self.headers, "Connection": "close"}
        if content_type is not None and body is not None:
            headers["Content-Type"] = content_type
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            exchange, location = self._send(method, current, body, headers, budget)
            if location is None:
                return exchange
            target = urljoin(current, location)
            if _origin(target) != _origin(current):
                return Exchange(
                    method, url, status=exchange.status, elapsed_s=budget.elapsed(),
                    error=f"redirected to another host ({public_url(target)}); mlsmoke does not follow "
                          "redirects off the endpoint's host, so its headers are never sent there",
                    error_kind="redirect")
            current = target
            if exchange.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
                headers.pop("Content-Type", None)
        return Exchange(method, url, error=f"more than {MAX_REDIRECTS} redirects", error_kind="redirect",
                        elapsed_s=budget.elapsed())

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              budget: Budget) -> tuple[Exchange, str | None]:
        target = Target.parse(url, self.verify)
        try:
            raw = serialise_request(method, target.authority, target.path, headers, body or b"")
        except ValueError as exc:
            return Exchange(method, url, error=f"not sent: {exc}", error_kind="connection"), None
        parser = ResponseParser(self.max_body)
        try:
            exchange(target, raw, parser, budget)
        except WallCapExceededError:
            return _failed(method, url, parser, budget, ("timeout", budget.message(parser))), None
        except ProtocolError as exc:
            return _failed(method, url, parser, budget,
                           ("connection", f"connection failed: not an HTTP answer ({exc})")), None
        except (OSError, ValueError) as exc:
            kind, message = describe_failure(exc, budget.limit)
            if kind == "timeout":
                message = budget.message(parser)
            return _failed(method, url, parser, budget, (kind, message)), None
        location = parser.headers.get("location")
        if parser.status in _REDIRECTS and location:
            return Exchange(method, url, status=parser.status), location
        return Exchange(method, url, status=parser.status,
                        content_type=parser.headers.get("content-type", ""), body=bytes(parser.body),
                        truncated=parser.truncated, elapsed_s=budget.elapsed()), None


_REDIRECTS = (301, 302, 303, 307, 308)


def _failed(method: str, url: str, parser: ResponseParser, budget: Budget,
            failure: tuple[str, str]) -> Exchange:
    """A request that ended without a whole answer (`failure`: kind and sentence, as
    `describe_failure` gives them); the status, if one came, is kept."""
    kind, message = failure
    return Exchange(method, url, status=parser.status, content_type=parser.headers.get("content-type", ""),
                    body=bytes(parser.body), truncated=parser.truncated, elapsed_s=budget.elapsed(),
                    error=message, error_kind=kind)


def describe_failure(exc: BaseException, timeout: float) -> tuple[str, str]:
    """(kind, one sentence) for a transport failure (a standard-library exception)."""
    text = str(exc)
    timed_out = f"no answer within {timeout:.1f}s (timed out)"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS handshake failed: {_reason(text)}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout", timed_out
    if isinstance(exc, socket.gaierror) or any(marker in text for marker in _DNS_MARKERS):
        return "dns", "DNS lookup failed: the host name does not resolve"
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text:
        return "refused", "connection refused: nothing is listening on that host and port"
    if "Read timed out" in text:
        return "timeout", timed_out
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return "connection", f"connection failed: {_reason(text or type(exc).__name__)}"
    return "connection", f"request failed: {type(exc).__name__}: {_reason(text)}"


_DNS_MARKERS = ("Name or service not known", "NameResolutionError", "getaddrinfo failed",
                "nodename nor servname", "Temporary failure in name resolution")


def _reason(text: str) -> str:
    """The exception's words without the URL it names (a query may hold a key)."""
    text = re.sub(r"with url: \S+", "with url: (not shown)", text)
    return text if len(text) <= 300 else text[:300] + "…"


def same_origin(url: str, other: str) -> bool:
    """Whether both URLs have the same scheme, host and port (headers may go to both)."""
    return _origin(url) == _origin(other)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port
