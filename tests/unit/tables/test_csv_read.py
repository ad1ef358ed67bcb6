"""Guessing a CSV's delimiter from its first lines (for `init --data` and the delimiter hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.tables.csv_read import sniff_delimiter


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2;3\n4;5;6\n", ";"),
    ("a|b\n1|2\n3|4\n", "|"),
    ("a\tb\n1\t2\n", "\t"),
    ("a,b\n1,2\n", ","),
    ('a;b\n1;"two\nlines"\n3;4\n', ";"),  # a quoted line break inside the sample
])
def test_the_delimiter_the_whole_sample_agrees_on_is_found(tmp_path: Path, text: str, expected: str) -> None:
    assert sniff_delimiter(_csv(tmp_path, text)) == expected


def test_a_one_column_file_whose_name_holds_a_pipe_stays_one_column(tmp_path: Path) -> None:
    assert sniff_delimiter(_csv(tmp_path, "a|b\n1\n2\n3\n")) == ","


def test_rows_that_split_differently_from_the_header_are_not_that_delimiter(tmp_path: Path) -> None:
    assert sniff_delimiter(_csv(tmp_path, "a;b\n1;2\n3\n4;5;6\n")) == ","


def test_a_header_only_file_is_judged_by_its_header(tmp_path: Path) -> None:
    assert sniff_delimiter(_csv(tmp_path, "a;b;c\n")) == ";"


def test_a_compressed_file_is_sniffed_on_its_text(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"a;b\n1;2\n"))
    assert sniff_delimiter(path) == ";"


def test_a_long_sample_cut_mid_line_ignores_the_cut_line(tmp_path: Path) -> None:
    text = "a;b\n" + "".join(f"{i};{'x' * 50}\n" for i in range(5000))
    assert sniff_delimiter(_csv(tmp_path, text)) == ";"
