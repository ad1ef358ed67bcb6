"""The YAML is parsed once, its size and depth tallied while it is composed: whatever the text,
the outcome (data, line index, or the problems and their lines) is the one of checking the
whole text's bounds first and composing it after, as mlsmoke did before."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from checker.config.yamlbounds import check_bounds
from checker.config.yamlmap import LineIndex, _syntax_problem, _walk, parse_yaml
from checker.errors import ConfigError
from tests.helpers import REPO

SEEDS = [path.read_text(encoding="utf-8") for path in sorted(REPO.glob("examples/**/*.yml"))] + [
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


def _two_passes(text: str, display: str) -> tuple[Any, LineIndex]:
    index, problems = LineIndex(display), []
    try:
        check_bounds(text, display)
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _walk(node, (), index, problems)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(_syntax_problem(exc, text, display)) from None
    if problems:
        raise ConfigError(problems)
    return data, index


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


@pytest.mark.parametrize("text", SEEDS)
def test_the_seeds_read_as_before(text: str) -> None:
    assert _outcome(parse_yaml, text) == _outcome(_two_passes, text)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_yaml_reads_as_before(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        text = _mutated(rng)
        assert _outcome(parse_yaml, text) == _outcome(_two_passes, text), repr(text)
