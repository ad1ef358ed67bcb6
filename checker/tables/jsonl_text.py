"""JSON Lines read with pyarrow (typed) or line by line with the json module (per value).

pyarrow's JSON reader is fast but stops at the first value of another JSON type than the one
it expects. With the contract's types (`open_jsonl_typed`) that stop is a `MixedTypesError`,
and the caller reads the file again value by value (`open_jsonl_text(literal=True)`): every
value becomes its JSON text (`"1"` for the string, `1` for the number) in a `json_text()`
column, so `coerce` can tell a JSON string from a number and count each value that is not of
the contract's type. Without `literal`, every value becomes plain text (strings as they are),
for callers that parse text themselves (drift, infer).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from checker.tables.arrow_values import array_of  # pa.array() of Python values would import pandas
from checker.tables.errors import MixedTypesError
from checker.tables.sources import open_binary, source

if TYPE_CHECKING:
    import pyarrow as pa

Batches = tuple[list[str], Callable[[], Iterator["pa.RecordBatch"]]]
HEADER_BYTES = 1 << 20


@cache
def json_text() -> pa.DataType:
    """An extension type over string: each value is one JSON value as JSON text."""
    import pyarrow as pa

    class JsonText(pa.ExtensionType):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(pa.string(), "mlsmoke.json_text")

        def __arrow_ext_serialize__(self) -> bytes:
            return b""

        @classmethod
        def __arrow_ext_deserialize__(cls, storage_type: Any, serialized: Any) -> JsonText:
            return cls()

    return JsonText()


def is_json_text(kind: pa.DataType) -> bool:
    return getattr(kind, "extension_name", None) == "mlsmoke.json_text"


def column_names(path: Path) -> list[str]:
    """The keys of the lines in the first MiB (at least one line), in order of first appearance."""
    names: dict[str, None] = {}
    consumed = 0
    with open_binary(path) as raw:
        while consumed < HEADER_BYTES and (line := raw.readline()):
            consumed += len(line)
            names.update(dict.fromkeys(_keys(line)))
    return list(names)


def _keys(line: bytes) -> list[str]:
    try:
        row = json.loads(line) if line.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    return list(row) if isinstance(row, dict) else []


def open_jsonl_typed(path: Path, types: Mapping[str, pa.DataType], block_bytes: int) -> Batches:
    """The columns of `types` parsed as exactly those types; other keys are not decoded."""
    import pyarrow as pa
    import pyarrow.json as pajson

    read, parse = _typed_options(types, block_bytes)

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            with pajson.open_json(source(path), read_options=read, parse_options=parse) as reader:
                yield from reader
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            # a line longer than the block: the line-by-line reader takes any length
            raise MixedTypesError(f"a line is longer than {block_bytes} bytes") from exc

    return list(types), batches


def typed_lines(data: bytes, types: Mapping[str, pa.DataType], block_bytes: int) -> pa.Table | None:
    """JSON Lines held in memory, parsed as `open_jsonl_typed` parses a file; None when pyarrow
    refuses them."""
    import pyarrow as pa
    import pyarrow.json as pajson

    read, parse = _typed_options(types, block_bytes)
    try:
        return pajson.read_json(pa.BufferReader(data), read_options=read, parse_options=parse)
    except pa.ArrowInvalid:
        return None


def _typed_options(types: Mapping[str, pa.DataType], block_bytes: int) -> tuple[Any, Any]:
    import pyarrow as pa
    import pyarrow.json as pajson

    read = pajson.ReadOptions(block_size=block_bytes)
    parse = pajson.ParseOptions(explicit_schema=pa.schema(list(types.items())),
                                unexpected_field_behavior="ignore")
    return read, parse


def open_jsonl_inferred(path: Path, columns: Sequence[str] | None, block_bytes: int) -> Batches:
    """Every column as pyarrow infers it from the first block."""
    import pyarrow.json as pajson

    read = pajson.ReadOptions(block_size=block_bytes)
    with pajson.open_json(source(path), read_options=read) as probe:
        names = probe.schema.names
    selected = [c for c in columns if c in names] if columns is not None else names

    def batches() -> Iterator[pa.RecordBatch]:
        with pajson.open_json(source(path), read_options=read) as reader:
            for batch in reader:
                yield batch.select(selected) if columns is not None else batch

    return selected, batches


def open_jsonl_text(path: Path, columns: Sequence[str] | None, batch_rows: int, *,
                    literal: bool = False) -> Batches:
    """(column names, a function yielding batches of text columns)."""
    names = _all_column_names(path) if columns is None else list(columns)
    text = _literal if literal else _text

    def batches() -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        kind = json_text() if literal else pa.string()
        for rows in _chunks(path, batch_rows):
            arrays = [array_of([text(row.get(name)) for row in rows], pa.string()) for name in names]
            if literal:
                arrays = [pa.ExtensionArray.from_storage(kind, array) for array in arrays]
            if not names:  # no column asked for: the rows still count
                yield pa.record_batch([pa.nulls(len(rows))], names=["_"]).select([])
                continue
            yield pa.record_batch(arrays, names=names)

    return names, batches


def first_invalid_line(path: Path) -> str | None:
    """Which line of the file is not a JSON object ("line 7 is not valid JSON (…)"), or None.
    pyarrow's own message counts rows within a block, not lines of the file."""
    try:
        for _ in _chunks(path, 65536):
            pass
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    except ValueError as exc:
        return str(exc)
    return None


def _all_column_names(path: Path) -> list[str]:
    """Keys in order of first appearance over the whole file."""
    names: dict[str, None] = {}
    for rows in _chunks(path, 65536):
        for row in rows:
            names.update(dict.fromkeys(row))
    return list(names)


def _chunks(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    with io.TextIOWrapper(cast(BinaryIO, open_binary(path)), encoding="utf-8") as handle:
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


def _literal(value: Any) -> str | None:
    return None if value is None else json.dumps(value)
