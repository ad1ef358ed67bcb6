"""`Field` limits, checked on the validated value: gt/ge/lt/le on numbers, min_length/
max_length on text, lists and mappings, pattern on text. None (an optional field left empty)
is never limited. An error names the input the check was given, and says it as pydantic does."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from checker.shape.errors import fail

Check = Callable[[Any], Any]
Problem = tuple[str, str, dict[str, Any]]  # the error type, its message, its ctx

_BOUNDS: dict[str, tuple[Callable[[Any, Any], bool], str, str]] = {
    "gt": (lambda v, limit: v > limit, "greater_than", "greater than"),
    "ge": (lambda v, limit: v >= limit, "greater_than_equal", "greater than or equal to"),
    "lt": (lambda v, limit: v < limit, "less_than", "less than"),
    "le": (lambda v, limit: v <= limit, "less_than_equal", "less than or equal to"),
}


def limited(inner: Check, limits: dict[str, Any]) -> Check:
    def check(value: Any) -> Any:
        validated = inner(value)
        if validated is not None:
            problem = _problem(validated, limits)
            if problem is not None:
                kind, msg, ctx = problem
                raise fail(kind, msg, value, **ctx)
        return validated
    return check


def _problem(value: Any, limits: dict[str, Any]) -> Problem | None:
    for name, (holds, kind, words) in _BOUNDS.items():
        limit = limits.get(name)
        if limit is not None and not holds(value, limit):
            return kind, f"Input should be {words} {limit}", {name: limit}
    if isinstance(value, str):
        return _text_problem(value, limits)
    if isinstance(value, (list, dict)):
        return _size_problem(value, limits)
    return None


def _text_problem(value: str, limits: dict[str, Any]) -> Problem | None:
    low, high, pattern = limits.get("min_length"), limits.get("max_length"), limits.get("pattern")
    if low is not None and len(value) < low:
        return ("string_too_short", f"String should have at least {_count(low, 'character')}",
                {"min_length": low})
    if high is not None and len(value) > high:
        return ("string_too_long", f"String should have at most {_count(high, 'character')}",
                {"max_length": high})
    if pattern is not None and not _regex(pattern).search(value):
        return "string_pattern_mismatch", f"String should match pattern {pattern!r}", {"pattern": pattern}
    return None


def _size_problem(value: list[Any] | dict[Any, Any], limits: dict[str, Any]) -> Problem | None:
    kind = "List" if isinstance(value, list) else "Dictionary"
    low, high, size = limits.get("min_length"), limits.get("max_length"), len(value)
    ctx = {"field_type": kind, "actual_length": size}
    if low is not None and size < low:
        return ("too_short", f"{kind} should have at least {_count(low, 'item')} after validation, "
                f"not {size}", {**ctx, "min_length": low})
    if high is not None and size > high:
        return ("too_long", f"{kind} should have at most {_count(high, 'item')} after validation, "
                f"not {size}", {**ctx, "max_length": high})
    return None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    # pydantic's regex engine reads `$` as the very end: a trailing newline does not match it
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)

