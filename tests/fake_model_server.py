"""A small MLflow-style model server on 127.0.0.1 for the endpoint tests, whose faults are
switched on per test: a traceback on bad input, an empty row list accepted, slowness, a wrong
prediction count, never healthy, a redirect, a wrong content type, a huge body, a kserve-v2
server that is ready while its model is not. It records the headers it received."""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behavior:
    columns: tuple[str, ...] = ()
    max_rows: int = 100
    traceback_on_bad_input: bool = False
    delay_s: float = 0.0
    drop_predictions: int = 0
    prediction: Any = 0.5
    unhealthy: bool = False
    healthy_after_s: float = 0.0
    redirect_to: str | None = None
    content_type: str = "application/json"
    huge_body: bool = False
    echo_input: bool = False
    echo_auth: bool = False
    hang_on_invalid_json_s: float = 0.0
    accept_empty_rows: bool = False  # answers an empty row list with 200 and no predictions
    # kserve-v2 readiness: /v2/health/ready always says ready (as MLServer does with no model
    # loaded); the model `wine` is "ready", "absent" (404), "says_false" (200 {"ready": false}),
    # "no_metadata" (ready, but GET /v2/models/wine answers 500) or "loading" until model_ready_after_s
    v2_model: str = "ready"
    model_ready_after_s: float = 0.0
    received_headers: list[dict[str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


class BadInputError(ValueError):
    pass


class _Handler(BaseHTTPRequestHandler):
    behavior: Behavior  # set per server by _handler
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.behavior.received_headers.append(dict(self.headers))
        if self.path.startswith("/v2/"):
            return self._v2_readiness()
        if self.path not in ("/health", "/ping", "/v1/models/wine"):
            return self._send(404, {"error": "not found"})
        waking = time.monotonic() - self.behavior.started < self.behavior.healthy_after_s
        if self.behavior.unhealthy or waking:
            return self._send(503, {"status": "starting"})
        self._send(200, {"status": "ok"})

    def _v2_readiness(self) -> None:
        if self.path == "/v2/health/ready":
            return self._send(200, {"ready": True})
        state = self.behavior.v2_model
        if state == "loading":
            loaded = time.monotonic() - self.behavior.started >= self.behavior.model_ready_after_s
            state = "ready" if loaded else "says_false"
        if self.path not in ("/v2/models/wine/ready", "/v2/models/wine") or state == "absent":
            return self._send(404, {"error": "Model wine not found"})
        if self.path.endswith("/ready"):
            return self._send(200, {"name": "wine", "ready": state != "says_false"})
        if state == "no_metadata":
            return self._send(500, {"error": "metadata unavailable"})
        self._send(200, {"name": "wine", "versions": [], "platform": "", "inputs": [], "outputs": []})

    def do_POST(self) -> None:
        self.behavior.received_headers.append(dict(self.headers))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.behavior.redirect_to:
            return self._send(307, {}, extra={"Location": self.behavior.redirect_to + self.path})
        if self.path not in ("/invocations", "/v1/models/wine:predict"):
            return self._send(404, {"error": "not found"})
        try:
            rows = self._parse(raw)
        except (ValueError, KeyError, TypeError) as exc:  # BadInputError, bad JSON, bad values
            return self._bad_input(exc, raw)
        time.sleep(self.behavior.delay_s)
        count = max(0, len(rows) - self.behavior.drop_predictions)
        answer: dict[str, Any] = {"predictions": [self.behavior.prediction] * count}
        if self.behavior.echo_auth:
            answer["auth_seen"] = self.headers.get("Authorization", "")
        elif self.behavior.huge_body:
            answer["pad"] = "x" * 3_000_000
        self._send(200, answer)

    def _parse(self, raw: bytes) -> list[list[float]]:
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            raise BadInputError("content type must be application/json")
        body = json.loads(raw)
        rows = self._v1_rows(body) if self.path.startswith("/v1/") else self._mlflow_rows(body)
        if not rows and not self.behavior.accept_empty_rows:
            raise BadInputError("no rows")
        if len(rows) > self.behavior.max_rows:
            raise BadInputError(f"at most {self.behavior.max_rows} rows")
        try:
            return [[float(v) for v in row] for row in rows]
        except ValueError:
            if self.behavior.traceback_on_bad_input:
                raise
            raise BadInputError("every value must be a number") from None

    def _mlflow_rows(self, body: Any) -> list[Any]:
        split = body["dataframe_split"]
        if list(split["columns"]) != list(self.behavior.columns):
            raise BadInputError(f"expected columns {list(self.behavior.columns)}")
        return split["data"]

    def _v1_rows(self, body: Any) -> list[Any]:  # TF Serving / KServe v1 row format
        rows = body["instances"]
        if any(len(row) != len(self.behavior.columns) for row in rows):
            raise BadInputError(f"each instance needs {len(self.behavior.columns)} values")
        return rows

    def _bad_input(self, exc: Exception, raw: bytes) -> None:
        if self.behavior.hang_on_invalid_json_s and isinstance(exc, json.JSONDecodeError):
            time.sleep(self.behavior.hang_on_invalid_json_s)
        if self.behavior.traceback_on_bad_input:
            text = "".join(traceback.format_exception(exc))
            return self._send(500, text, content_type="text/plain")
        message = {"error": str(exc)}
        if self.behavior.echo_input:
            message["input"] = raw.decode("utf-8", "replace")
        self._send(415 if "content type" in str(exc) else 400, message)

    def _send(self, status: int, body: Any, content_type: str | None = None,
              extra: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type or self.behavior.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _handler(behavior: Behavior) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"behavior": behavior})


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that stops reading (the capped huge body) is expected here


@contextmanager
def serving(behavior: Behavior) -> Iterator[str]:
    """Serve `behavior` on a free port; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), _handler(behavior))
    server.daemon_threads = True
    with running(server) as url:
        yield url


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve `server` from a daemon thread, yielding its base URL; always shut down and closed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
