"""The release workflow's helper (.github/workflows/release.yml), standard library only.

    release.py tags vX.Y.Z      check the tag against checker/__init__.py; print the image tags
                                (version=X.Y.Z, minor=X.Y, major=X) as GITHUB_OUTPUT lines
    release.py notes X.Y.Z      print CHANGELOG.md's section for that version
    release.py publish vX.Y.Z   create the GitHub release for the tag with those notes
                                (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN)

Problems are one line on stderr and exit 1: a tag that is not vX.Y.Z or not the package's
version, a version CHANGELOG.md has no (or an empty) section for, an API answer other than 201.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"v(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)")
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\]", re.M)
TIMEOUT_S = 30


class ReleaseError(Exception):
    """The release cannot go ahead; the message says why."""


def package_version(root: Path = ROOT) -> str:
    text = (root / "checker" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.M)
    if not found:
        raise ReleaseError("checker/__init__.py has no __version__ line")
    return found.group(1)


def image_tags(tag: str, version: str) -> dict[str, str]:
    """{version, minor, major} for a vX.Y.Z tag that names `version`."""
    found = TAG.fullmatch(tag)
    if not found:
        raise ReleaseError(f"the tag {tag!r} is not vX.Y.Z")
    if tag[1:] != version:
        raise ReleaseError(f"the tag {tag} does not match the package's version {version} "
                           "(checker/__init__.py)")
    major, minor = found["major"], found["minor"]
    return {"version": tag[1:], "minor": f"{major}.{minor}", "major": major}


def release_notes(changelog: str, version: str) -> str:
    """The body of CHANGELOG.md's `## [version]` section (Keep a Changelog), without its heading."""
    headings = list(HEADING.finditer(changelog))
    for index, heading in enumerate(headings):
        if heading["version"] != version:
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(changelog)
        line_end = changelog.find("\n", heading.start(), end)
        body = _drop_link_definitions(changelog[end if line_end == -1 else line_end + 1:end]).strip()
        if not body:
            raise ReleaseError(f"CHANGELOG.md's section for {version} is empty")
        return body + "\n"
    raise ReleaseError(f"CHANGELOG.md has no section for {version} (a '## [{version}]' heading)")


def _drop_link_definitions(body: str) -> str:
    """Keep a Changelog ends the file with `[1.0.0]: https://…` compare links; not release notes."""
    return re.sub(r"^\[[^\]]+\]: \S+\s*$", "", body, flags=re.M)


def publish(tag: str, notes: str, environ: Mapping[str, str]) -> str:
    """Create the release for `tag`; its html_url. An existing release for the tag is left as it is."""
    url = f"{environ.get('GITHUB_API_URL', 'https://api.github.com')}/repos/{environ['GITHUB_REPOSITORY']}/releases"
    payload = {"tag_name": tag, "name": tag, "body": notes, "draft": False, "prerelease": False}
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST", headers={
        "Authorization": f"Bearer {environ['GITHUB_TOKEN']}", "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            return str(json.load(answer).get("html_url", ""))
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        if error.code == 422 and "already_exists" in detail:
            return f"(the release {tag} exists already; left as it is)"
        raise ReleaseError(f"creating the release {tag} got HTTP {error.code}: {detail[:300]}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise ReleaseError(f"creating the release {tag}: {error}") from None


def main(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    if len(argv) != 2 or argv[0] not in {"tags", "notes", "publish"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, value = argv
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8") if command != "tags" else ""
    try:
        if command == "tags":
            print("\n".join(f"{k}={v}" for k, v in image_tags(value, package_version()).items()))
        elif command == "notes":
            print(release_notes(changelog, value), end="")
        else:
            notes = release_notes(changelog, image_tags(value, package_version())["version"])
            print(f"release: {publish(value, notes, environ)}")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
