"""The bytes of a data file, decompressed when its name ends in `.gz`, `.bz2`, `.xz` or `.zst`.

pyarrow decompresses gzip, bzip2 and zstd natively; xz goes through Python's `lzma`. Either way
the readers get one stream per pass, never a temporary copy.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}


def compression(path: Path) -> str | None:
    """The codec a file name asks for, or None for plain bytes."""
    return COMPRESSIONS.get(path.suffix.lower())


def source(path: Path) -> Any:
    """What to hand pyarrow's CSV and JSON readers: the path, or a decompressing stream."""
    codec = compression(path)
    if codec is None:
        return str(path)
    if codec == "xz":
        import lzma

        return lzma.open(path, "rb")
    import pyarrow as pa

    return pa.input_stream(str(path), compression=codec)


def open_binary(path: Path) -> io.BufferedIOBase:
    """A Python binary file over the decompressed bytes (for the line-by-line readers)."""
    codec = compression(path)
    if codec is None:
        return path.open("rb")
    if codec == "xz":
        import lzma

        return lzma.open(path, "rb")
    import bz2
    import gzip

    if codec == "gzip":
        return gzip.open(path, "rb")
    if codec == "bz2":
        return bz2.open(path, "rb")
    return io.BufferedReader(source(path))
