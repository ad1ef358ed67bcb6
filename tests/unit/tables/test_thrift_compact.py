"""The bounded compact-protocol reader and its value readers (`thrift_values.py`): they read
what the Parquet footer and page index hold, skip what they are not asked for, and refuse
(CorruptThriftError, never anything else) bytes that are truncated, nested too deep, or claim
more than they hold."""

from __future__ import annotations

import contextlib
import random

import pytest

from checker.tables import thrift_values as thrift
from checker.tables.thrift_compact import CorruptThriftError, Reader


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        part, value = value & 0x7F, value >> 7
        out.append(part | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _zigzag(value: int) -> bytes:
    return _varint((value << 1) ^ (value >> 63))


def _field(delta: int, wire: int) -> bytes:
    return bytes([delta << 4 | wire])


def _list_header(wire: int, size: int) -> bytes:
    return bytes([size << 4 | wire]) if size < 15 else bytes([0xF0 | wire]) + _varint(size)


STOP = b"\x00"
I64, BINARY, LIST, STRUCT, TRUE, I32, MAP, DOUBLE = 6, 8, 9, 12, 1, 5, 11, 7
INDEX = {1: thrift.list_of(thrift.boolean), 2: thrift.list_of(thrift.binary),
         5: thrift.list_of(thrift.integer)}


def _column_index(nulls: list[bool], mins: list[bytes], counts: list[int]) -> bytes:
    body = _field(1, LIST) + _list_header(TRUE, len(nulls)) + bytes(1 if n else 2 for n in nulls)
    body += _field(1, LIST) + _list_header(BINARY, len(mins)) + b"".join(_varint(len(m)) + m for m in mins)
    body += _field(1, I32) + _zigzag(7)  # field 3 skipped... as an i32 here
    body += _field(2, LIST) + _list_header(I64, len(counts)) + b"".join(_zigzag(c) for c in counts)
    return body + STOP


def test_reads_the_fields_asked_and_skips_the_rest() -> None:
    data = _column_index([True, False, False], [b"", b"\x01\x00", b"\xff"], [4, 0, -3])
    found = Reader(data).struct(INDEX)
    assert found == {1: [True, False, False], 2: [b"", b"\x01\x00", b"\xff"], 5: [4, 0, -3]}


def test_long_lists_and_large_varints() -> None:
    counts = [*range(-40, 40), 2**62, -(2**62)]
    found = Reader(_column_index([False] * 20, [b"x"] * 20, counts)).struct(INDEX)
    assert found[5] == counts and len(found[1]) == 20


def test_skips_every_wire_type() -> None:
    nested = _field(1, STRUCT) + _field(1, DOUBLE) + b"\x00" * 8 + _field(1, MAP) + _varint(1) + bytes(
        [BINARY << 4 | I32]) + _varint(1) + b"k" + _zigzag(5) + _field(1, MAP) + _varint(0) + STOP
    data = nested + _field(4, I32) + _zigzag(-9) + STOP  # field 1 skipped, field 5 read
    assert Reader(data).struct({5: thrift.integer}) == {5: -9}


@pytest.mark.parametrize("data", [
    b"",  # nothing
    _field(1, LIST) + _list_header(BINARY, 3) + _varint(1) + b"a",  # truncated list
    _field(1, LIST) + bytes([0xF0 | BINARY]) + _varint(2**60),  # a count beyond the bytes
    _field(2, BINARY) + _varint(2**40) + b"ab",  # a length beyond the bytes
    _field(5, I64) + b"\xff" * 11,  # a varint longer than 10 bytes
    _field(1, STRUCT) * 100,  # nested too deep
    _field(1, 13),  # an unknown wire type
    _field(1, I32) + STOP,  # field 1 is a list, not an integer
    bytes([0x0C]) + _zigzag(-5) + STOP,  # a negative field id
], ids=["empty", "truncated", "huge-count", "huge-length", "long-varint", "deep", "unknown-type",
        "wrong-type", "negative-id"])
def test_hostile_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(CorruptThriftError):
        Reader(data).struct(INDEX)


def test_keeps_at_most_its_budget_of_values() -> None:
    data = _column_index([False] * 30, [b""] * 30, [0] * 30)
    with pytest.raises(CorruptThriftError, match="more values"):
        Reader(data, budget=50).struct(INDEX)


def test_random_bytes_and_mutations_never_escape_as_another_error() -> None:
    rng = random.Random(15)
    good = _column_index([False] * 40, [b"abcdefgh"] * 40, list(range(40)))
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(64))) for _ in range(2000)]
    for _ in range(3000):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        samples.append(bytes(data[: rng.randrange(len(data) + 1)]))
    for data in samples:
        with contextlib.suppress(CorruptThriftError):
            Reader(data).struct(INDEX)
