"""What can go wrong reading a data file; every message is for the user."""

from __future__ import annotations

from checker.errors import InputError


class TableReadError(InputError):
    """The file cannot be read as a table; the message says why."""


class MixedTypesError(TableReadError):
    """A JSON Lines column holds values of different JSON types (or not the contract's type);
    the per-value reader reads it."""


class ColumnTypeError(TableReadError):
    """A CSV value does not parse as the type asked for its column in `types`."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


class BlockTooSmallError(TableReadError):
    """A CSV row is larger than the block the parser reads at a time."""


class UnprovenSplitError(TableReadError):
    """A CSV piece read on its own did not hold one record per line: read the file in one pass."""
