"""JSON Lines read as text, line by line with the json module: the slow path for files whose
columns mix JSON types (pyarrow's JSON reader stops at the first type change).

Every value becomes its text (numbers and booleans as JSON writes them, strings as they are,
objects and lists as JSON), so the caller can convert each value and count those that do not
fit the contract, exactly as it does for CSV.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


def open_jsonl_text(path: Path, columns: Sequence[str] | None,
                    batch_rows: int) -> tuple[list[str], Callable[[], Iterator[pa.RecordBatch]]]:
    """(column names, a function yielding batches of string columns)."""
    names = _column_names(path)
    selected = [c for c in columns if c in names] if columns is not None else names

    def batches() -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for rows in _chunks(path, batch_rows):
            yield pa.record_batch([pa.array([_text(row.get(name)) for row in rows], pa.string())
                                   for name in selected], names=selected)

    return selected, batches


def first_invalid_line(path: Path) -> str | None:
    """Which line of the file is not a JSON object ("line 7 is not valid JSON (…)"), or None.
    pyarrow's own message counts rows within a block, not lines of the file."""
    try:
        for _ in _chunks(path, 65536):
            pass
    except (OSError, UnicodeDecodeError):
        return None
    except ValueError as exc:
        return str(exc)
    return None


def _column_names(path: Path) -> list[str]:
    """Keys in order of first appearance over the whole file."""
    names: dict[str, None] = {}
    for rows in _chunks(path, 65536):
        for row in rows:
            names.update(dict.fromkeys(row))
    return list(names)


def _chunks(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number} is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"line {number} is not a JSON object")
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
    if rows:
        yield rows


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value)
