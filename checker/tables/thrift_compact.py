"""A strictly bounded reader of Thrift's compact protocol, for the Parquet footer and page index.

These bytes come from files a pull request controls, so nothing here trusts them: every
varint is at most 10 bytes, every length and count is checked against the bytes left (each
element takes at least one byte), nesting is at most MAX_DEPTH deep, and at most `budget`
values are kept. A struct is read field by field: the fields the caller names are read with
the reader it gives (`thrift_values.py`), every other field is skipped. Anything that does not
fit is a `CorruptThriftError`, which callers turn into "no index".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.errors import InputError

MAX_DEPTH = 32
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = range(9)
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
VARINTS = (_I16, _I32, _I64)
_FIXED = {_BYTE: 1, _DOUBLE: 8}

Read = Callable[["Reader", int], Any]  # reads one value of the wire type given


class CorruptThriftError(InputError):
    """The bytes are not the compact-protocol value expected (callers ignore what they held)."""


class Reader:
    """Compact-protocol values from `data`, keeping at most `budget` of them."""

    def __init__(self, data: bytes, *, budget: int = 1_000_000) -> None:
        self.data = bytes(data)
        self.at = 0  # the next byte read
        self._depth = 0
        self._budget = budget

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise CorruptThriftError("truncated")
        value = self.data[self.at]
        self.at += 1
        return value

    def take(self, size: int) -> bytes:
        at = self.at
        if size < 0 or size > len(self.data) - at:
            raise CorruptThriftError("a length beyond the bytes left")
        self.at = at + size
        return self.data[at:at + size]

    def varint(self) -> int:
        value, self.at = varint_at(self.data, self.at)
        return value

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def count(self) -> int:
        """A size or count: each element takes at least one byte."""
        found = self.varint()
        if found > len(self.data) - self.at:
            raise CorruptThriftError("a count beyond the bytes left")
        return found

    def keep(self, values: int = 1) -> None:
        self._budget -= values
        if self._budget < 0:
            raise CorruptThriftError("more values than the reader keeps")

    def struct(self, fields: Mapping[int, Read], *, early: bool = False) -> dict[int, Any]:
        """The struct's `fields` that are present, each read by its reader; the rest skipped
        (`early`: the bytes after the last field asked for are left unread, for a struct read
        last)."""
        found: dict[int, Any] = {}
        self.enter()
        last = 0
        while (header := self.byte()) & 0x0F != _STOP:
            wire, delta = header & 0x0F, header >> 4
            last = last + delta if delta else field_id(self.zigzag())
            read = fields.get(last)
            if read is not None:
                found[last] = read(self, wire)
                if early and len(found) == len(fields):
                    break
            elif wire in VARINTS:
                self.at = varint_at(self.data, self.at)[1]
            else:
                self.skip(wire)
        self.leave()
        return found

    def list_header(self) -> tuple[int, int]:
        """A list's (element wire type, element count)."""
        header = self.byte()
        size = header >> 4
        if size == 15:
            size = self.count()
        elif size > len(self.data) - self.at:
            raise CorruptThriftError("a count beyond the bytes left")
        return header & 0x0F, size

    def skip(self, wire: int) -> None:
        if wire in (_TRUE, _FALSE):
            return
        if wire in _FIXED:
            self.take(_FIXED[wire])
        elif wire in VARINTS:
            self.varint()
        elif wire == _BINARY:
            self.take(self.count())
        elif wire in (_LIST, _SET):
            self._skip_list()
        elif wire == _MAP:
            self._skip_map()
        elif wire == _STRUCT:
            self.struct({})
        else:
            raise CorruptThriftError(f"unknown wire type {wire}")

    def _skip_list(self) -> None:
        element, size = self.list_header()
        if element in VARINTS:  # level histograms, byte counts: long lists of integers
            for _ in range(size):
                self.at = varint_at(self.data, self.at)[1]
            return
        self.enter()
        for _ in range(size):
            self._skip_element(element)
        self.leave()

    def _skip_map(self) -> None:
        size = self.count()
        if not size:
            return
        kinds = self.byte()
        self.enter()
        for _ in range(size):
            self._skip_element(kinds >> 4)
            self._skip_element(kinds & 0x0F)
        self.leave()

    def _skip_element(self, wire: int) -> None:
        if wire in (_TRUE, _FALSE):  # a bool inside a list or map takes a byte
            self.byte()
        else:
            self.skip(wire)

    def enter(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise CorruptThriftError("nested too deep")

    def leave(self) -> None:
        self._depth -= 1


def varint_at(data: bytes, at: int) -> tuple[int, int]:
    """The varint at `at` and where it ends (at most 10 bytes)."""
    if at < len(data) and data[at] < 0x80:  # most lengths and counts take one byte
        return data[at], at + 1
    end = min(at + 10, len(data))
    value = shift = 0
    while at < end:
        part = data[at]
        at += 1
        if part < 0x80:
            return value | part << shift, at
        value |= (part & 0x7F) << shift
        shift += 7
    raise CorruptThriftError("a varint truncated or longer than 10 bytes")


def field_id(value: int) -> int:
    if not 0 <= value <= 0x7FFF:
        raise CorruptThriftError("a field id out of range")
    return value
