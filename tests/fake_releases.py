"""A local stand-in for GitHub's "create a release" endpoint (POST /repos/{owner}/{repo}/releases),
which the OpenAPI subset behind integration/fake_github.py does not describe. It records each
request and answers `status` (201 with an html_url, or 422 "already_exists" like GitHub)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REQUIRED = {"tag_name"}
KNOWN = {"tag_name", "target_commitish", "name", "body", "draft", "prerelease", "discussion_category_name",
         "generate_release_notes", "make_latest"}


@dataclass(frozen=True)
class ReleaseRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeReleases:
    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.requests: list[ReleaseRequest] = []
        self.problems: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FakeReleases]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not set(body) >= REQUIRED or set(body) - KNOWN:
            self.problems.append(f"bad release body: {body!r}")
            return 422, {"message": "Invalid request."}
        self.requests.append(ReleaseRequest(path, headers, body))
        if self.status == 201:
            return 201, {"id": len(self.requests), "tag_name": body["tag_name"],
                         "html_url": f"https://github.example{path.removeprefix('/repos')}/tag/{body['tag_name']}"}
        exists = {"resource": "Release", "code": "already_exists", "field": "tag_name"}
        return self.status, {"message": "Validation Failed", "errors": [exists]}


def _handler(fake: FakeReleases) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            status, answer = fake.answer(self.path, dict(self.headers), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
