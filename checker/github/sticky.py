"""The sticky PR comment: one per PR and report title, found by a hidden marker and its author.

A comment is ours when its body starts with the marker AND its author is the token's bot
(`github-actions[bot]` for GITHUB_TOKEN, an account of type Bot for an app token), or exactly
the login named by `MLSMOKE_COMMENT_AUTHOR` when a personal token posts. A person quoting our
comment therefore never gets overwritten. A race between two runs can leave two of ours:
the oldest is kept and updated, the rest are deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.github.api import GithubApiError, GithubClient
from checker.record import record


@record
class StickyTarget:
    owner: str
    repo: str
    pr_number: int
    marker: str  # the hidden first line of our comment, one per report title
    author: str | None = None  # the login to trust instead of bots (a personal token)


def upsert_sticky_comment(client: GithubClient, target: StickyTarget, body: str) -> str:
    """Create or update our comment with `body` (at most GitHub's limit); returns its html_url."""
    tag = target.marker
    if not body.startswith(tag):
        body = f"{tag}\n{body}"
    issue = f"/repos/{target.owner}/{target.repo}/issues"
    ours = [c for c in client.paginate(f"{issue}/{target.pr_number}/comments")
            if is_ours(c, tag, target.author)]
    ours.sort(key=lambda c: (str(c.get("created_at", "")), int(c["id"])))
    if not ours:
        created = client.request("POST", f"{issue}/{target.pr_number}/comments", json={"body": body})
        return str(created.json()["html_url"])
    keep, *duplicates = ours
    updated = client.request("PATCH", f"{issue}/comments/{keep['id']}", json={"body": body})
    for duplicate in duplicates:
        try:
            client.request("DELETE", f"{issue}/comments/{duplicate['id']}")
        except GithubApiError as exc:
            if exc.status != 404:  # 404: a racing run deleted it first
                raise
    return str(updated.json()["html_url"])


def is_ours(comment: Mapping[str, Any], tag: str, author: str | None) -> bool:
    body = comment.get("body") or ""
    if not body.startswith(tag):
        return False
    user = comment.get("user") or {}
    if author:
        return user.get("login") == author
    return user.get("type") == "Bot"
