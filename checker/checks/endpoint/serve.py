"""`serve`: build an image from a folder (or use one), run it with the Docker SDK, wait until
its port answers, and ALWAYS stop and remove the container afterwards.

The container runs with the host's network by default (the checker itself runs with
`--network host`, and some engines have no bridge network), so `port` is reached on
127.0.0.1; `network: publish` publishes the port on a free loopback port instead. The
container gets `PORT` set to `port` (the Cloud Run convention) unless `env` sets it.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import time
import uuid
from dataclasses import field
from pathlib import Path
from typing import Any

from checker.config.endpoint_schema import Serve
from checker.config.paths import PathRefusedError, confine
from checker.errors import ExternalError
from checker.record import record
from checker.results.clip import clip_tail

LOG_TAIL = 60
POLL_S = 0.25


class ServeError(ExternalError):
    """The service could not be started; `logs` holds the build or container output."""

    def __init__(self, message: str, logs: str = ""):
        super().__init__(message)
        self.logs = logs


class NoEngineError(ServeError):
    """No Docker engine answers at all (as opposed to one that fails a build or a run)."""


@record(frozen=False)
class ServeSession:
    serve: Serve
    root: Path
    deadline: float
    container: Any = None
    image: str = ""
    url: str = ""
    steps: list[str] = field(default_factory=list)

    def start(self) -> str:
        """Build or find the image, run it and wait for the port; the base URL. ServeError if not."""
        client = self._client()
        self.image = self._build(client) if self.serve.build else self._image(client)
        if self.serve.network == "host" and _port_open(self.serve.port):
            raise ServeError(f"port {self.serve.port} is already in use on this host; mlsmoke would "
                              "test whatever listens there instead of the container")
        self.container = client.containers.run(
            self.image, detach=True, name=f"mlsmoke-serve-{uuid.uuid4().hex[:10]}",
            environment={"PORT": str(self.serve.port), **self.serve.env}, labels={"mlsmoke": "serve"},
            **({"network_mode": "host"} if self.serve.network == "host"
               else {"ports": {f"{self.serve.port}/tcp": ("127.0.0.1", None)}}))
        self.steps.append(f"started container {self.container.short_id} from {self.image}")
        port = self._wait_ready()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def _client(self) -> Any:
        import docker
        from docker.errors import DockerException

        try:
            client = docker.from_env(timeout=max(10, int(self.deadline - time.monotonic())))
            client.ping()
        except DockerException as exc:
            raise NoEngineError(f"no Docker engine answers ({exc}); serve needs one (mount the "
                                "Docker socket into the checker container)") from None
        return client

    def _build(self, client: Any) -> str:
        """Build the image, streaming the engine's log so the deadline is checked after every
        line (a silent step is bounded by the client's read timeout, set from the deadline)."""
        from docker.errors import APIError
        from requests.exceptions import RequestException

        context, dockerfile = self._build_paths()
        if not (context / dockerfile).is_file():
            raise ServeError(f"no {dockerfile} in {self.serve.build}")
        tag = "mlsmoke-serve:" + hashlib.sha256(str(context).encode()).hexdigest()[:12]
        started = time.monotonic()
        log: list[str] = []
        try:
            stream = client.api.build(path=str(context), dockerfile=dockerfile, tag=tag, rm=True,
                                      forcerm=True, network_mode="host", decode=True,
                                      buildargs=dict(self.serve.build_args))
            for entry in stream:
                self._build_step(entry, log, started)
        except APIError as exc:
            raise ServeError(f"docker build of {self.serve.build} failed: {exc.explanation}") from None
        except RequestException as exc:  # the read timeout, set from the deadline, ran out
            self._build_step({}, log, started)
            raise ServeError(f"docker build of {self.serve.build}: the Docker engine stopped answering "
                              f"({type(exc).__name__})", _tail(log)) from None
        self.steps.append(f"built {tag} from {self.serve.build} in {time.monotonic() - started:.1f}s")
        return tag

    def _build_step(self, entry: dict[str, Any], log: list[str], started: float) -> None:
        log.append(str(entry.get("stream") or entry.get("error") or ""))
        if entry.get("error"):
            raise ServeError(f"docker build of {self.serve.build} failed: {str(entry['error']).strip()}",
                              _tail(log))
        if time.monotonic() >= self.deadline - 1:  # a read timeout ends a moment before it
            raise ServeError(f"docker build of {self.serve.build} was stopped by the endpoint deadline "
                              f"after {time.monotonic() - started:.0f}s", _tail(log))

    def _build_paths(self) -> tuple[Path, str]:
        """The build context, resolved, and the Dockerfile in it: both inside the project."""
        build, dockerfile = self.serve.build or ".", self.serve.dockerfile or "Dockerfile"
        try:
            confine(self.root, Path(build) / dockerfile)
            return confine(self.root, build), dockerfile
        except PathRefusedError as exc:
            raise ServeError(f"refused to build: {exc}") from None

    def _image(self, client: Any) -> str:
        from docker.errors import APIError, ImageNotFound

        image = self.serve.image or ""
        try:
            client.images.get(image)
            self.steps.append(f"using local image {image}")
        except ImageNotFound:
            try:
                client.images.pull(image)
            except APIError as exc:
                raise ServeError(f"cannot pull image {image}: {exc.explanation}") from None
            self.steps.append(f"pulled {image}")
        return image

    def _wait_ready(self) -> int:
        """The host port once it accepts connections; ServeError if the container exits or
        `ready_timeout` passes first."""
        until = min(time.monotonic() + self.serve.ready_timeout, self.deadline)
        started = time.monotonic()
        while True:
            self.container.reload()
            state = self.container.attrs.get("State", {})
            if state.get("Status") in ("exited", "dead"):
                raise ServeError(f"the container exited with code {state.get('ExitCode')} before its "
                                  f"port {self.serve.port} answered", self.logs())
            port = self._host_port()
            if port and _port_open(port):
                self.steps.append(f"port {self.serve.port} answered after {time.monotonic() - started:.1f}s")
                return port
            if time.monotonic() >= until:
                raise ServeError(f"port {self.serve.port} did not accept connections within "
                                  f"{self.serve.ready_timeout:g}s", self.logs())
            time.sleep(POLL_S)

    def _host_port(self) -> int | None:
        if self.serve.network == "host":
            return self.serve.port
        bindings = (self.container.ports or {}).get(f"{self.serve.port}/tcp") or []
        return int(bindings[0]["HostPort"]) if bindings else None

    def logs(self) -> str:
        if self.container is None:
            return ""
        try:
            logs: bytes = self.container.logs(tail=LOG_TAIL)
            return logs.decode("utf-8", errors="replace")
        except Exception as exc:  # the engine may be gone; the logs are only evidence
            return f"(container logs unavailable: {exc})"

    def close(self) -> None:
        """Stop and remove the container, whatever happened."""
        if self.container is None:
            return
        # already stopped or gone: errors here must not hide the checks' results
        with contextlib.suppress(Exception):
            self.container.stop(timeout=3)
        with contextlib.suppress(Exception):
            self.container.remove(force=True, v=True)
        self.container = None


def _tail(log: list[str]) -> str:
    return clip_tail("".join(log), 6000, mark="")  # cut again after redaction (results/clip.py)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
