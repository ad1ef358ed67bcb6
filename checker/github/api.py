"""A small GitHub REST client: one session, retries with bounded backoff, pagination.

Retried: 5xx answers, 429, secondary rate limits (403 with `Retry-After` or a "secondary rate
limit" message), an exhausted primary limit that resets soon, and connection errors. A wait
longer than `RetryPolicy.max_wait_s` is not worth holding a CI job for: the error is raised.
A client made with `deadline_at` (time.monotonic) never waits past it: each request's timeout
is cut to the time left, and a retry that would start after it is not made.
`requests` is imported when a client is made, never at start-up.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from checker import __version__
from checker.errors import ExternalError
from checker.record import record

if TYPE_CHECKING:
    import requests

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class GithubApiError(ExternalError):
    """A GitHub API call that failed for good (after any retries)."""

    def __init__(self, method: str, path: str, status: int | None, message: str):
        self.method, self.path, self.status, self.message = method, path, status, message
        code = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"{method} {path}: {code}: {message}")

    @property
    def forbidden(self) -> bool:
        """403/404: the token may not write here (a fork's read-only token, missing permissions)."""
        return self.status in (403, 404)


@record
class RetryPolicy:
    attempts: int = 4
    backoff_s: float = 1.0  # first wait; doubles each retry
    max_wait_s: float = 30.0
    timeout_s: float = 15.0  # per request


class GithubClient:
    def __init__(self, api_url: str, token: str | None, *, retry: RetryPolicy = RetryPolicy(),
                 sleep: Callable[[float], None] = time.sleep, deadline_at: float = math.inf):
        import requests

        self.api_url = api_url.rstrip("/")
        self.retry = retry
        self.sleep = sleep
        self.deadline_at = deadline_at
        self.session = requests.Session()
        self.session.headers.update({
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": f"mlsmoke/{__version__}",
        })
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, *, json: Any = None,
                params: Mapping[str, Any] | None = None, redirects: bool = True) -> requests.Response:
        """One call with retries. `path` is relative to the API URL, or a full URL (a `next` link).
        `redirects=False` answers a redirect as it is (its `Location` is the caller's to follow)."""
        import requests

        url = path if path.startswith(("http://", "https://")) else self.api_url + path
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self.session.request(method, url, json=json, params=params,
                                                timeout=self.timeout_s(), allow_redirects=redirects)
            except requests.RequestException as exc:
                wait = self._backoff(attempt)
                if attempt == self.retry.attempts or not self._may_wait(wait):
                    raise GithubApiError(method, path, None, type(exc).__name__) from None
                self.sleep(wait)
                continue
            if response.ok:
                return response
            retry_in = self._retry_wait(response, attempt)
            if retry_in is None or attempt == self.retry.attempts or not self._may_wait(retry_in):
                raise GithubApiError(method, path, response.status_code, _message(response))
            self.sleep(retry_in)
        raise AssertionError("unreachable")  # the loop returns or raises

    def timeout_s(self) -> float:
        """The next request's timeout: the policy's, cut to the time left before the deadline
        (at least a tenth of a second, so a request past it fails fast instead of not starting)."""
        return max(0.1, min(self.retry.timeout_s, self.deadline_at - time.monotonic()))

    def _may_wait(self, seconds: float) -> bool:
        """Whether a retry after `seconds` would still start before the deadline."""
        return time.monotonic() + seconds < self.deadline_at

    def paginate(self, path: str, params: Mapping[str, Any] | None = None, *,
                 key: str | None = None) -> Iterator[Any]:
        """Every item of a list endpoint, following the `Link: <…>; rel="next"` header. `key`:
        the items are that field of each page's object (`artifacts`), not the page itself."""
        response = self.request("GET", path, params={"per_page": 100, **(params or {})})
        while True:
            yield from _items(response.json(), key)
            next_url = next_link(response.headers.get("Link", ""))
            if not next_url:
                return
            response = self.request("GET", next_url)

    def _backoff(self, attempt: int) -> float:
        return min(self.retry.backoff_s * 2.0 ** (attempt - 1), self.retry.max_wait_s)

    def _retry_wait(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying this answer, or None when retrying cannot help."""
        headers = response.headers
        asked = _seconds(headers.get("Retry-After"))
        if asked is None and headers.get("X-RateLimit-Remaining") == "0":
            reset = _seconds(headers.get("X-RateLimit-Reset"))
            asked = max(0.0, reset - time.time()) if reset is not None else None
        if asked is not None:
            return asked if asked <= self.retry.max_wait_s else None
        if response.status_code in _RETRY_STATUSES or _secondary_limit(response):
            return self._backoff(attempt)
        return None


def _items(page: Any, key: str | None) -> Any:
    """A page's items: the page itself, or its `key` field for a list endpoint that wraps them."""
    if key is None:
        return page
    return (page.get(key) or []) if isinstance(page, dict) else []


def next_link(header: str) -> str | None:
    match = _NEXT_LINK.search(header)
    return match.group(1) if match else None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP-date Retry-After: fall back to our own backoff


def _secondary_limit(response: requests.Response) -> bool:
    return response.status_code == 403 and "secondary rate limit" in response.text.lower()


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "error"
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])[:300]
    return response.reason or "error"
