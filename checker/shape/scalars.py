"""The scalar types as pydantic's lax mode reads them from YAML values: int, float, bool, str.

An int field takes 5, 5.0, True and "5" (not 5.5); a float takes numbers and numeric text,
never inf or nan; a bool takes true/false, 0/1 and yes/no/on/off/t/f/y/n text; a str takes
text only (never a number). Messages are pydantic's.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from typing import Any

from checker.shape.errors import fail

_NOT_INT_TEXT = "Input should be a valid integer, unable to parse string as an integer"
_NOT_FLOAT_TEXT = "Input should be a valid number, unable to parse string as a number"
_NOT_BOOL = "Input should be a valid boolean, unable to interpret input"
TOO_BIG = "Unable to parse input string as an integer, exceeded maximum size"  # pydantic's words
_I64 = 2**63
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _text(value: Any) -> Any:
    """Bytes (YAML's !!binary) read as UTF-8 text; text that is not UTF-8 parses as nothing."""
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "\x00"


@functools.cache
def _int_text() -> re.Pattern[str]:
    """Compiled on first use: only an integer given as text is matched against it."""
    return re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0*)?", re.ASCII)


def to_int(value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail("finite_number", "Input should be a finite number", value)
        if not value.is_integer():
            raise fail("int_from_float",
                       "Input should be a valid integer, got a number with a fractional part", value)
        if not -_I64 < value < _I64:
            raise fail("int_parsing_size", TOO_BIG, value)
        return int(value)
    text = _text(value)
    if isinstance(text, str):
        stripped = text.strip()
        if _int_text().fullmatch(stripped):
            try:
                return int(stripped.partition(".")[0])
            except ValueError:  # more digits than Python converts
                pass
        raise fail("int_parsing", _NOT_INT_TEXT, value)
    raise fail("int_type", "Input should be a valid integer", value)


def to_float(value: Any) -> float:
    number = _float(value)
    if not math.isfinite(number):
        raise fail("finite_number", "Input should be a finite number", value)
    return number


def _float(value: Any) -> float:
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise fail("float_parsing", _NOT_FLOAT_TEXT,
                       value) from None
    text = _text(value)
    if isinstance(text, str):
        try:
            return float(text.strip())
        except ValueError:
            raise fail("float_parsing", _NOT_FLOAT_TEXT,
                       value) from None
    raise fail("float_type", "Input should be a valid number", value)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and _integral_i64(value):
        if value in (0, 1):
            return bool(value)
        raise fail("bool_parsing", _NOT_BOOL, value)
    text = _text(value)
    if isinstance(text, str):
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise fail("bool_parsing", _NOT_BOOL, value)
    raise fail("bool_type", "Input should be a valid boolean", value)


def _integral_i64(value: int | float) -> bool:
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer() and -_I64 < value < _I64
    return -_I64 <= value < _I64


def to_str(value: Any) -> str:
    if isinstance(value, str):
        if type(value) is str:
            return value
        return value.value if isinstance(value, enum.Enum) else str.__str__(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            pass
        raise fail("string_unicode",
                   "Input should be a valid string, unable to parse raw data as a unicode string", value)
    raise fail("string_type", "Input should be a valid string", value)


def to_none(value: Any) -> None:
    if value is not None:
        raise fail("none_required", "Input should be None", value)


def to_any(value: Any) -> Any:
    return value


SCALARS = {int: to_int, float: to_float, bool: to_bool, str: to_str, type(None): to_none, Any: to_any,
           object: to_any}
