"""Physical line numbers of CSV rows, for evidence and annotations.

A CSV row is one line unless a quoted value holds a line break, so the line of data row N
(0-based; the header is line 1) comes from walking the file's bytes: a newline ends a record
only outside quotes (after an even number of `"`, which `""` escapes keep), and blank lines
are no record, as pyarrow skips them. The walk is vectorized with numpy a block at a time and
stops after the last row asked for; it runs only for the few rows quoted as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_BLOCK = 1 << 22
_QUOTE, _NEWLINE, _RETURN = 34, 10, 13


@dataclass
class _Walk:
    records: int = 0  # records found so far; the header is record 0, data row N is record N + 1
    newlines: int = 0  # newlines before the current block
    quoted: int = 0  # 1 when the current block starts inside quotes
    open_line: int = 1  # line where the unfinished record (segment) started
    open_content: int = 0  # content bytes seen in the unfinished segment


def physical_lines(path: Path, rows: Iterable[int]) -> dict[int, int]:
    """{data row: the file line it starts on} for each of `rows` that the file has."""
    import numpy as np

    wanted = np.array(sorted(set(rows)), np.int64)
    found: dict[int, int] = {}
    if not len(wanted):
        return found
    walk = _Walk()
    with path.open("rb") as handle:
        while len(found) < len(wanted) and (block := handle.read(_BLOCK)):
            starts = _record_lines(np.frombuffer(block, np.uint8), walk, final=False)
            _collect(starts, walk, wanted, found)
        if len(found) < len(wanted):
            _collect(_record_lines(np.zeros(0, np.uint8), walk, final=True), walk, wanted, found)
    return found


def _collect(starts: np.ndarray, walk: _Walk, wanted: np.ndarray, found: dict[int, int]) -> None:
    import numpy as np

    first_record = walk.records - len(starts)
    data_rows = np.arange(first_record, walk.records) - 1
    hits = np.isin(data_rows, wanted)
    found.update(zip(data_rows[hits].tolist(), starts[hits].tolist(), strict=True))


def _record_lines(data: np.ndarray, walk: _Walk, *, final: bool) -> np.ndarray:
    """Start lines of the records completed in this block; updates the walk's carry."""
    import numpy as np

    newline = data == _NEWLINE
    parity = (np.cumsum(data == _QUOTE) + walk.quoted) % 2
    ends = np.flatnonzero(newline & (parity == 0))
    content = np.cumsum(~newline & (data != _RETURN))
    newlines = np.cumsum(newline)
    if final:
        lines = np.array([walk.open_line]) if walk.open_content else np.zeros(0, np.int64)
        walk.records += len(lines)
        return lines
    segment_lines = np.concatenate([[walk.open_line], walk.newlines + newlines[ends] + 1])
    at_end = content[ends]
    segment_content = np.diff(np.concatenate([[-walk.open_content], at_end]))
    nonblank = segment_content > 0
    lines = segment_lines[:-1][nonblank]
    walk.records += len(lines)
    walk.open_line = int(segment_lines[-1])
    tail_start = int(at_end[-1]) if len(ends) else -walk.open_content
    walk.open_content = int(content[-1]) - tail_start if len(data) else walk.open_content
    walk.newlines += int(newlines[-1]) if len(data) else 0
    walk.quoted = int(parity[-1]) if len(data) else walk.quoted
    return lines
