"""Path confinement (checker.config.paths, checker.config.globs): real symlinks, '..',
absolute paths and .git, each refused case next to the one that is still allowed."""

from __future__ import annotations

import glob
import time
from pathlib import Path

import pytest

from checker.config.globs import find
from checker.config.paths import PathRefusedError, confine, lexical_problem, literal_problem


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp/project with data/a.csv, .git/config, and tmp/outside/secret.csv next to it."""
    root = tmp_path / "project"
    (root / "data" / "sub").mkdir(parents=True)
    (root / "data" / "a.csv").write_text("x\n1\n")
    (root / "data" / "sub" / "b.csv").write_text("x\n2\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text("x\nsecret\n")
    return root


def test_a_file_inside_is_confined_to_itself(project: Path) -> None:
    assert confine(project, "data/a.csv") == (project / "data" / "a.csv").resolve()
    assert confine(project, "data/missing.csv").name == "missing.csv"  # reading it is the caller's job


def test_a_symlink_inside_the_project_is_followed(project: Path) -> None:
    (project / "data" / "link.csv").symlink_to("sub/b.csv")
    assert confine(project, "data/link.csv") == (project / "data" / "sub" / "b.csv").resolve()


@pytest.mark.parametrize("path", ["../outside/secret.csv", "data/../../outside/secret.csv"])
def test_dot_dot_out_of_the_project_is_refused(project: Path, path: str) -> None:
    with pytest.raises(PathRefusedError, match="leads outside the project folder"):
        confine(project, path)


def test_an_absolute_path_outside_is_refused(project: Path) -> None:
    with pytest.raises(PathRefusedError, match="outside"):
        confine(project, project.parent / "outside" / "secret.csv")


def test_a_symlink_out_of_the_project_is_refused(project: Path) -> None:
    (project / "data" / "x.csv").symlink_to(project.parent / "outside" / "secret.csv")
    with pytest.raises(PathRefusedError, match="outside"):
        confine(project, "data/x.csv")


@pytest.mark.parametrize("path", [".git/config", "data/.git/x", ".GIT/config"])
def test_git_folders_are_refused_by_name(project: Path, path: str) -> None:
    with pytest.raises(PathRefusedError, match=r"\.git folder"):
        confine(project, path)


def test_a_symlink_into_git_is_refused(project: Path) -> None:
    (project / "data" / "x.csv").symlink_to("../.git/config")
    (project / "gitlink").symlink_to(".git")
    for path in ("data/x.csv", "gitlink/config"):
        with pytest.raises(PathRefusedError, match=r"\.git folder"):
            confine(project, path)


def test_a_symlink_loop_is_refused_not_followed(project: Path) -> None:
    (project / "data" / "p.csv").symlink_to("q.csv")
    (project / "data" / "q.csv").symlink_to("p.csv")
    with pytest.raises(PathRefusedError, match="cannot be resolved"):
        confine(project, "data/p.csv")


@pytest.mark.parametrize(("value", "fragment"), [
    ("/etc/passwd", "absolute path"),
    ("../../etc/*", "leads outside the project folder through '..'"),
    ("data/../../x.csv", "through '..'"),
    (".git/config", ".git folder"),
    ("data/**/.git/*", ".git folder"),
])
def test_literal_paths_that_escape_are_named(project: Path, value: str, fragment: str) -> None:
    problem = literal_problem(project, value)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("value", ["data/a.csv", "data/*.csv", "data/**/*.csv", "data/../data/a.csv",
                                   "not-yet/made.csv", "."])
def test_literal_paths_inside_pass(project: Path, value: str) -> None:
    assert literal_problem(project, value) is None


def test_a_literal_folder_symlinked_outside_is_refused_at_load_time(project: Path) -> None:
    (project / "ext").symlink_to(project.parent / "outside")
    assert "outside" in (literal_problem(project, "ext/*.csv") or "")
    assert lexical_problem("ext/*.csv") is None  # only the file system shows it


def test_find_matches_what_glob_matches_in_a_plain_tree(project: Path) -> None:
    (project / "data" / ".hidden.csv").write_text("x\n")
    for pattern in ("data/*.csv", "data/**/*.csv", "**/*.csv", "data/**", "data/s?b/*.csv", "*"):
        found = find(project, pattern)
        expected = sorted(project / p for p in glob.glob(pattern, root_dir=project, recursive=True))
        assert sorted(found.files + found.folders) == [p for p in expected if p.exists()], pattern
        assert found.refused == []


def test_find_matches_nothing_in_a_skipped_folder(project: Path) -> None:
    """The run's output folder: its failing-rows CSVs are no data, even through a symlink."""
    (project / "out" / "failing-rows").mkdir(parents=True)
    (project / "out" / "failing-rows" / "t__a.csv.csv").write_text("row,value\n1,x\n")
    (project / "data" / "rows.csv").symlink_to(project / "out" / "failing-rows" / "t__a.csv.csv")
    (project / "data" / "loop.csv").symlink_to("loop.csv")
    (project / "outside.csv").write_text("x\n3\n")  # a sibling whose name starts like the folder's
    found = find(project, "**/*.csv", skip=(project / "out",))
    assert [p.relative_to(project).as_posix() for p in found.files] == ["data/a.csv", "data/sub/b.csv",
                                                                         "outside.csv"]
    assert [r.path for r in found.refused] == ["data/loop.csv"]
    unskipped = find(project, "**/*.csv")
    assert {"out/failing-rows/t__a.csv.csv", "data/rows.csv"} <= {
        p.relative_to(project).as_posix() for p in unskipped.files}
    assert find(project, "out/**", skip=(project / "out",)) == find(project, "missing/*")


def test_find_refuses_a_matched_symlink_out_of_the_project(project: Path) -> None:
    (project / "data" / "x.csv").symlink_to(project.parent / "outside" / "secret.csv")
    (project / "data" / "inside.csv").symlink_to("a.csv")
    found = find(project, "data/*.csv")
    assert [p.name for p in found.files] == ["a.csv", "inside.csv"]
    assert [(r.path, "outside" in r.reason) for r in found.refused] == [("data/x.csv", True)]


def test_find_never_lists_a_folder_outside_the_project(project: Path) -> None:
    (project / "data" / "ext").symlink_to(project.parent / "outside")
    found = find(project, "data/**/*.csv")
    assert all("secret" not in str(p) for p in found.files)
    assert [r.path for r in found.refused] == ["data/ext"]
    assert find(project, "data/ext/*.csv").files == []


def test_find_refuses_dot_dot_and_git_matches(project: Path) -> None:
    assert [r.path for r in find(project, "data/../../outside/*.csv").refused] == ["data/../.."]
    assert find(project, ".git/*").files == []
    assert find(project, ".*/config").refused[0].path == ".git"
    assert find(project, "/etc/*").refused[0].reason.endswith("relative to the project folder")


def test_symlink_loops_under_double_star_end_and_each_file_is_found_once(project: Path) -> None:
    for name in ("loop1", "loop2", "loop3"):  # glob.glob would walk 3^40 paths here
        (project / "data" / name).symlink_to(".")
    (project / "data" / "sub" / "up").symlink_to("..")
    (project / "data" / "p").symlink_to("q")
    (project / "data" / "q").symlink_to("p")
    started = time.monotonic()
    found = find(project, "data/**/*.csv")
    assert time.monotonic() - started < 5
    assert sorted(p.name for p in found.files) == ["a.csv", "b.csv"]
