"""A local fake of GitHub's REST API (issue comments, commit statuses, pulls, deployment
statuses, the pull requests of a commit) on 127.0.0.1.

It records every request and checks it against GitHub's OpenAPI description: a method and path
the description does not have, an unknown query parameter or a body its schema rejects is a
`problem` (and answered 422). Its own answers are validated the same way, so the fake cannot
drift from what GitHub sends. Tests script failures with `fail_next(...)` and a fork's
read-only token with `read_only = True`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fake_model_server import running
from integration.openapi_reference import OpenApiReference, Operation

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
PERSON = {"login": "octocat", "id": 583231, "type": "User"}


@functools.lru_cache(maxsize=1)
def reference() -> OpenApiReference:
    return OpenApiReference()


@dataclass(frozen=True)
class Incoming:
    """One request as the fake API receives it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Recorded(Incoming):
    """A request the fake answered: which API operation it was, and the status it got."""

    operation: str | None
    status: int


@dataclass
class Scripted:
    method: str
    path: re.Pattern[str]
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


class FakeGithub:
    def __init__(self, token: str, repository: str = "acme/wine"):
        self.token = token
        self.repository = repository
        self.read_only = False
        self.author = BOT  # who the token posts as
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.statuses: list[dict[str, Any]] = []
        self.pulls: dict[int, str] = {}  # number → head sha
        self.commit_pulls: dict[str, list[int]] = {}  # sha → the PRs that brought it
        self.deployment_statuses: dict[int, list[dict[str, Any]]] = {}  # deployment id → statuses
        self.requests: list[Recorded] = []
        self.problems: list[str] = []
        self._scripted: list[Scripted] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FakeGithub]:
        with running(self._server):
            yield self

    # --- set-up and inspection helpers for tests
    def add_comment(self, issue: int, body: str, user: dict[str, Any] = PERSON) -> dict[str, Any]:
        with self._lock:
            return self._new_comment(issue, body, user)

    def fail_next(self, method: str, path: str, status: int, *, headers: dict[str, str] | None = None,
                  times: int = 1) -> None:
        self._scripted.append(Scripted(method, re.compile(path), status, headers or {}, times))

    def ours(self, issue: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.get(issue, []) if c["user"]["login"] == self.author["login"]]

    def calls(self, method: str, operation: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if r.method == method
                and (operation is None or r.operation == operation)]

    # --- the API
    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               raw_body: bytes) -> tuple[int, dict[str, str], Any]:
        split = urlsplit(raw_path)
        query = parse_qs(split.query)
        body = json.loads(raw_body) if raw_body else None
        operation = reference().match(method, split.path)
        incoming = Incoming(method, split.path, query, headers, body)
        status, answer_headers, answer = self._answer(incoming, operation)
        if operation and operation.operation_id != "pulls/get" and answer is not None and status < 300:
            self._note(reference().response_problems(operation, status, answer))
        with self._lock:
            self.requests.append(Recorded(**vars(incoming), status=status,
                                          operation=operation.operation_id if operation else None))
        return status, answer_headers, answer

    def _answer(self, incoming: Incoming, operation: Operation | None) -> tuple[int, dict[str, str], Any]:
        method, path, query, headers, body = (incoming.method, incoming.path, incoming.query,
                                              incoming.headers, incoming.body)
        if operation is None:
            self._note([f"{method} {path} is not in GitHub's API description"])
            return 404, {}, {"message": "Not Found"}
        problems = reference().request_problems(operation, query, body)
        if problems:
            self._note([f"{method} {path}: {p}" for p in problems])
            return 422, {}, {"message": "Validation Failed", "errors": problems}
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials"}
        scripted = self._take_scripted(method, path)
        if scripted:
            return scripted.status, scripted.headers, {"message": f"scripted {scripted.status}"}
        if self.read_only and method != "GET":
            return 403, {}, {"message": "Resource not accessible by integration"}
        with self._lock:
            return self._operate(operation, query, body)

    def _operate(self, operation: Operation, query: dict[str, list[str]],
                 body: Any) -> tuple[int, dict[str, str], Any]:
        params = operation.params
        match operation.operation_id:
            case "issues/list-comments":
                return self._page(int(params["issue_number"]), query)
            case "issues/create-comment":
                return 201, {}, self._new_comment(int(params["issue_number"]), body["body"], self.author)
            case "issues/update-comment" | "issues/delete-comment" | "issues/get-comment":
                return self._by_id(operation.operation_id, int(params["comment_id"]), body)
            case "repos/create-commit-status":
                return 201, {}, self._new_status(params["sha"], body)
            case "repos/create-deployment-status":
                return 201, {}, self._new_deployment_status(int(params["deployment_id"]), body)
            case "repos/list-pull-requests-associated-with-commit":
                return 200, {}, [self._pull_simple(n, params["commit_sha"])
                                 for n in self.commit_pulls.get(params["commit_sha"], [])]
            case "pulls/get" if int(params["pull_number"]) in self.pulls:
                # a few fields of a pull-request object (not validated: the real one has ~80)
                return 200, {}, {"number": int(params["pull_number"]),
                                 "head": {"sha": self.pulls[int(params["pull_number"])]}}
        return 404, {}, {"message": "Not Found"}

    def _page(self, issue: int, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        per_page = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        comments = self.comments.get(issue, [])
        last = max(1, -(-len(comments) // per_page))
        links = []
        base = f"{self.url}/repos/{self.repository}/issues/{issue}/comments?per_page={per_page}"
        if page < last:
            links += [f'<{base}&page={page + 1}>; rel="next"', f'<{base}&page={last}>; rel="last"']
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, headers, comments[(page - 1) * per_page: page * per_page]

    def _by_id(self, operation: str, comment_id: int, body: Any) -> tuple[int, dict[str, str], Any]:
        for issue, comments in self.comments.items():
            for comment in comments:
                if comment["id"] != comment_id:
                    continue
                if operation == "issues/delete-comment":
                    self.comments[issue] = [c for c in comments if c["id"] != comment_id]
                    return 204, {}, None
                if operation == "issues/update-comment":
                    comment["body"] = body["body"]
                    comment["updated_at"] = "2026-11-23T10:05:00Z"
                return 200, {}, comment
        return 404, {}, {"message": "Not Found"}

    def _new_comment(self, issue: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        cid = self._next_id
        api = f"{self.url}/repos/{self.repository}"
        comment = {
            "id": cid, "node_id": f"IC_{cid}", "url": f"{api}/issues/comments/{cid}",
            "html_url": f"https://github.com/{self.repository}/pull/{issue}#issuecomment-{cid}",
            "issue_url": f"{api}/issues/{issue}", "body": body, "user": _simple_user(user),
            "created_at": f"2026-11-23T10:{cid % 60:02d}:00Z", "updated_at": "2026-11-23T10:00:00Z",
            "author_association": "CONTRIBUTOR" if user["type"] == "User" else "NONE",
        }
        self.comments.setdefault(issue, []).append(comment)
        return comment

    def _new_status(self, sha: str, body: dict[str, Any]) -> dict[str, Any]:
        sid = len(self.statuses) + 1
        status = {
            "url": f"{self.url}/repos/{self.repository}/statuses/{sha}", "avatar_url": None,
            "id": sid, "node_id": f"SC_{sid}", "state": body["state"],
            "description": body.get("description"), "target_url": body.get("target_url"),
            "context": body.get("context", "default"), "created_at": "2026-11-23T10:00:00Z",
            "updated_at": "2026-11-23T10:00:00Z", "creator": _simple_user(self.author), "sha": sha,
        }
        self.statuses.append(status)
        return status

    def _new_deployment_status(self, deployment_id: int, body: dict[str, Any]) -> dict[str, Any]:
        statuses = self.deployment_statuses.setdefault(deployment_id, [])
        sid = sum(map(len, self.deployment_statuses.values())) + 1
        api = f"{self.url}/repos/{self.repository}"
        log_url = body.get("log_url") or body.get("target_url") or ""
        status = {
            "url": f"{api}/deployments/{deployment_id}/statuses/{sid}", "id": sid, "node_id": f"DES_{sid}",
            "state": body["state"], "creator": _simple_user(self.author),
            "description": body.get("description", ""), "environment": body.get("environment", "staging"),
            "target_url": log_url, "log_url": log_url, "environment_url": body.get("environment_url", ""),
            "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
            "deployment_url": f"{api}/deployments/{deployment_id}", "repository_url": api,
        }
        statuses.append(status)
        return status

    def _pull_simple(self, number: int, sha: str) -> dict[str, Any]:
        """GitHub's own example of a pull-request-simple, renumbered (it has ~40 required fields)."""
        example = reference().document["components"]["examples"]["pull-request-simple-items"]["value"][0]
        pull = copy.deepcopy(example)
        pull.update(number=number, requested_teams=[],  # the example's team lacks a required `type`
                    html_url=f"https://github.com/{self.repository}/pull/{number}")
        pull["head"]["sha"] = sha
        return pull

    def _take_scripted(self, method: str, path: str) -> Scripted | None:
        for scripted in self._scripted:
            if scripted.method == method and scripted.path.search(path) and scripted.times > 0:
                scripted.times -= 1
                return scripted
        return None

    def _note(self, problems: list[str]) -> None:
        with self._lock:
            self.problems += problems


def _simple_user(user: dict[str, Any]) -> dict[str, Any]:
    login = user["login"]
    base = f"https://api.github.com/users/{login}"
    return {
        "login": login, "id": user["id"], "node_id": f"U_{user['id']}", "type": user["type"],
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user['id']}", "gravatar_id": "",
        "url": base, "html_url": f"https://github.com/{login}", "site_admin": False,
        **{f"{name}_url": f"{base}/{name}" for name in
           ("followers", "following", "gists", "starred", "subscriptions", "organizations", "repos",
            "events", "received_events")},
    }


def _handler(fake: FakeGithub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, answer = fake.handle(self.command, self.path, headers, raw)
            payload = json.dumps(answer).encode() if answer is not None else b""
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
