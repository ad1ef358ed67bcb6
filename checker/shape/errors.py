"""The one error a shape validation raises: every problem found, each a record with the keys
pydantic's error records have (`type`, `loc`, `msg`, `input`, and `ctx` where a limit is
involved), so `checker.config.validation` maps them to YAML lines and words a user can act on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from checker.errors import MlsmokeError

ErrorRecord = dict[str, Any]
_T = TypeVar("_T")


class ValidationError(MlsmokeError, ValueError):
    """Input that does not fit a model or type: a ValueError, as pydantic's. `errors()` lists
    every problem, in the order the fields are declared (then unknown keys), with `loc`
    relative to what was validated. checker.config.validation turns a config file's into
    ConfigProblems, so one that escapes to the command line is a bug (exit 3)."""

    def __init__(self, records: list[ErrorRecord], title: str = "") -> None:
        super().__init__(records)
        self.records = records
        self.title = title

    def errors(self) -> list[ErrorRecord]:
        return [dict(record) for record in self.records]

    def prefixed(self, *parts: Any) -> list[ErrorRecord]:
        """The records, their `loc` under `parts` (a field, a list index, a union tag)."""
        return [{**record, "loc": (*parts, *record["loc"])} for record in self.records]

    def __str__(self) -> str:
        count = len(self.records)
        title = f" for {self.title}" if self.title else ""
        lines = [f"{count} validation error{'s' if count != 1 else ''}{title}"]
        for found in self.records:
            given = found.get("input")
            lines.append(".".join(str(part) for part in found["loc"]) or "(root)")
            lines.append(f"  {found['msg']} [type={found['type']}, input_value={_short(given)}, "
                         f"input_type={type(given).__name__}]")
        return "\n".join(lines)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:28] + "..." + text[-28:]


def loc_part(key: Any) -> str | int:
    """A mapping key as a `loc` part: text and integers as they are (a bool as 0/1), other keys
    (null, a number with a point, a date) as their repr, as pydantic writes them."""
    if isinstance(key, (str, int)):
        return key if isinstance(key, str) else int(key)
    return repr(key)


def record(kind: str, msg: str, value: Any, loc: Sequence[Any] = (), **ctx: Any) -> ErrorRecord:
    found: ErrorRecord = {"type": kind, "loc": tuple(loc), "msg": msg, "input": value}
    if ctx:
        found["ctx"] = ctx
    return found


def fail(kind: str, msg: str, value: Any, **ctx: Any) -> ValidationError:
    """One problem at the place being validated."""
    return ValidationError([record(kind, msg, value, **ctx)])


def from_exception(exc: Exception, value: Any) -> ValidationError:
    """What a validator's exception means: its own records for a ValidationError (so a nested
    validation keeps its locations), a value_error or assertion_error otherwise."""
    if isinstance(exc, ValidationError):
        return ValidationError(exc.records)
    if isinstance(exc, AssertionError):
        return fail("assertion_error", f"Assertion failed, {exc}", value, error=exc)
    return fail("value_error", f"Value error, {exc}", value, error=exc)


def call_validator(func: Callable[..., _T], *args: Any, given: Any) -> _T:
    """`func(*args)`, a validator's call: its ValueError or AssertionError becomes the
    ValidationError it means (`from_exception`), about the input `given`."""
    try:
        return func(*args)
    except (ValueError, AssertionError) as exc:
        raise from_exception(exc, given) from None


def expected_choices(values: Sequence[Any]) -> str:
    """'a' / 'a' or 'b' / 'a', 'b' or 'c': how pydantic lists what a Literal or Enum allows."""
    shown = [repr(value) for value in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
