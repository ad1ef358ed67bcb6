"""Where each CSV record lies in the file's bytes, when every record is one line.

pyarrow ends a record at a line break outside quotes (`\\n`, `\\r\\n` or a lone `\\r`) and skips
empty lines. A record is therefore one or more whole lines, and a record of several lines (a
quoted value holding a line break) has at least two lines with content: its first holds the
opening quote, its last the closing one. So when the file has no lone `\\r` and as many lines
with content as the parser found records (header included), every record is exactly one line
and data row N is the (N + 2)-th line with content.

`record_spans` proves that from one byte scan per block (numpy), then hands back the byte span
and the physical line of the rows asked for; any doubt (a compressed file, a lone `\\r`, a count
that differs, a line longer than a block) is None, and the caller reads the file again. The
scan keeps a checkpoint (offset, record, line) about every 64 KiB, so the rows asked for are
found by reading only the stretches that hold them; the last files scanned keep their index,
so the whole rows and the line numbers of one run cost one scan. (JSON Lines have no header
line: their reader asks for row r as row r - 1, `text_reread.JsonlReread`.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from checker.record import record
from checker.tables.row_sets import sorted_distinct
from checker.tables.sources import compression

if TYPE_CHECKING:
    from io import FileIO

    import numpy as np

BLOCK = 2 << 20  # bytes scanned at a time (fits the caches); a longer line ends the proof (None)
HEADER = -1  # the row number of the header line
Each = Callable[[Iterator[int]], Iterable[int]]  # wraps the loop over blocks (a deadline)
_STRIDE = 16  # log2 of the bytes between checkpoints
_KEPT = 4  # indexes kept (files scanned last)
_NEWLINE, _RETURN = 10, 13


@record
class Span:
    start: int  # the record's first byte
    end: int  # the byte after its line break (the file's size for a last line without one)
    line: int  # the physical line it is on, from 1


def record_spans(path: Path, records: int, rows: Iterable[int], each: Each = iter) -> dict[int, Span] | None:
    """{row: its span} for each of `rows` the file has (HEADER for the header line) when its
    bytes prove that its `records` data rows are one line each; else None."""
    index = line_index(path, each)
    if index is None or index.records != records + 1:
        return None
    return index_spans(path, index, rows)


def index_spans(path: Path, index: LineIndex, rows: Iterable[int]) -> dict[int, Span]:
    """{row: its span} for each of `rows` (HEADER for the header line), taking the file's lines
    with content for its records."""
    import numpy as np

    wanted = np.array(sorted({row + 1 for row in rows if -1 <= row < index.records - 1}), np.int64)
    stretch = np.searchsorted(index.record_at, wanted, "right") - 1
    found: dict[int, Span] = {}
    with path.open("rb", buffering=0) as handle:
        for at in sorted_distinct(stretch).tolist():
            found.update(_look_up(handle, index, at, wanted[stretch == at]))
    return found


def line_bytes(path: Path, spans: Iterable[Span]) -> bytes:
    """The lines at these spans, one after another, each ending with a line break."""
    pieces = []
    with path.open("rb") as handle:
        for span in spans:
            handle.seek(span.start)
            piece = handle.read(span.end - span.start)
            pieces.append(piece if piece.endswith(b"\n") else piece + b"\n")
    return b"".join(pieces)


@record
class LineIndex:
    """A scanned file: its lines with content (the header included), and checkpoints."""

    records: int
    size: int
    offset_at: np.ndarray  # a checkpoint's byte offset: the start of a line with content
    record_at: np.ndarray  # the record that starts there (0: the header)
    line_at: np.ndarray  # its physical line, from 1


def line_index(path: Path, each: Each = iter) -> LineIndex | None:
    """The file's index, or None when it has a lone \\r, a line longer than a block or is
    compressed; kept for the last few files scanned (or being scanned: see `warm`)."""
    key = _key(path)
    if key is None:
        return None
    future = _INDEXES.get(key)
    if future is None:
        future = _remember(key)
        try:
            future.set_result(_scan(path, each))
        except OSError:  # the file changed or vanished: unproven, reading it again says why
            future.set_result(None)
        except BaseException:  # a deadline: nothing to keep
            _INDEXES.pop(key, None)
            raise
    for _ in each(count()):
        try:
            return future.result(timeout=0.05)
        except TimeoutError:
            continue
    return None  # not reached: count() never ends


def warm(path: Path) -> None:
    """Start scanning `path` on a thread of its own, for a `line_index` asked for later (the
    core the parser leaves idle does it while the file is checked)."""
    import threading

    key = _key(path)
    if key is None or key in _INDEXES:
        return
    future = _remember(key)

    def run() -> None:
        index = None  # unproven unless the scan ends: the caller reads the file again
        try:
            with suppress(Exception):  # the file changed or vanished
                index = _scan(path, iter)
        finally:
            future.set_result(index)

    threading.Thread(target=run, name="mlsmoke-lines", daemon=True).start()


_INDEXES: dict[tuple[object, ...], Future[LineIndex | None]] = {}


def _key(path: Path) -> tuple[object, ...] | None:
    if compression(path) is not None:
        return None
    try:
        stat = path.stat()
    except OSError:  # gone: unproven, reading it again says why
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, BLOCK, _STRIDE)


def _remember(key: tuple[object, ...]) -> Future[LineIndex | None]:
    while len(_INDEXES) >= _KEPT:
        _INDEXES.pop(next(iter(_INDEXES)), None)
    future: Future[LineIndex | None] = Future()
    _INDEXES[key] = future
    return future


@record
class _Lines:
    starts: np.ndarray  # each line's first byte
    ends: np.ndarray  # the byte after it (after its line break)
    content: np.ndarray  # the lines with content (not empty): pyarrow's records


def _split(block: np.ndarray, returned: bool) -> _Lines | None:
    """The lines of `block`, which starts a line and ends one (the file's last may have no
    line break); None on a lone \\r (`returned`: whether the block holds any \\r)."""
    import numpy as np

    ends = np.flatnonzero(block == _NEWLINE) + 1
    if len(block) and (not len(ends) or ends[-1] != len(block)):
        ends = np.append(ends, len(block))
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)[:len(ends)]
    empty = (ends - starts == 1) & (block[starts] == _NEWLINE)
    if returned:
        after = np.flatnonzero(block == _RETURN) + 1
        if len(after) and (after[-1] >= len(block) or not (block[after] == _NEWLINE).all()):
            return None
        empty |= (ends - starts == 2) & (block[starts] == _RETURN)
    content = np.flatnonzero(~empty) if empty.any() else np.arange(len(ends))
    return _Lines(starts, ends, content)


@record(frozen=False)
class _Walk:
    records: int = 0  # lines with content so far
    lines: int = 0  # lines before the block
    offset: int = 0  # the block's first byte in the file
    bucket: int = -1  # the 64 KiB stretch of the last checkpoint
    checkpoints: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def add(self, lines: _Lines) -> None:
        import numpy as np

        offsets = self.offset + lines.starts[lines.content]
        buckets = offsets >> _STRIDE
        first = np.flatnonzero(np.diff(buckets, prepend=self.bucket) != 0)
        self.checkpoints.append((offsets[first], self.records + first, self.lines + lines.content[first] + 1))
        self.bucket = int(buckets[-1]) if len(buckets) else self.bucket
        self.records += len(lines.content)
        self.lines += len(lines.ends)


def _scan(path: Path, each: Each) -> LineIndex | None:
    import numpy as np

    walk = _Walk()
    buffer = bytearray(BLOCK)
    kept = 0  # the unfinished line at the front of the buffer
    with path.open("rb", buffering=0) as handle:
        for _ in each(count()):
            held = _fill(handle, buffer, kept)
            last = held < len(buffer)
            end = held if last else buffer.rfind(b"\n", 0, held) + 1
            if not end and not last:
                return None  # a line longer than the buffer
            lines = _split(np.frombuffer(buffer, np.uint8, count=end), buffer.find(b"\r", 0, end) >= 0)
            if lines is None:
                return None
            walk.add(lines)
            if last:
                break
            kept = held - end
            buffer[:kept] = buffer[end:held]
            walk.offset += end
    offsets, records, lines_at = (np.concatenate(parts) for parts in zip(*walk.checkpoints, strict=True))
    return LineIndex(walk.records, walk.offset + held, offsets, records, lines_at)


def _fill(handle: FileIO, buffer: bytearray, kept: int) -> int:
    """Fill `buffer` after its first `kept` bytes; the bytes it holds (fewer at the end)."""
    view = memoryview(buffer)
    held = kept
    while held < len(buffer) and (read := handle.readinto(view[held:])):
        held += read
    return held


def _look_up(handle: FileIO, index: LineIndex, at: int, wanted: np.ndarray) -> dict[int, Span]:
    """The spans of the `wanted` records, all in the stretch from checkpoint `at` to the next."""
    import numpy as np

    start = int(index.offset_at[at])
    stop = int(index.offset_at[at + 1]) if at + 1 < len(index.offset_at) else index.size
    data = os.pread(handle.fileno(), stop - start, start)
    lines = _split(np.frombuffer(data, np.uint8), b"\r" in data)
    assert lines is not None  # the scan proved it
    first, line = int(index.record_at[at]), int(index.line_at[at])
    found = {}
    for number in wanted.tolist():
        i = int(lines.content[number - first])
        found[number - 1] = Span(start + int(lines.starts[i]), start + int(lines.ends[i]), line + i)
    return found
