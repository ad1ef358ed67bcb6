"""The first pass over a CSV in pieces, each parsed and checked by one worker (`csv_pieces`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from checker.checks.data import parallel
from checker.checks.data.parallel import Part

if TYPE_CHECKING:
    from checker.checks.data.scan import FileScan, ScanDeadline


def piece_tasks(reread: Any, new_part: Callable[[int], Part], bound: ScanDeadline, found: FileScan
                ) -> Iterator[Callable[[], Part]] | None:
    """A task per piece when there are cores to share and the reread can cut the file, checked
    into `new_part(its first row)`; else None (the reader hands batches over in one pass)."""
    from checker.tables.policy import PiecesReread

    if parallel.workers() < 2 or not isinstance(reread, PiecesReread):
        return None
    each = partial(bound.each, found=found)
    split = reread.pieces(each)
    if split is None:
        return None
    return (partial(new_part(piece.first_row).check, each(reread.piece(split, piece)))
            for piece in split.pieces)
