"""endpoint.serve builds only from inside the project: the build context and its Dockerfile
are confined at run time too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from checker.checks.endpoint.serve import ServeError, ServeSession
from checker.config.endpoint_schema import Serve


def _session(root: Path, build: str, dockerfile: str | None = None) -> ServeSession:
    return ServeSession(Serve(build=build, dockerfile=dockerfile, port=8080), root, time.monotonic() + 5)


def test_a_serve_build_context_inside_the_project_is_used(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM scratch\n")
    context, dockerfile = _session(tmp_path, "svc")._build_paths()
    assert (context, dockerfile) == ((tmp_path / "svc").resolve(), "Dockerfile")


@pytest.mark.parametrize(("build", "dockerfile"), [("ext", None), ("svc", "../../Dockerfile")])
def test_a_serve_build_out_of_the_project_is_refused(tmp_path: Path, build: str,
                                                     dockerfile: str | None) -> None:
    root = tmp_path / "project"
    (root / "svc").mkdir(parents=True)
    (root / "ext").symlink_to(tmp_path)
    with pytest.raises(ServeError, match=r"refused to build: .* leads outside the project folder"):
        _session(root, build, dockerfile)._build_paths()
