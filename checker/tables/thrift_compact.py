"""A strictly bounded reader of Thrift's compact protocol, for the Parquet footer and page index.

These bytes come from files a pull request controls, so nothing here trusts them: every
varint is at most 10 bytes, every length and count is checked against the bytes left (each
element takes at least one byte), nesting is at most MAX_DEPTH deep, and at most `budget`
values are kept. A struct is read field by field: the fields the caller names are read with
the reader it gives (`integer`, `binary`, `boolean`, `list_of`, `struct_of`), every other field
is skipped. Anything that does not fit is a `CorruptThriftError`, which callers turn into "no index".
"""

from __future__ import annotations

import struct as packing
from collections.abc import Callable, Mapping
from typing import Any

MAX_DEPTH = 32
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = range(9)
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
_INTEGERS = (_BYTE, _I16, _I32, _I64)
_FIXED = {_BYTE: 1, _DOUBLE: 8}

Read = Callable[["Reader", int], Any]  # reads one value of the wire type given


class CorruptThriftError(ValueError):
    """The bytes are not the compact-protocol value expected."""


class Reader:
    """Compact-protocol values from `data`, keeping at most `budget` of them."""

    def __init__(self, data: bytes, *, budget: int = 1_000_000) -> None:
        self._data = memoryview(data)
        self._at = 0
        self._depth = 0
        self._budget = budget

    def byte(self) -> int:
        if self._at >= len(self._data):
            raise CorruptThriftError("truncated")
        value = self._data[self._at]
        self._at += 1
        return value

    def take(self, size: int) -> bytes:
        if size < 0 or size > len(self._data) - self._at:
            raise CorruptThriftError("a length beyond the bytes left")
        value = bytes(self._data[self._at:self._at + size])
        self._at += size
        return value

    def varint(self) -> int:
        value = 0
        for shift in range(0, 70, 7):
            part = self.byte()
            value |= (part & 0x7F) << shift
            if not part & 0x80:
                return value
        raise CorruptThriftError("a varint longer than 10 bytes")

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def count(self) -> int:
        """A size or count: each element takes at least one byte."""
        found = self.varint()
        if found > len(self._data) - self._at:
            raise CorruptThriftError("a count beyond the bytes left")
        return found

    def keep(self, values: int = 1) -> None:
        self._budget -= values
        if self._budget < 0:
            raise CorruptThriftError("more values than the reader keeps")

    def struct(self, fields: Mapping[int, Read]) -> dict[int, Any]:
        """The struct's `fields` that are present, each read by its reader; the rest skipped."""
        found: dict[int, Any] = {}
        self.enter()
        last = 0
        while (header := self.byte()) & 0x0F != _STOP:
            wire, delta = header & 0x0F, header >> 4
            last = last + delta if delta else _field_id(self.zigzag())
            read = fields.get(last)
            if read is None:
                self.skip(wire)
            else:
                found[last] = read(self, wire)
        self.leave()
        return found

    def list_header(self) -> tuple[int, int]:
        """A list's (element wire type, element count)."""
        header = self.byte()
        size = header >> 4
        if size == 15:
            size = self.count()
        elif size > len(self._data) - self._at:
            raise CorruptThriftError("a count beyond the bytes left")
        return header & 0x0F, size

    def skip(self, wire: int) -> None:
        if wire in (_TRUE, _FALSE):
            return
        if wire in _FIXED:
            self.take(_FIXED[wire])
        elif wire in (_I16, _I32, _I64):
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


def _field_id(value: int) -> int:
    if not 0 <= value <= 0x7FFF:
        raise CorruptThriftError("a field id out of range")
    return value


def integer(reader: Reader, wire: int) -> int:
    if wire == _BYTE:
        return packing.unpack("<b", reader.take(1))[0]  # type: ignore[no-any-return]
    if wire not in _INTEGERS:
        raise CorruptThriftError("an integer expected")
    return reader.zigzag()


def binary(reader: Reader, wire: int) -> bytes:
    if wire != _BINARY:
        raise CorruptThriftError("binary expected")
    return reader.take(reader.count())


def boolean(reader: Reader, wire: int) -> bool:
    """A bool element of a list (its own byte: 1 true, anything else false)."""
    if wire not in (_TRUE, _FALSE):
        raise CorruptThriftError("a bool expected")
    return reader.byte() == _TRUE


def list_of(element: Read) -> Read:
    def read(reader: Reader, wire: int) -> list[Any]:
        if wire not in (_LIST, _SET):
            raise CorruptThriftError("a list expected")
        kind, size = reader.list_header()
        reader.keep(size)
        reader.enter()
        found = [element(reader, kind) for _ in range(size)]
        reader.leave()
        return found

    return read


def struct_of(fields: Mapping[int, Read]) -> Read:
    def read(reader: Reader, wire: int) -> dict[int, Any]:
        if wire != _STRUCT:
            raise CorruptThriftError("a struct expected")
        return reader.struct(fields)

    return read
