"""Exact uniqueness past the memory budget: every value goes, with its row number, to one of
`PARTS` partition files in a temporary folder, picked by a hash of the value. Equal values
always share a partition, so each partition is answered on its own (the real values compared,
never their hashes: two values whose hashes collide only share a file) and memory holds one
partition at a time. The folder is removed when the counter is done, or when it is dropped.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.checks.data.unique import Duplicates, Keys, _duplicate_rows, _text_duplicates
from checker.tables import compute as pc
from checker.tables.arrow_values import int64_array, to_numpy

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# a partition's valid values (int64 numpy keys, or an arrow text array) → a uint64 hash each
Hasher = Callable[[Any], "np.ndarray"]
PARTS = 64
PENDING_BYTES = 16 * 1024 * 1024  # values and rows gathered before they go to the partitions
_GOLDEN = 0x9E3779B97F4A7C15


class Partitions:
    """Batches are gathered up to PENDING_BYTES, then split among the partitions at once: one
    write per partition then, not one per partition and batch (64 small writes for each batch
    of a column cost more than hashing and splitting it)."""

    def __init__(self, hasher: Hasher | None = None, parts: int = PARTS) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="mlsmoke-unique-")
        self._hasher = hasher
        self._parts = parts
        self._writers: dict[int, Any] = {}
        self._text = False
        self._decode: Callable[[int], Any] = int
        self._pending: list[tuple[Any, np.ndarray]] = []  # (values, their rows), in row order
        self._pending_bytes = 0

    def write(self, keys: Keys, first_row: int) -> None:
        """Add one batch's valid values, `first_row` being the file row of its first."""
        import numpy as np

        rows = np.arange(first_row, first_row + len(keys), dtype=np.int64)
        values: Any
        if keys.text is not None:
            self._text = True
            present = to_numpy(pc.is_valid(keys.text))
            values = pc.filter(keys.text, _bool_array(present)) if not present.all() else keys.text
            rows = rows[present]
        else:
            assert keys.ints is not None and keys.valid is not None
            self._decode = keys.decode
            values = keys.ints
            if not keys.valid.all():
                values, rows = values[keys.valid], rows[keys.valid]
        self._pending.append((values, rows))
        self._pending_bytes += values.nbytes + rows.nbytes
        if self._pending_bytes >= PENDING_BYTES:
            self._split()

    def _split(self) -> None:
        """Every gathered value to its partition's file, in row order."""
        import numpy as np
        import pyarrow as pa

        if not self._pending:
            return
        gathered, self._pending, self._pending_bytes = self._pending, [], 0
        if self._text:
            values: Any = pa.concat_arrays([v for v, _ in gathered])
        else:
            values = np.concatenate([v for v, _ in gathered])
        rows = np.concatenate([r for _, r in gathered])
        del gathered
        part = _partition((self._hasher or _default_hash)(values), self._parts)
        order = np.argsort(part, kind="stable")  # of small integers: numpy's radix sort, linear
        bounds = np.concatenate(([0], np.cumsum(np.bincount(part, minlength=self._parts))))
        for p in range(self._parts):
            picked = order[bounds[p]:bounds[p + 1]]
            if len(picked):
                self._append(p, _take(values, picked), rows[picked])

    def _append(self, part: int, values: Any, rows: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        batch = pa.record_batch([_arrow(values), int64_array(rows)], names=["value", "row"])
        if part not in self._writers:
            sink = pa.OSFile(str(self._path(part)), "wb")
            self._writers[part] = (sink, ipc.new_stream(sink, batch.schema))
        self._writers[part][1].write_batch(batch)

    def _path(self, part: int) -> Path:
        return Path(self._folder.name) / f"part-{part:03d}.arrows"

    def duplicates(self, examples: int) -> Duplicates:
        """Rows whose value another row has, sorted, with the values of the first `examples`."""
        import numpy as np

        self._split()
        self._close_writers()
        found: list[np.ndarray] = []
        shown: list[tuple[int, Any]] = []
        for part in sorted(self._writers):
            rows, firsts = self._part_duplicates(part, examples)
            found.append(rows)
            shown += firsts
        self._writers = {}
        rows = np.sort(np.concatenate(found)) if found else np.empty(0, np.int64)
        return Duplicates(rows, [value for _, value in sorted(shown, key=lambda s: s[0])[:examples]])

    def _part_duplicates(self, part: int, examples: int) -> tuple[np.ndarray, list[tuple[int, Any]]]:
        import numpy as np
        import pyarrow.ipc as ipc

        with ipc.open_stream(str(self._path(part))) as reader:
            table = reader.read_all().combine_chunks()
        values, rows = table.column("value").chunk(0), to_numpy(table.column("row").chunk(0))
        if self._text:
            at = np.sort(_text_duplicates([values], 0).rows)
            picked = pc.take(values, int64_array(at[:examples])).to_pylist()
        else:
            keys = to_numpy(values)
            at = _duplicate_rows(keys, np.ones(len(keys), bool))
            at = at[np.argsort(rows[at], kind="stable")]
            picked = [self._decode(int(keys[i])) for i in at[:examples]]
        return rows[at], list(zip(rows[at[:examples]].tolist(), picked, strict=True))

    def _close_writers(self) -> None:
        for sink, writer in self._writers.values():
            writer.close()
            sink.close()

    def close(self) -> None:
        self._pending, self._pending_bytes = [], 0
        self._close_writers()
        self._writers = {}
        self._folder.cleanup()


def _partition(hashes: np.ndarray, parts: int) -> np.ndarray:
    """Each value's partition: its hash modulo `parts`, as the smallest integer type."""
    import numpy as np

    hashes = np.asarray(hashes, np.uint64)
    masked = parts & (parts - 1) == 0  # a power of two: a mask, much cheaper than a division
    found: np.ndarray = hashes & np.uint64(parts - 1) if masked else hashes % np.uint64(parts)
    return found.astype(np.uint8 if parts <= 256 else np.int64)


def _default_hash(values: Any) -> np.ndarray:
    """A 64-bit mix of each value: of the int64 key, or of the UTF-8 bytes of the text."""
    import numpy as np

    raw = values.view(np.uint64) if isinstance(values, np.ndarray) else text_hash(values)
    mixed: np.ndarray = (raw * np.uint64(_GOLDEN)) >> np.uint64(32)  # the high bits mix every input bit
    return mixed


def text_hash(values: pa.Array) -> np.ndarray:
    """A polynomial hash of each string's bytes (wrapping uint64), vectorized over the array
    (string or binary, large or not)."""
    import numpy as np
    import pyarrow as pa

    count = len(values)
    if count == 0:
        return np.empty(0, np.uint64)
    large = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
    width = np.int64 if large else np.int32
    offsets = np.frombuffer(values.buffers()[1], width, count=values.offset + count + 1)[values.offset:]
    buffer = values.buffers()[2]
    data = np.frombuffer(buffer, np.uint8) if buffer is not None else np.empty(0, np.uint8)
    data = data[offsets[0]:offsets[-1]].astype(np.uint64)
    starts = (offsets[:-1] - offsets[0]).astype(np.int64)
    lengths = np.diff(offsets).astype(np.int64)
    position = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
    powers = np.cumprod(np.full(max(int(lengths.max()), 1), np.uint64(1099511628211), np.uint64))
    # one zero past the end: every start (an empty last string's too) indexes into the array
    weighted = np.append((data + np.uint64(1)) * powers[position], np.uint64(0))
    sums = np.add.reduceat(weighted, starts)
    return np.where(lengths > 0, sums, np.uint64(0)) + lengths.astype(np.uint64)


def _take(values: Any, picked: np.ndarray) -> Any:
    import numpy as np

    if isinstance(values, np.ndarray):
        return values[picked]
    return pc.take(values, int64_array(picked))


def _arrow(values: Any) -> pa.Array:
    import numpy as np

    return int64_array(values) if isinstance(values, np.ndarray) else values


def _bool_array(mask: np.ndarray) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    bits = np.packbits(mask, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits)])
