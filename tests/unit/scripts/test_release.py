"""scripts/release.py, the release workflow's helper: tags from the version, notes from
CHANGELOG.md, the GitHub release from both."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from fake_releases import FakeReleases
from helpers import REPO, load_script

CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Not yet.

## [1.2.0] - 2026-12-02

### Added
- A prebuilt image.

### Fixed
- A crash.

## [1.1.0]

- Older.

[1.2.0]: https://github.com/mlsmoke/mlsmoke/compare/v1.1.0...v1.2.0
"""


release = load_script(REPO / "scripts" / "release.py")


def test_a_version_tag_gives_the_three_image_tags() -> None:
    assert release.image_tags("v1.2.3", "1.2.3") == {"version": "1.2.3", "minor": "1.2", "major": "1"}


@pytest.mark.parametrize(("tag", "why"), [("v1.2", "not vX.Y.Z"), ("1.2.3", "not vX.Y.Z"),
                                          ("v1.2.3-rc1", "not vX.Y.Z"), ("v01.2.3", "not vX.Y.Z"),
                                          ("v1.2.4", "does not match the package's version 1.2.3")])
def test_a_tag_that_is_not_the_version_stops_the_release(tag: str, why: str) -> None:
    with pytest.raises(release.ReleaseError, match=why):
        release.image_tags(tag, "1.2.3")


def test_the_version_comes_from_the_package() -> None:
    from checker import __version__

    assert release.package_version() == __version__


def test_the_notes_are_the_versions_section_without_heading_or_links() -> None:
    assert release.release_notes(CHANGELOG, "1.2.0") == (
        "### Added\n- A prebuilt image.\n\n### Fixed\n- A crash.\n")
    assert release.release_notes(CHANGELOG, "1.1.0") == "- Older.\n"


def test_a_version_without_a_section_or_with_an_empty_one_stops_the_release() -> None:
    with pytest.raises(release.ReleaseError, match=r"no section for 9\.9\.9"):
        release.release_notes(CHANGELOG, "9.9.9")
    with pytest.raises(release.ReleaseError, match="empty"):
        release.release_notes("## [2.0.0]\n\n## [1.0.0]\n- x\n", "2.0.0")
    with pytest.raises(release.ReleaseError, match="empty"):
        release.release_notes("## [2.0.0]", "2.0.0")


def test_the_repositorys_changelog_has_notes_for_the_current_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    notes = release.release_notes(changelog, release.package_version())
    assert notes.strip()


def test_the_command_line_prints_outputs_and_one_line_problems(capsys: pytest.CaptureFixture[str]) -> None:
    version = release.package_version()
    assert release.main(["tags", f"v{version}"], {}) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"version={version}"
    assert release.main(["tags", "v99.0.0"], {}) == 1
    assert capsys.readouterr().err.startswith("release: the tag v99.0.0 does not match")
    assert release.main(["nonsense", "x"], {}) == 2


@pytest.fixture
def releases() -> Iterator[FakeReleases]:
    with FakeReleases().running() as fake:
        yield fake
    assert fake.problems == []


def test_publish_creates_the_release_with_the_notes(releases: FakeReleases) -> None:
    environ = {"GITHUB_API_URL": releases.url, "GITHUB_REPOSITORY": "acme/mlsmoke", "GITHUB_TOKEN": "ghs_x"}
    url = release.publish("v1.2.0", "notes\n", environ)
    assert url == "https://github.example/acme/mlsmoke/releases/tag/v1.2.0"
    [request] = releases.requests
    assert request.path == "/repos/acme/mlsmoke/releases"
    assert request.headers["Authorization"] == "Bearer ghs_x"
    assert request.body == {"tag_name": "v1.2.0", "name": "v1.2.0", "body": "notes\n", "draft": False,
                    "prerelease": False}


def test_publish_leaves_an_existing_release_and_reports_other_failures(releases: FakeReleases) -> None:
    environ = {"GITHUB_API_URL": releases.url, "GITHUB_REPOSITORY": "acme/mlsmoke", "GITHUB_TOKEN": "t"}
    releases.status = 422
    assert "exists already" in release.publish("v1.2.0", "n", environ)
    releases.status = 403
    with pytest.raises(release.ReleaseError, match="HTTP 403"):
        release.publish("v1.2.0", "n", environ)
    with pytest.raises(release.ReleaseError, match="creating the release"):
        release.publish("v1.2.0", "n", {**environ, "GITHUB_API_URL": "http://127.0.0.1:9"})


def test_the_script_uses_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    lines = (REPO / "scripts" / "release.py").read_text(encoding="utf-8").splitlines()
    imported = {line.split()[1].split(".")[0] for line in lines if line.startswith(("import ", "from "))}
    assert imported <= allowed
