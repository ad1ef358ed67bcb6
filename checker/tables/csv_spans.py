"""Where each CSV record lies in the file's bytes, when every record is one line.

pyarrow ends a record at a line break outside quotes (`\\n`, `\\r\\n` or a lone `\\r`) and skips
empty lines. A record is therefore one or more whole lines, and a record of several lines (a
quoted value holding a line break) has at least two lines with content: its first holds the
opening quote, its last the closing one. So when the file has no lone `\\r` and as many lines
with content as the parser found records (header included), every record is exactly one line
and data row N is the (N + 2)-th line with content. `record_spans` proves that from two byte
scans per block (numpy, memchr-fast), then hands back the byte span and the physical line of
the rows asked for; any doubt (a compressed file, a lone `\\r`, a count that differs, a line
longer than a block) is None, and the caller reads the file again instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from checker.tables.sources import compression

if TYPE_CHECKING:
    from io import FileIO

    import numpy as np

BLOCK = 8 << 20  # bytes scanned at a time; a longer line ends the proof (None)
_NEWLINE, _RETURN = 10, 13
HEADER = -1  # the row number of the header line


@dataclass(frozen=True)
class Span:
    start: int  # the record's first byte
    end: int  # the byte after its line break (the file's size for a last line without one)
    line: int  # the physical line it is on, from 1


@dataclass
class _Walk:
    wanted: np.ndarray  # sorted record numbers: the header is 0, data row N is N + 1
    records: int = 0  # lines with content so far
    lines: int = 0  # line breaks before the block
    offset: int = 0  # the block's first byte in the file
    found: dict[int, Span] = field(default_factory=dict)


Each = Callable[[Iterator[int]], Iterable[int]]  # wraps the loop over blocks (a deadline)


def record_spans(path: Path, records: int, rows: Iterable[int], each: Each = iter) -> dict[int, Span] | None:
    """{row: its span} for each of `rows` (HEADER for the header line) when the file's bytes
    prove that its `records` data rows are one line each; else None."""
    import numpy as np

    if compression(path) is not None:
        return None
    walk = _Walk(np.array(sorted({row + 1 for row in rows}), np.int64))
    buffer = bytearray(BLOCK)
    kept = 0  # the unfinished line at the front of the buffer
    with path.open("rb", buffering=0) as handle:
        for _ in each(count()):
            held = _fill(handle, buffer, kept)
            last = held < len(buffer)
            block = np.frombuffer(buffer, np.uint8, count=held)
            breaks = np.flatnonzero(block == _NEWLINE)
            if not len(breaks) and not last:
                return None  # a line longer than the buffer
            end = int(breaks[-1]) + 1 if len(breaks) else 0
            if not _add_lines(block[:end], breaks, walk, buffer.find(b"\r", 0, end) >= 0):
                return None
            del block  # the buffer is reused below
            kept = held - end
            if last:
                return _finish(buffer, end, kept, walk, records)
            buffer[:kept] = buffer[end:held]
            walk.offset += end
    return None  # not reached: the loop ends at the file's end


def _fill(handle: FileIO, buffer: bytearray, kept: int) -> int:
    """Fill `buffer` after its first `kept` bytes; the bytes it holds (fewer at the end)."""
    view = memoryview(buffer)
    held = kept
    while held < len(buffer) and (read := handle.readinto(view[held:])):
        held += read
    return held


def _add_lines(block: np.ndarray, breaks: np.ndarray, walk: _Walk, returned: bool) -> bool:
    """Count the lines ending in `block` (which ends with a line break); False on a lone \\r."""
    import numpy as np

    if not len(breaks):
        return True
    returns = np.flatnonzero(block == _RETURN) if returned else np.empty(0, np.int64)
    if len(returns) and not (block[returns + 1] == _NEWLINE).all():
        return False
    starts = np.concatenate([[0], breaks[:-1] + 1]).astype(np.int64)
    empty = breaks == starts
    if len(returns):
        empty |= (breaks == starts + 1) & (block[starts] == _RETURN)
    content = np.flatnonzero(~empty) if empty.any() else np.arange(len(breaks))
    low, high = np.searchsorted(walk.wanted, [walk.records, walk.records + len(content)])
    for record in walk.wanted[low:high].tolist():
        at = int(content[record - walk.records])
        walk.found[record - 1] = Span(walk.offset + int(starts[at]), walk.offset + int(breaks[at]) + 1,
                                      walk.lines + at + 1)
    walk.records += len(content)
    walk.lines += len(breaks)
    return True


def _finish(buffer: bytearray, start: int, size: int, walk: _Walk, records: int) -> dict[int, Span] | None:
    """Count the last line (one without a line break) and check the proof."""
    if size:
        if buffer.find(b"\r", start, start + size) >= 0:
            return None
        record = walk.records
        walk.records += 1
        if record in walk.wanted.tolist():
            walk.found[record - 1] = Span(walk.offset + start, walk.offset + start + size, walk.lines + 1)
    return walk.found if walk.records == records + 1 else None
