"""Reading results.json out of an artifact's zip: only the top-level member, bounded, whatever
the archive holds (a zip bomb, `../` names, duplicates, encryption, garbage)."""

from __future__ import annotations

import io
import zipfile

import pytest

from checker.github import artifacts
from checker.github.artifacts import NoArtifactError, results_member


def archive(*members: tuple[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, content in members:
            zipped.writestr(name, content)
    return buffer.getvalue()


def test_the_top_level_results_json_is_read() -> None:
    data = archive(("report.md", b"# r"), ("results.json", b'{"a": 1}'), ("failing-rows/x.csv", b"row\n"))
    assert results_member(data) == b'{"a": 1}'


@pytest.mark.parametrize("name", ["../results.json", "out/results.json", "/results.json", "RESULTS.JSON"])
def test_a_results_json_anywhere_else_is_not_read(name: str) -> None:
    with pytest.raises(NoArtifactError, match=r"no top-level results\.json"):
        results_member(archive((name, b"{}")))


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_two_results_json_members_are_refused() -> None:
    with pytest.raises(NoArtifactError, match="more than one"):
        results_member(archive(("results.json", b"{}"), ("results.json", b"[]")))


def test_a_zip_bomb_is_read_only_up_to_the_limit() -> None:
    bomb = archive(("results.json", b"0" * 5_000_000))  # ~5 kB compressed
    assert len(bomb) < 50_000
    with pytest.raises(NoArtifactError, match="larger than 1,000 bytes"):
        results_member(bomb, limit=1000)


def test_a_bomb_in_another_member_is_never_decompressed() -> None:
    data = archive(("big.bin", b"0" * 5_000_000), ("results.json", b"{}"))
    assert results_member(data, limit=1000) == b"{}"


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04garbage", b"not a zip at all"])
def test_garbage_is_a_clear_reason(data: bytes) -> None:
    with pytest.raises(NoArtifactError, match="not a readable zip"):
        results_member(data)


def test_an_encrypted_member_is_refused() -> None:
    data = bytearray(archive(("results.json", b"{}"), compression=zipfile.ZIP_STORED))
    # set the "encrypted" flag in the local header and the central directory entry
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + offset
        data[at] |= 0x1
    with pytest.raises(NoArtifactError, match="encrypted"):
        results_member(bytes(data))


def test_an_artifact_listed_larger_than_the_limit_is_not_downloaded() -> None:
    huge = {"id": 1, "name": "mlsmoke-results", "size_in_bytes": artifacts.MAX_ARTIFACT_BYTES + 1}
    with pytest.raises(NoArtifactError, match="more than mlsmoke downloads"):
        artifacts.download(None, ("a", "b"), huge, 0.0, "https://github.com")  # type: ignore[arg-type]


class Streamed:
    """A download answer streaming `chunks` (what requests' iter_content yields)."""

    def __init__(self, chunks: list[bytes]):
        self.chunks = chunks

    def iter_content(self, _size: int) -> list[bytes]:
        return self.chunks


def test_a_download_past_its_deadline_stops() -> None:
    with pytest.raises(NoArtifactError, match="took longer than"):
        artifacts._bounded_body(Streamed([b"x", b"y"]), deadline_at=0.0)


def test_a_download_larger_than_the_limit_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifacts, "MAX_ARTIFACT_BYTES", 3)
    with pytest.raises(NoArtifactError, match="larger than 3 bytes"):
        artifacts._bounded_body(Streamed([b"ab", b"cd"]), deadline_at=float("inf"))
    assert artifacts._bounded_body(Streamed([b"ab", b"c"]), deadline_at=float("inf")) == b"abc"
