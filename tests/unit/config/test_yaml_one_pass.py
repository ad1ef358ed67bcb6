"""The YAML is parsed once, its size and depth tallied while it is composed: whatever the text,
the outcome (data, line index, or the problems and their lines) is the one of checking the
whole text's bounds first and composing it after, as mlsmoke did before. Where PyYAML carries
libyaml, libyaml composes (bounds tallied on its events first, then composed) and PyYAML's own
parser reads only what libyaml refuses: the outcome is libyaml's two passes where they
compose, else PyYAML's; every example config reads the same either way."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from checker.config import yamlmap
from checker.config.yamlbounds import check_bounds
from checker.config.yamlmap import LineIndex, _syntax_problem, _walk, parse_yaml
from checker.errors import ConfigError
from tests.helpers import REPO

EXAMPLES = [path.read_text(encoding="utf-8") for path in sorted(REPO.glob("examples/**/*.yml"))]
SEEDS = [
    *EXAMPLES,
    "a: &x [1, 2]\nb: *x\nc: *y\n",  # an undefined alias (the composer's problem)
    "a: &x 1\nb: &x 2\n",
    "a: 1\n---\nb: [\n",  # a second document, with a syntax error the first pass finds
    "a: [&a [*a]]\n",
    "l1: &l1 [a,a,a,a,a,a,a,a,a,a]\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(2, 7)),
    "[" * 70 + "]" * 70,
    "<<: {a: 1}\nb: 2\nb: 3\n",
    "version: 1\n[a]: 1\n",
]
PIECES = [*":-[]{}#&*!|>'\"%@`,? \t\n\\", "\x85", "\u2028", "\ufeff", "\x00", "é", "<<", "---", "*x",
          "&x ", "*l5", "[", "]"]


def _two_passes(text: str, display: str, loader: Any = yaml.SafeLoader) -> tuple[Any, LineIndex]:
    """Bounds checked on the whole text, then composed, with `loader`'s parser."""
    index, problems = LineIndex(display), []
    try:
        check_bounds(text, display, None if loader is yaml.SafeLoader else loader)
        composer = loader(text)
        try:
            node = composer.get_single_node()
        finally:
            composer.dispose()
        if node is not None:
            _walk(node, (), index, problems)
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ConfigError(_syntax_problem(exc, text, display)) from None
    if problems:
        raise ConfigError(problems)
    return data, index


def _libyaml_else_pyyaml(text: str, display: str) -> tuple[Any, LineIndex]:
    """libyaml's two passes where it composes the text, else PyYAML's."""
    try:
        check_bounds(text, display, yaml.CSafeLoader)
        yaml.CSafeLoader(text).get_single_node()
    except (yaml.YAMLError, ConfigError, UnicodeError):
        return _two_passes(text, display)
    return _two_passes(text, display, yaml.CSafeLoader)


needs_libyaml = pytest.mark.skipif(not yamlmap.LIBYAML, reason="PyYAML is built without libyaml here")
PARSERS = [pytest.param(False, _two_passes, id="pyyaml"),
           pytest.param(True, _libyaml_else_pyyaml, id="libyaml", marks=needs_libyaml)]


def _outcome(parse: Any, text: str) -> tuple[Any, ...]:
    try:
        data, index = parse(text, "f.yml")
    except ConfigError as exc:
        return ("problems", [(p.line, p.key, p.message) for p in exc.problems])
    return ("data", repr(data), index.lines, index.kinds)


def _mutated(rng: random.Random) -> str:
    text = rng.choice(SEEDS)
    for _ in range(rng.randint(0, 4)):
        at, kind = rng.randrange(len(text) + 1), rng.random()
        if kind < 0.4:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif kind < 0.7:
            text = text[:at] + text[at + rng.randint(1, 3):]
        else:
            text = text[:at] + rng.choice(PIECES) + text[at + 1:]
    return text


@pytest.mark.parametrize(("libyaml", "reference"), PARSERS)
@pytest.mark.parametrize("text", SEEDS)
def test_the_seeds_read_as_before(monkeypatch: pytest.MonkeyPatch, libyaml: bool, reference: Any,
                                  text: str) -> None:
    monkeypatch.setattr(yamlmap, "LIBYAML", libyaml)
    assert _outcome(parse_yaml, text) == _outcome(reference, text)


@pytest.mark.parametrize(("libyaml", "reference"), PARSERS)
@pytest.mark.parametrize("seed", range(4))
def test_mutated_yaml_reads_as_before(monkeypatch: pytest.MonkeyPatch, libyaml: bool, reference: Any,
                                      seed: int) -> None:
    monkeypatch.setattr(yamlmap, "LIBYAML", libyaml)
    rng = random.Random(seed)
    for _ in range(100):
        text = _mutated(rng)
        assert _outcome(parse_yaml, text) == _outcome(reference, text), repr(text)


@needs_libyaml
@pytest.mark.parametrize("text", EXAMPLES)
def test_libyaml_reads_every_example_as_pyyaml_does(text: str) -> None:
    assert _outcome(parse_yaml, text) == _outcome(_two_passes, text)


class _PyYamlUsedError(Exception):
    pass


def _refuse_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise _PyYamlUsedError

    monkeypatch.setattr(yamlmap, "BoundedLoader", refuse)


@needs_libyaml
def test_libyaml_composes_a_valid_config_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_pyyaml(monkeypatch)
    data, index = parse_yaml("version: 1\ndata:\n  - {contract: c, files: a.csv}\n", "f.yml")
    assert data == {"version": 1, "data": [{"contract": "c", "files": "a.csv"}]}
    assert index.lines[("data", 0, "files")] == 3


@needs_libyaml
@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: *missing\n", "[" * 70 + "]" * 70])
def test_what_libyaml_refuses_pyyaml_reads(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    _refuse_pyyaml(monkeypatch)
    with pytest.raises(_PyYamlUsedError):
        parse_yaml(text, "f.yml")


@needs_libyaml
def test_a_tab_after_a_colon_reads_where_libyaml_is(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "version:\t1\n"
    assert parse_yaml(text, "f.yml")[0] == {"version": 1}
    monkeypatch.setattr(yamlmap, "LIBYAML", False)
    with pytest.raises(ConfigError, match="cannot start any token"):
        parse_yaml(text, "f.yml")


def test_bounds_are_tallied_on_libyaml_events_as_on_pyyaml_ones() -> None:
    text = "[" * 70 + "]" * 70
    parsers = [None, *([yaml.CSafeLoader] if yamlmap.LIBYAML else [])]
    for loader in parsers:
        with pytest.raises(ConfigError, match="nested deeper than 64 levels"):
            check_bounds(text, "f.yml", loader)
