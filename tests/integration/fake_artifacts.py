"""The fake GitHub API with workflow artifacts, served as GitHub serves them: listed newest
first with their workflow run (head branch, head commit, repository), filtered by name, paged;
expired ones listed with `expired: true`; the zip download answered with a 302 to a separate
storage server, which refuses a request that carries an Authorization header (the token is for
the API only). Every request and answer is still checked against GitHub's API description."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fake_model_server import running
from integration.fake_github import FakeGithub
from integration.openapi_reference import Operation

REPOSITORY_ID = 4242
FORK_ID = 9999


def zipped(files: dict[str, bytes | str]) -> bytes:
    """A zip archive holding `files` (name → content), as upload-artifact makes one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class Storage:
    """The separate download server the 302 points to."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.requests: list[dict[str, str]] = []
        self.problems: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _storage_handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[Storage]:
        with running(self._server):
            yield self


class FakeGithubArtifacts(FakeGithub):
    def __init__(self, token: str, repository: str = "acme/wine", per_page_max: int | None = None):
        super().__init__(token, repository)
        self.storage = Storage()
        self.artifacts: list[dict[str, Any]] = []  # newest first, as GitHub lists them
        self.per_page_max = per_page_max  # a smaller page than asked for, to exercise pagination
        self._artifact_lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[FakeGithubArtifacts]:
        with self.storage.running(), super().running():
            yield self

    def add_artifact(self, archive: bytes, **given: Any) -> dict[str, Any]:
        """An artifact holding `archive`; `given` overrides branch (main), name (mlsmoke-results),
        expired (False), day (its creation day in November), head_sha, head_repository_id."""
        options = {"branch": "main", "name": "mlsmoke-results", "expired": False, "day": 1,
                   "head_sha": "c" * 40, "head_repository_id": REPOSITORY_ID, **given}
        branch, name, expired, day, head_sha, head_repository_id = (
            options[k] for k in ("branch", "name", "expired", "day", "head_sha", "head_repository_id"))
        with self._artifact_lock:
            artifact_id = 500 + len(self.artifacts)
            api = f"{self.url}/repos/{self.repository}/actions/artifacts/{artifact_id}"
            stamp = f"2026-11-{day:02d}T10:00:00Z"
            artifact = {
                "id": artifact_id, "node_id": f"MDg6QXJ0aWZhY3Q{artifact_id}", "name": name,
                "size_in_bytes": len(archive), "url": api, "archive_download_url": f"{api}/zip",
                "expired": expired, "created_at": stamp, "expires_at": "2027-02-01T10:00:00Z",
                "updated_at": stamp, "digest": None,
                "workflow_run": {"id": 9000 + artifact_id, "repository_id": REPOSITORY_ID,
                                 "head_repository_id": head_repository_id, "head_branch": branch,
                                 "head_sha": head_sha},
            }
            self.storage.blobs[str(artifact_id)] = archive
            self.artifacts.append(artifact)
            self.artifacts.sort(key=lambda a: a["created_at"], reverse=True)
            return artifact

    def _operate(self, operation: Operation, query: dict[str, list[str]],
                 body: Any) -> tuple[int, dict[str, str], Any]:
        match operation.operation_id:
            case "actions/list-artifacts-for-repo":
                return self._artifact_page(query)
            case "actions/download-artifact":
                params = operation.params
                return self._download(int(params["artifact_id"]), params["archive_format"])
        return super()._operate(operation, query, body)

    def _artifact_page(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        name = query.get("name", [None])[0]
        listed = [a for a in self.artifacts if name is None or a["name"] == name]
        per_page = int(query.get("per_page", ["30"])[0])
        per_page = min(per_page, self.per_page_max or per_page)
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(listed) // per_page))
        headers = {}
        if page < last:
            base = f"{self.url}/repos/{self.repository}/actions/artifacts?name={name}&per_page={per_page}"
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
        return 200, headers, {"total_count": len(listed),
                              "artifacts": listed[(page - 1) * per_page: page * per_page]}

    def _download(self, artifact_id: int, archive_format: str) -> tuple[int, dict[str, str], Any]:
        found = next((a for a in self.artifacts if a["id"] == artifact_id), None)
        if found is None or archive_format != "zip":
            return 404, {}, {"message": "Not Found"}
        if found["expired"]:
            return 410, {}, {"message": "Artifact has expired"}
        return 302, {"Location": f"{self.storage.url}/blob/{artifact_id}?sig=signed"}, None


def _storage_handler(storage: Storage) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            storage.requests.append(headers)
            blob_id = self.path.split("?")[0].removeprefix("/blob/")
            if "authorization" in headers:
                storage.problems.append("the storage URL got an Authorization header")
                return self._send(400, b"<Error>Authentication information is not given correctly</Error>")
            if blob_id not in storage.blobs:
                return self._send(404, b"<Error>BlobNotFound</Error>")
            self._send(200, storage.blobs[blob_id], "application/zip")

        def _send(self, status: int, payload: bytes, content_type: str = "application/xml") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def results_zip(results: dict[str, Any] | str) -> bytes:
    """An artifact as the workflow uploads `--out`: results.json, report.md and junit.xml."""
    text = results if isinstance(results, str) else json.dumps(results)
    return zipped({"results.json": text, "report.md": "# report\n", "junit.xml": "<testsuites/>\n"})
