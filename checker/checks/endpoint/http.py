"""A bounded HTTP client for endpoint checks.

Every request has a timeout (never past the family's deadline), reads at most `max_body`
bytes of the answer, follows redirects only within the same origin (scheme, host and port) so
auth headers never reach another host, and turns transport failures into one clear sentence
(connection refused, DNS, TLS, timeout, too large) instead of an exception. Request headers
are never recorded: an `Exchange` holds only what the server answered.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    import requests

MAX_BODY = 1 << 20  # 1 MiB is far more than any prediction smoke test answers
MAX_REDIRECTS = 5
USER_AGENT = "mlsmoke"


@dataclass(frozen=True)
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


def new_session(pool_size: int = 1) -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc credentials from the environment
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class HttpClient:
    """Sends requests with the endpoint's headers; `deadline` is a time.monotonic() instant."""

    session: requests.Session
    headers: dict[str, str]
    timeout: float
    deadline: float
    verify: bool | str = True

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def request(self, method: str, url: str, *, body: bytes | None = None,
                content_type: str | None = "application/json", timeout: float | None = None) -> Exchange:
        limit = min(timeout or self.timeout, self.remaining())
        if limit <= 0:
            return Exchange(method, url, error="not sent: the endpoint checks' deadline has passed",
                            error_kind="timeout")
        headers = {"User-Agent": USER_AGENT, **self.headers}
        if content_type is not None and body is not None:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            exchange, location = self._send(method, current, body, headers, limit, started)
            if location is None:
                return exchange
            target = urljoin(current, location)
            if _origin(target) != _origin(current):
                return Exchange(
                    method, url, status=exchange.status, elapsed_s=time.monotonic() - started,
                    error=f"redirected to another host ({public_url(target)}); mlsmoke does not follow "
                          "redirects off the endpoint's host, so its headers are never sent there",
                    error_kind="redirect")
            current = target
            if exchange.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
        return Exchange(method, url, error=f"more than {MAX_REDIRECTS} redirects", error_kind="redirect",
                        elapsed_s=time.monotonic() - started)

    def _request_once_more_if_stale(self, method: str, url: str, body: bytes | None,
                                    headers: dict[str, str], limit: float) -> requests.Response:
        import requests

        for attempt in (1, 2):
            try:
                return self.session.request(method, url, data=body, headers=headers, timeout=limit,
                                            allow_redirects=False, stream=True, verify=self.verify)
            except requests.ConnectionError as exc:
                if attempt == 2 or not _stale(exc):
                    raise
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              limit: float, started: float) -> tuple[Exchange, str | None]:
        import requests

        try:
            response = self._request_once_more_if_stale(method, url, body, headers, limit)
        except requests.RequestException as exc:
            kind, message = describe_failure(exc, limit)
            return Exchange(method, url, error=message, error_kind=kind,
                            elapsed_s=time.monotonic() - started), None
        with response:
            if response.is_redirect and "location" in response.headers:
                return Exchange(method, url, status=response.status_code), response.headers["location"]
            try:
                content, truncated = read_capped(response, MAX_BODY)
            except requests.RequestException as exc:
                kind, message = describe_failure(exc, limit)
                return Exchange(method, url, status=response.status_code, error=message, error_kind=kind,
                                elapsed_s=time.monotonic() - started), None
        return Exchange(method, url, status=response.status_code,
                        content_type=response.headers.get("content-type", ""), body=content,
                        truncated=truncated, elapsed_s=time.monotonic() - started), None


def _stale(exc: Exception) -> bool:
    """The server closed a kept-alive connection just as it was reused (uvicorn does after an
    error answer): nothing was processed, and a fresh connection is the honest retry."""
    text = str(exc)
    return "Connection aborted" in text and ("reset by peer" in text or "RemoteDisconnected" in text)


def read_capped(response: requests.Response, max_body: int) -> tuple[bytes, bool]:
    """At most `max_body` bytes of the body, and whether there was more."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_body:
            return b"".join(chunks)[:max_body], True
    return b"".join(chunks), False


def describe_failure(exc: BaseException, timeout: float) -> tuple[str, str]:
    """(kind, one sentence) for a transport failure, from requests or from the standard library."""
    import requests

    text = str(exc)
    timed_out = f"no answer within {timeout:.1f}s (timed out)"
    if isinstance(exc, (requests.exceptions.SSLError, ssl.SSLError)):
        return "tls", f"TLS handshake failed: {_reason(text)}"
    if isinstance(exc, (requests.exceptions.Timeout, TimeoutError, socket.timeout)):
        return "timeout", timed_out
    if isinstance(exc, socket.gaierror) or any(marker in text for marker in _DNS_MARKERS):
        return "dns", "DNS lookup failed: the host name does not resolve"
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text:
        return "refused", "connection refused: nothing is listening on that host and port"
    if "Read timed out" in text:
        return "timeout", timed_out
    if isinstance(exc, (requests.exceptions.ConnectionError, OSError, http.client.HTTPException)):
        return "connection", f"connection failed: {_reason(text or type(exc).__name__)}"
    return "connection", f"request failed: {type(exc).__name__}: {_reason(text)}"


_DNS_MARKERS = ("Name or service not known", "NameResolutionError", "getaddrinfo failed",
                "nodename nor servname", "Temporary failure in name resolution")


def _reason(text: str) -> str:
    """The exception's words without the URL it names (a query may hold a key)."""
    text = re.sub(r"with url: \S+", "with url: (not shown)", text)
    return text if len(text) <= 300 else text[:300] + "…"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port
