"""Whole-row hashes for `unique_rows`, without pandas: one uint64 per row, computed with numpy
over the Arrow buffers (no Python per row).

Each column gives a 64-bit key per row: integers and temporal values their value, floats their
value's bits with -0.0 made 0.0, booleans 0 or 1, text and binary a hash of their bytes
(`spill.text_hash`), a dictionary column the keys of its decoded values, and a null a marker
of its own. The keys are folded into the row's hash column after column (xor, multiply,
xorshift), so the columns' order counts. Rows that the exact confirmation (`repeated_rows._confirm`,
which compares the rows' Python values) finds equal always hash equal: there -0.0 == 0.0, and a
NaN equals nothing, so how NaNs hash does not matter. Unequal rows rarely collide, and a
collision costs only a comparison. Nested values (lists, structs: no contract type) fall back
to Python's hash of each value, frozen (`frozen`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

RowHash = Callable[["pa.RecordBatch"], "np.ndarray"]  # a batch → a uint64 hash per row
NULL = 0x6E756C6C2D6B6579  # a null's key ("null-key"): one int value shares it, a harmless collision
_SEED = 0x243F6A8885A308D3
_MULTIPLIER = 0x9E3779B97F4A7C15
_SHIFT = 29


def row_hashes(batch: pa.RecordBatch) -> np.ndarray:
    """A uint64 per row of `batch`, from every column's value, in column order."""
    import numpy as np

    hashes = np.full(batch.num_rows, _SEED, np.uint64)
    scratch, keys = np.empty_like(hashes), np.empty_like(hashes)  # allocated once: no page faults
    for column in batch.columns:
        _fold(hashes, column_keys(column, keys), scratch)
    return hashes


def _fold(hashes: np.ndarray, keys: np.ndarray, scratch: np.ndarray) -> None:
    """Mix one more key into each row's hash, in place (`scratch`: as large, overwritten)."""
    import numpy as np

    np.bitwise_xor(hashes, keys, out=hashes)
    np.multiply(hashes, np.uint64(_MULTIPLIER), out=hashes)
    # the high bits reach the low ones before the next multiply, which only carries upwards
    np.bitwise_xor(hashes, np.right_shift(hashes, np.uint64(_SHIFT), out=scratch), out=hashes)


def column_keys(values: pa.Array, out: np.ndarray | None = None) -> np.ndarray:
    """A uint64 key per slot of `values`: equal values get equal keys, a null gets NULL. The
    keys may be written to `out` (as long as `values`), the result then perhaps `out` itself."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc
    from checker.tables.arrow_values import to_numpy

    if pa.types.is_null(values.type):
        return np.full(len(values), NULL, np.uint64)
    keys = _dictionary_keys(values) if pa.types.is_dictionary(values.type) else _value_keys(values, out)
    if not values.null_count:
        return keys
    valid = to_numpy(pc.is_valid(values))
    if out is None:
        return np.where(valid, keys, np.uint64(NULL))
    if keys is not out:
        np.copyto(out, keys)
    np.copyto(out, np.uint64(NULL), where=~valid)
    return out


def _dictionary_keys(values: pa.DictionaryArray) -> np.ndarray:
    """The keys of the decoded values: each distinct value's key, taken per row."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc
    from checker.tables.arrow_values import scalar, to_numpy

    indices = values.indices
    if indices.null_count:
        indices = pc.fill_null(indices, scalar(0, pa.int64()).cast(indices.type))
    distinct = column_keys(values.dictionary)
    if not len(distinct):  # every row null
        return np.full(len(values), NULL, np.uint64)
    keys: np.ndarray = distinct[to_numpy(indices)]
    return keys


def _value_keys(values: pa.Array, out: np.ndarray | None = None) -> np.ndarray:
    """Keys of a plain (not dictionary) array; a null slot's key is any number."""
    import numpy as np
    import pyarrow as pa

    from checker.checks.data.spill import text_hash
    from checker.tables import compute as pc
    from checker.tables.arrow_values import to_numpy

    kind = values.type
    if pa.types.is_boolean(kind):
        return to_numpy(values).astype(np.uint64)
    if pa.types.is_string(kind) or pa.types.is_binary(kind) or pa.types.is_large_string(kind) \
            or pa.types.is_large_binary(kind):
        return text_hash(values)
    if pa.types.is_string_view(kind) or pa.types.is_binary_view(kind) or pa.types.is_fixed_size_binary(kind):
        plain = pa.string() if pa.types.is_string_view(kind) else pa.binary()
        return text_hash(pc.cast(values, plain))
    width = _bit_width(kind)
    if pa.types.is_floating(kind):
        floats = _fixed(values, np.dtype(f"f{width // 8}")).astype(np.float64, copy=False)
        normal = np.add(floats, 0.0, out=None if out is None else out.view(np.float64))
        return normal.view(np.uint64)  # -0.0 + 0.0 is 0.0: they compare equal
    if width in (8, 16, 32, 64):  # integers, dates, times, timestamps, durations, decimal32/64
        sign = "u" if pa.types.is_unsigned_integer(kind) else "i"
        return _fixed(values, np.dtype(f"{sign}{width // 8}")).astype(np.int64, copy=False).view(np.uint64)
    if width and width % 64 == 0:  # decimal128/256, month-day-nano intervals: their words
        return _words(values, width // 64)
    return _python_keys(values)


def _bit_width(kind: pa.DataType) -> int:
    """The bits of one value of a fixed-width type; 0 for any other type."""
    try:
        return int(kind.bit_width)
    except ValueError:
        return 0


def _fixed(values: pa.Array, dtype: np.dtype[Any]) -> np.ndarray:
    """The values of a fixed-width array as numpy (a null slot holds whatever is stored)."""
    import numpy as np

    data = values.buffers()[1]
    offset, count = values.offset, len(values)
    if data is None:
        return np.zeros(count, dtype)
    return np.frombuffer(data, dtype, count=offset + count)[offset:]


def _words(values: pa.Array, words: int) -> np.ndarray:
    """A key per value of a wide fixed-width type, from its 64-bit words in order."""
    import numpy as np

    raw = values.buffers()[1]
    offset, count = values.offset, len(values)
    data = np.frombuffer(raw, np.uint64, count=(offset + count) * words)[offset * words:]
    data = data.reshape(count, words)
    keys, scratch = np.full(count, _SEED, np.uint64), np.empty(count, np.uint64)
    for word in range(words):
        _fold(keys, data[:, word], scratch)
    return keys


def _python_keys(values: pa.Array) -> np.ndarray:
    """Python's hash of each value, for nested types (no contract type has them)."""
    import numpy as np

    hashed = [hash(frozen(value)) for value in values.to_pylist()]
    return np.array(hashed, np.int64).view(np.uint64)


def frozen(value: Any) -> Any:
    """A value as a hashable one that compares the same: lists as tuples, dicts as their items
    (the values of nested types, from `to_pylist`)."""
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, frozen(item)) for key, item in value.items())
    return value
