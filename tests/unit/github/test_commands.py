"""Workflow commands and runner files, escaped the way GitHub's @actions/core escapes them."""

from __future__ import annotations

import io
from pathlib import Path

from checker.github.commands import WorkflowCommands, append_outputs, command, escape_data, escape_property


def test_data_escapes_percent_and_line_breaks() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"


def test_properties_also_escape_colon_and_comma() -> None:
    assert escape_property("a,b: 50%\n") == "a%2Cb%3A 50%25%0A"


def test_a_newline_in_data_cannot_start_a_command_of_its_own() -> None:
    line = command("error", "bad value\n::add-mask::x", file="data/a,b.csv", line=3, title="t: x")
    assert line == "::error file=data/a%2Cb.csv,line=3,title=t%3A x::bad value%0A::add-mask::x"
    assert "\n" not in line


def test_properties_without_a_value_are_left_out() -> None:
    assert command("error", "m", file="mlsmoke.yml", line=None) == "::error file=mlsmoke.yml::m"


def test_mask_hides_every_line_of_a_multiline_secret() -> None:
    stream = io.StringIO()
    WorkflowCommands(stream).mask(["one\ntwo", "", "three"])
    assert stream.getvalue().splitlines() == ["::add-mask::one", "::add-mask::two", "::add-mask::three"]


def test_outputs_use_a_heredoc_for_multiline_values(tmp_path: Path) -> None:
    path = tmp_path / "output"
    append_outputs(path, {"status": "fail", "note": "a\nb"})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "status=fail"
    assert lines[1].startswith("note<<ghadelimiter_") and lines[2:4] == ["a", "b"]
    assert lines[4] == lines[1].split("<<", 1)[1]
