"""The value readers of `thrift_compact.Reader.struct`: integers, binaries, bools, lists and
structs. Lists of those the Parquet page index holds by the hundred (bools, binaries, integers,
structs of integers such as page locations) are read in one loop each, not value by value.
"""

from __future__ import annotations

import re
import struct as packing
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from checker.tables.thrift_compact import (
    VARINTS,
    CorruptThriftError,
    Read,
    Reader,
    field_id,
    varint_at,
)

_TRUE, _FALSE, _BYTE, _BINARY, _LIST, _SET, _STRUCT, _STOP = 1, 2, 3, 8, 9, 10, 12, 0
_INTEGERS = (_BYTE, *VARINTS)


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
    bulk = _BULK.get(element)
    if isinstance(element, struct_of) and element.integers:
        bulk = partial(_integer_structs, wanted=frozenset(element.fields))

    def read(reader: Reader, wire: int) -> list[Any]:
        if wire not in (_LIST, _SET):
            raise CorruptThriftError("a list expected")
        kind, size = reader.list_header()
        reader.keep(size)
        if bulk is not None:
            return bulk(reader, kind, size)
        reader.enter()
        found = [element(reader, kind) for _ in range(size)]
        reader.leave()
        return found

    return read


class struct_of:  # a lower-case name: read like the other value readers
    """Reads a struct's `fields` (a list of structs of integers only, such as page locations,
    is read in one loop: `_integer_structs`)."""

    def __init__(self, fields: Mapping[int, Read]) -> None:
        self.fields = fields
        self.integers = all(read is integer for read in fields.values())

    def __call__(self, reader: Reader, wire: int) -> dict[int, Any]:
        if wire != _STRUCT:
            raise CorruptThriftError("a struct expected")
        return reader.struct(self.fields)


def _booleans(reader: Reader, kind: int, size: int) -> list[bool]:
    if kind not in (_TRUE, _FALSE):
        raise CorruptThriftError("bools expected")
    return [value == _TRUE for value in reader.take(size)]


def _binaries(reader: Reader, kind: int, size: int) -> list[bytes]:
    if kind != _BINARY:
        raise CorruptThriftError("binaries expected")
    data, at, found = reader.data, reader.at, []
    for _ in range(size):
        length, at = varint_at(data, at)
        if length > len(data) - at:
            raise CorruptThriftError("a length beyond the bytes left")
        found.append(data[at:at + length])
        at += length
    reader.at = at
    return found


def _integers(reader: Reader, kind: int, size: int) -> list[int]:
    if kind == _BYTE:
        return list(packing.unpack(f"<{size}b", reader.take(size)))
    if kind not in _INTEGERS:
        raise CorruptThriftError("integers expected")
    data, at, found = reader.data, reader.at, []
    for _ in range(size):
        value, at = varint_at(data, at)
        found.append((value >> 1) ^ -(value & 1))
    reader.at = at
    return found


def _integer_structs(reader: Reader, kind: int, size: int, wanted: frozenset[int]) -> list[dict[int, int]]:
    """A list of structs whose fields asked for are integers, in one loop; a struct of integer
    fields 1, 2, 3 (a page location as writers write it) is matched whole."""
    if kind != _STRUCT:
        raise CorruptThriftError("structs expected")
    data, found = reader.data, []
    reader.enter()
    for _ in range(size):
        matched = _THREE_INTEGERS.match(data, reader.at)
        if matched is not None:
            reader.at = matched.end()
            found.append({field: _zigzag_of(matched.group(field)) for field in wanted if field <= 3})
            continue
        item, last = {}, 0
        while (header := reader.byte()) & 0x0F != _STOP:
            wire, delta = header & 0x0F, header >> 4
            last = last + delta if delta else field_id(reader.zigzag())
            if last in wanted:
                item[last] = integer(reader, wire)
            else:
                reader.skip(wire)
        found.append(item)
    reader.leave()
    return found


_VARINT = rb"([\x80-\xff]{0,9}[\x00-\x7f])"
# fields 1, 2 and 3, each an i16, i32 or i64 (wire types 4-6, field deltas of 1), then STOP
_THREE_INTEGERS = re.compile(rb"[\x14-\x16]" + _VARINT + rb"[\x14-\x16]" + _VARINT + rb"[\x14-\x16]" + _VARINT
                             + rb"\x00", re.DOTALL)


def _zigzag_of(raw: bytes) -> int:
    value, _ = varint_at(raw, 0)
    return (value >> 1) ^ -(value & 1)


_BULK: dict[Read, Callable[[Reader, int, int], list[Any]]] = {
    boolean: _booleans, binary: _binaries, integer: _integers}
