"""The MLflow-style fake model server (tests/fake_model_server.py) instrumented with
`prometheus_client` the way a serving app is: `http_requests_total{handler,code}` counts every
POST, `prediction_errors_total{handler}` every 4xx or 5xx, and GET /metrics serves the
registry's exposition. Faults are switched on per test: a counter that does not move, errors
counted for every request, a page replaced by other text, a huge page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fake_model_server import Behavior, _Handler, _QuietServer, running
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest


@dataclass
class Hook:
    count_requests: bool = True  # False: the requests counter is on the page but never moves
    every_request_fails: bool = False  # the errors counter counts successes too
    page: bytes | None = None  # served instead of the exposition
    page_type: str = CONTENT_TYPE_LATEST
    huge: bool = False  # 20 MiB of valid samples
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter("http_requests", "Prediction requests", ["handler", "code"],
                                registry=self.registry)
        self.errors = Counter("prediction_errors", "Failed prediction requests", ["handler"],
                              registry=self.registry)
        if not self.count_requests:
            self.requests.labels(handler="/invocations", code="200")
        Gauge("model_loaded", "Whether the model is loaded", registry=self.registry).set(1)


class _MetricsHandler(_Handler):
    hook: Hook  # set per server by instrumented

    def do_GET(self) -> None:
        if self.path != "/metrics":
            return super().do_GET()
        self.behavior.received_headers.append(dict(self.headers))
        if self.hook.huge:
            return self._huge()
        page = self.hook.page if self.hook.page is not None else generate_latest(self.hook.registry)
        self.send_response(200)
        self.send_header("Content-Type", self.hook.page_type)
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _huge(self) -> None:
        block = b"".join(b'filler_total{i="%d"} 1\n' % i for i in range(1000))
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE_LATEST)
        self.send_header("Content-Length", str(len(block) * 1000))
        self.end_headers()
        for _ in range(1000):
            self.wfile.write(block)

    def _send(self, status: int, body: Any, content_type: str | None = None,
              extra: dict[str, str] | None = None) -> None:
        if self.command == "POST":
            if self.hook.count_requests:
                self.hook.requests.labels(handler=self.path, code=str(status)).inc()
            if status >= 400 or self.hook.every_request_fails:
                self.hook.errors.labels(handler=self.path).inc()
        super()._send(status, body, content_type, extra)


@contextmanager
def instrumented(behavior: Behavior, hook: Hook) -> Iterator[str]:
    """Serve `behavior` with `hook`'s metrics on a free port; yields the base URL."""
    handler = type("Handler", (_MetricsHandler,), {"behavior": behavior, "hook": hook})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with running(server) as url:
        yield url
