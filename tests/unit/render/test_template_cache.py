"""Compiled templates are kept between runs (per user, or prebuilt in the image), never served
stale, and a cache that cannot be used only means compiling."""

from __future__ import annotations

import tempfile
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import FileSystemBytecodeCache
from samples import evidence_report

from checker.render import template_cache
from checker.render.markdown import render_markdown, template_environment
from checker.render.template_cache import TemplateCache, cached_environment, prebuild

OPTIONS = {"trim_blocks": True, "keep_trailing_newline": True}


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object,
                 **kwargs: object) -> object:
        compiled.append(name or "")
        return original(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def _environment(folder: Path, prebuilt: Path, user: Path | None) -> jinja2.Environment:
    cache = TemplateCache.for_options(OPTIONS, prebuilt)
    cache.user = FileSystemBytecodeCache(str(user), cache.pattern) if user else None
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), bytecode_cache=cache, **OPTIONS)


def _templates(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "page.j2").write_text(text)
    return folder


def test_a_second_environment_renders_from_the_cache_without_compiling(tmp_path, compiles):
    folder, user = _templates(tmp_path, "{{ x }} once\n"), tmp_path / "user"
    user.mkdir()
    first = _environment(folder, tmp_path / "none", user).get_template("page.j2").render(x=1)
    second = _environment(folder, tmp_path / "none", user).get_template("page.j2").render(x=1)
    assert first == second == "1 once\n"
    assert compiles == ["page.j2"]


def test_an_edited_template_is_compiled_again_not_served_stale(tmp_path, compiles):
    folder, user = _templates(tmp_path, "old {{ x }}\n"), tmp_path / "user"
    user.mkdir()
    assert _environment(folder, tmp_path / "none", user).get_template("page.j2").render(x=1) == "old 1\n"
    _templates(tmp_path, "new {{ x }}\n")
    assert _environment(folder, tmp_path / "none", user).get_template("page.j2").render(x=1) == "new 1\n"
    assert compiles == ["page.j2", "page.j2"]


def test_other_environment_options_do_not_share_entries() -> None:
    assert (TemplateCache.for_options(OPTIONS).pattern
            != TemplateCache.for_options({**OPTIONS, "trim_blocks": False}).pattern)


def test_a_damaged_entry_is_compiled_again(tmp_path, compiles):
    folder, user = _templates(tmp_path, "{{ x }}\n"), tmp_path / "user"
    user.mkdir()
    _environment(folder, tmp_path / "none", user).get_template("page.j2")
    for entry in user.iterdir():
        entry.write_bytes(entry.read_bytes()[:20] + b"garbage")
    assert _environment(folder, tmp_path / "none", user).get_template("page.j2").render(x=2) == "2\n"
    assert compiles == ["page.j2", "page.j2"]


def test_no_usable_cache_folder_means_compiling(tmp_path, compiles, monkeypatch):
    def unsafe(*_: object) -> str:
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(FileSystemBytecodeCache, "_get_default_cache_dir", unsafe)
    cache = TemplateCache.for_options(OPTIONS, tmp_path / "none")
    assert cache.user is None
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(_templates(tmp_path, "{{ x }}\n")),
                                     bytecode_cache=cache, **OPTIONS)
    assert environment.get_template("page.j2").render(x=3) == "3\n"
    assert compiles == ["page.j2"]


def test_a_read_only_user_folder_means_compiling(tmp_path, compiles, monkeypatch):
    def read_only(*_: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", read_only)
    folder = _templates(tmp_path, "{{ x }}\n")
    for _ in range(2):
        assert _environment(folder, tmp_path / "none", tmp_path).get_template("page.j2").render(x=4) == "4\n"
    assert compiles == ["page.j2", "page.j2"]


def test_the_prebuilt_folder_serves_every_report_template_without_compiling(tmp_path, compiles, monkeypatch):
    prebuilt = tmp_path / "compiled"
    names = prebuild(cached_environment("checker.render", "templates", **OPTIONS), prebuilt)
    assert "report.md.j2" in names
    assert sorted(compiles) == sorted(names)
    entries = list(prebuilt.iterdir())
    assert len(entries) == len(names) and all(e.stat().st_mode & 0o777 == 0o644 for e in entries)
    compiles.clear()
    monkeypatch.setattr(template_cache, "PREBUILT", prebuilt)
    environment = cached_environment("checker.render", "templates", **OPTIONS)
    environment.bytecode_cache.user = None  # type: ignore[union-attr]
    for name in names:
        environment.get_template(name)
    assert compiles == []


def test_the_report_is_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the per-user folder goes there
    fresh = jinja2.Environment(loader=jinja2.PackageLoader("checker.render", "templates"),
                               autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=True)
    from checker.render import view

    expected = fresh.get_template("report.md.j2").render(view=view.build(evidence_report()))
    template_environment.cache_clear()
    try:
        assert render_markdown(evidence_report()) == expected  # compiled and stored
        template_environment.cache_clear()
        assert render_markdown(evidence_report()) == expected  # from the stored entries
    finally:
        template_environment.cache_clear()
