"""Physical line numbers of CSV rows, for evidence and annotations.

A CSV row is one line unless a quoted value holds a line break, so the line of data row N
(0-based; the header is line 1) comes from walking the file's bytes: a newline ends a record
only outside quotes (after an even number of `"`, which `""` escapes keep), and blank lines
are no record, as pyarrow skips them. The walk is vectorized with numpy a block at a time and
stops after the last row asked for; it runs only for the few rows quoted as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from checker.record import record
from checker.tables.row_sets import isin
from checker.tables.sources import open_binary

if TYPE_CHECKING:
    import numpy as np

_BLOCK = 1 << 22
_QUOTE, _NEWLINE, _RETURN = 34, 10, 13


@record(frozen=False)
class _Walk:
    records: int = 0  # records found so far; the header is record 0, data row N is record N + 1
    newlines: int = 0  # newlines before the current block
    quoted: int = 0  # 1 when the current block starts inside quotes
    open_line: int = 1  # line where the unfinished record (segment) started
    open_content: bool = False  # whether the unfinished segment has content yet


def physical_lines(path: Path, rows: Iterable[int], records: int | None = None) -> dict[int, int]:
    """{data row: the file line it starts on} for each of `rows` that the file has. Given the
    `records` data rows the parser read, a file whose records are proven one line each
    (`csv_spans`) is walked with a single byte scan per block."""
    import numpy as np

    from checker.tables.csv_spans import record_spans

    rows = set(rows)
    if records is not None and (spans := record_spans(path, records, rows)) is not None:
        return {row: span.line for row, span in spans.items()}
    wanted = np.array(sorted(rows), np.int64)
    found: dict[int, int] = {}
    if not len(wanted):
        return found
    walk = _Walk()
    with open_binary(path) as handle:
        while len(found) < len(wanted) and (block := handle.read(_BLOCK)):
            _collect(_record_lines(np.frombuffer(block, np.uint8), walk), walk, wanted, found)
        if len(found) < len(wanted) and walk.open_content:  # a last row without a final newline
            walk.records += 1
            _collect(np.array([walk.open_line]), walk, wanted, found)
    return found


def _collect(starts: np.ndarray, walk: _Walk, wanted: np.ndarray, found: dict[int, int]) -> None:
    import numpy as np

    data_rows = np.arange(walk.records - len(starts), walk.records) - 1
    hits = isin(data_rows, wanted)
    found.update(zip(data_rows[hits].tolist(), starts[hits].tolist(), strict=True))


def _record_lines(data: np.ndarray, walk: _Walk) -> np.ndarray:
    """Start lines of the records this block completes; carries the rest to the next block.
    Works on the positions of newlines and quotes only, so a block costs two byte scans."""
    import numpy as np

    newlines = np.flatnonzero(data == _NEWLINE)
    quotes = np.flatnonzero(data == _QUOTE)
    quoted = (np.searchsorted(quotes, newlines) + walk.quoted) % 2 == 1
    ending = np.flatnonzero(~quoted)  # index (among newlines) of each newline that ends a record
    ends = newlines[ending]
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    length = ends - starts
    previous = data[np.maximum(ends - 1, 0)]
    blank = (length == 0) | ((length == 1) & (previous == _RETURN))
    if len(blank) and walk.open_content:
        blank[0] = False
    start_lines = np.concatenate([[walk.open_line], walk.newlines + ending + 2])
    lines: np.ndarray = start_lines[:-1][~blank]
    walk.records += len(lines)
    if len(ends):
        walk.open_line = int(start_lines[-1])
        tail = data[ends[-1] + 1:]
        walk.open_content = bool(np.any((tail != _NEWLINE) & (tail != _RETURN)))
    else:
        walk.open_content = walk.open_content or bool(np.any((data != _NEWLINE) & (data != _RETURN)))
    walk.newlines += len(newlines)
    walk.quoted = (walk.quoted + len(quotes)) % 2
    return lines
