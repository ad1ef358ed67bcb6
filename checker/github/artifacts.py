"""The base branch's results.json, from the newest unexpired workflow artifact of that name.

GitHub lists a repository's artifacts newest first, filtered by name; each names the workflow
run that uploaded it (its head branch, head commit and repository). Downloading one answers a
302 to a short-lived storage URL, which is fetched *without* the Authorization header: the
token is for the API only. The zip is never extracted: only its top-level `results.json` is
read, through the size limits, so a crafted archive (a zip bomb, `../` names) reads nothing
else. Every failure is a `NoArtifactError` whose message says why, for a skip.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

from checker import __version__
from checker.config.limits import MAX_RESULTS_BYTES
from checker.errors import ExternalError
from checker.github.api import GithubApiError, GithubClient
from checker.record import record

MEMBER = "results.json"
MAX_ARTIFACT_BYTES = 64 * 1024 * 1024  # the zip, as downloaded
MAX_LISTED = 1000  # artifacts looked through for the base branch's newest
MAX_MEMBERS = 10_000
_CHUNK = 256 * 1024
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
               ValueError)


class NoArtifactError(ExternalError):
    """There are no base results to read; the message says why."""


@record
class Found:
    """The base results.json's bytes and where they came from."""

    data: bytes
    source: str  # "artifact mlsmoke-results (run 42)"
    run_url: str | None
    commit: str | None


def newest(client: GithubClient, owner_repo: tuple[str, str], name: str, branch: str,
           deadline_at: float = float("inf")) -> Mapping[str, Any]:
    """The newest unexpired artifact called `name` uploaded by a run on `branch` of this
    repository (not of a fork whose branch has the same name), looked for until `deadline_at`
    (time.monotonic)."""
    owner, repo = owner_repo
    matches = []
    try:
        for index, artifact in enumerate(client.paginate(f"/repos/{owner}/{repo}/actions/artifacts",
                                                         {"name": name}, key="artifacts")):
            if index >= MAX_LISTED:
                break
            if time.monotonic() > deadline_at:
                raise NoArtifactError("listing the artifacts took longer than the compare section's timeout")
            if isinstance(artifact, Mapping) and _fits(artifact, name, branch):
                matches.append(artifact)
    except GithubApiError as exc:
        raise NoArtifactError(_api_reason(exc)) from None
    if not matches:
        raise NoArtifactError(f"no unexpired artifact {name!r} from a run on {branch!r} (none uploaded yet, "
                         "or they expired)")
    return max(matches, key=lambda a: str(a.get("created_at") or ""))


def _fits(artifact: Mapping[str, Any], name: str, branch: str) -> bool:
    run = artifact.get("workflow_run")
    if artifact.get("name") != name or artifact.get("expired") is not False or not isinstance(run, Mapping):
        return False
    same_repository = run.get("head_repository_id") in (None, run.get("repository_id"))
    return run.get("head_branch") == branch and same_repository


def download(client: GithubClient, owner_repo: tuple[str, str], artifact: Mapping[str, Any],
             deadline_at: float, server_url: str) -> Found:
    """The results.json inside `artifact` (a listing entry from `newest`); the run link is on
    `server_url`."""
    size = artifact.get("size_in_bytes")
    if isinstance(size, int) and size > MAX_ARTIFACT_BYTES:
        raise NoArtifactError(f"the artifact is {size:,} bytes, "
                              f"more than mlsmoke downloads ({MAX_ARTIFACT_BYTES:,})")
    owner, repo = owner_repo
    path = f"/repos/{owner}/{repo}/actions/artifacts/{int(artifact['id'])}/zip"
    try:
        answer = client.request("GET", path, redirects=False)
    except GithubApiError as exc:
        raise NoArtifactError(_api_reason(exc)) from None
    location = answer.headers.get("Location")
    if answer.status_code not in (301, 302, 303, 307, 308) or not location:
        raise NoArtifactError(f"GET {path} answered HTTP {answer.status_code} without a download URL")
    archive = _fetch(location, client.timeout_s(), deadline_at)
    run = artifact.get("workflow_run") or {}
    run_url = f"{server_url}/{owner}/{repo}/actions/runs/{int(run['id'])}" if run.get("id") else None
    return Found(results_member(archive), f"artifact {artifact.get('name')} (run {run.get('id')})",
                 run_url, str(run.get("head_sha") or "")[:40] or None)


def _fetch(url: str, timeout_s: float, deadline_at: float) -> bytes:
    """The archive at the storage URL: no Authorization header, bounded in size and time."""
    import requests

    if not url.startswith(("https://", "http://")):
        raise NoArtifactError("the download URL is not an http(s) URL")
    try:
        with requests.get(url, stream=True, timeout=timeout_s,
                          headers={"User-Agent": f"mlsmoke/{__version__}"}) as response:
            if not response.ok:
                raise NoArtifactError(f"downloading the artifact answered HTTP {response.status_code}")
            return _bounded_body(response, deadline_at)
    except requests.RequestException as exc:
        raise NoArtifactError(f"downloading the artifact failed ({type(exc).__name__})") from None


def _bounded_body(response: Any, deadline_at: float) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(_CHUNK):
        body += chunk
        if len(body) > MAX_ARTIFACT_BYTES:
            raise NoArtifactError(f"the artifact is larger than {MAX_ARTIFACT_BYTES:,} bytes")
        if time.monotonic() > deadline_at:
            raise NoArtifactError("downloading the artifact took longer than compare.timeout")
    return bytes(body)


def results_member(archive: bytes, limit: int = MAX_RESULTS_BYTES) -> bytes:
    """The top-level results.json of a zip, read at most `limit` bytes far; nothing else is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            infos = zipped.infolist()
            if len(infos) > MAX_MEMBERS:
                raise NoArtifactError(f"the artifact holds more than {MAX_MEMBERS:,} files")
            named = [i for i in infos if i.filename == MEMBER]
            if len(named) != 1:
                how_many = "no" if not named else "more than one"
                raise NoArtifactError(f"the artifact has {how_many} top-level {MEMBER}")
            if named[0].flag_bits & 0x1:
                raise NoArtifactError(f"{MEMBER} in the artifact is encrypted")
            with zipped.open(named[0]) as member:
                data = member.read(limit + 1)
    except _ZIP_ERRORS as exc:
        raise NoArtifactError(f"the artifact is not a readable zip "
                              f"({type(exc).__name__}: {str(exc)[:200]})") from None
    if len(data) > limit:
        raise NoArtifactError(f"{MEMBER} in the artifact is larger than {limit:,} bytes")
    return data


def _api_reason(exc: GithubApiError) -> str:
    if exc.status == 403:
        return (f"{exc} — the token may not read the repository's artifacts "
                "(the workflow needs `permissions: actions: read`)")
    if exc.status == 410:
        return f"{exc} — the artifact expired"
    return str(exc)
