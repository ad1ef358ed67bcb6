"""Strings that match a regular expression, for synthetic data: walks the parsed pattern
(Python's own `re` parser) and picks one path at random. Covers literals, classes, ranges,
repeats, alternation and groups — what contract patterns use; lookarounds and backreferences
are not generated (the caller checks the result against the pattern)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

if TYPE_CHECKING:
    import numpy as np

MAX_REPEAT = 8
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: "0123456789",
    sre_constants.CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_DIGIT: "abcxyz",
    sre_constants.CATEGORY_NOT_WORD: "-.!",
    sre_constants.CATEGORY_NOT_SPACE: "abc123",
}
_PRINTABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class UnsupportedPattern(ValueError):
    """The pattern uses a construct this sampler cannot generate."""


def sample_matching(pattern: str, rng: np.random.Generator, tries: int = 20) -> str:
    """A string that fully matches `pattern`; UnsupportedPattern when none is found."""
    parsed = sre_parse.parse(pattern)
    compiled = re.compile(pattern)
    for _ in range(tries):
        text = _emit(parsed, rng)
        if compiled.fullmatch(text):
            return text
    raise UnsupportedPattern(f"cannot generate strings matching {pattern!r}")


def _emit(items: Any, rng: np.random.Generator) -> str:
    return "".join(_emit_one(op, arg, rng) for op, arg in items)


def _emit_one(op: Any, arg: Any, rng: np.random.Generator) -> str:
    if op is sre_constants.LITERAL:
        return chr(arg)
    if op is sre_constants.NOT_LITERAL:
        return next(c for c in _PRINTABLE if ord(c) != arg)
    if op is sre_constants.ANY:
        return _pick(_PRINTABLE, rng)
    if op is sre_constants.IN:
        return _from_class(arg, rng)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, high, body = arg
        high = min(high, low + MAX_REPEAT) if high is not sre_constants.MAXREPEAT else low + MAX_REPEAT
        count = int(rng.integers(low, high, endpoint=True))
        return "".join(_emit(body, rng) for _ in range(count))
    if op is sre_constants.SUBPATTERN:
        return _emit(arg[-1], rng)
    if op is sre_constants.BRANCH:
        branches = arg[1]
        return _emit(branches[int(rng.integers(0, len(branches)))], rng)
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return ""
    raise UnsupportedPattern(f"regular expression construct {op} is not generated")


def _from_class(items: Any, rng: np.random.Generator) -> str:
    if items and items[0][0] is sre_constants.NEGATE:
        excluded = {c for c in _PRINTABLE if _class_has(items[1:], c)}
        return _pick([c for c in _PRINTABLE if c not in excluded], rng)
    choices: list[str] = []
    for op, arg in items:
        if op is sre_constants.LITERAL:
            choices.append(chr(arg))
        elif op is sre_constants.RANGE:
            choices.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op is sre_constants.CATEGORY:
            choices.extend(_CATEGORIES.get(arg, "a"))
    return _pick(choices, rng)


def _class_has(items: Any, char: str) -> bool:
    code = ord(char)
    for op, arg in items:
        if op is sre_constants.LITERAL and arg == code:
            return True
        if op is sre_constants.RANGE and arg[0] <= code <= arg[1]:
            return True
        if op is sre_constants.CATEGORY and char in _CATEGORIES.get(arg, ""):
            return True
    return False


def _pick(choices: Any, rng: np.random.Generator) -> str:
    choices = list(choices)
    if not choices:
        raise UnsupportedPattern("empty character class")
    return choices[int(rng.integers(0, len(choices)))]
