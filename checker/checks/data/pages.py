"""What a Parquet column chunk's page index proves page by page, and the rules run on the rest.

Where the writer wrote a page index (`tables/page_index.py`), each page has its own null count,
min and max. A page is asked what a row group is asked (`proof.py`, the same caveats: floats
keep the nulls rule, a bound that does not compare proves nothing), so a page with no null
proves `nulls` for its rows and a page whose min and max lie inside the bounds proves `ranges`.
A rule some page proves is then run only on the rows of the pages that do not prove every
such rule (put together from zero-copy slices of the decoded chunk), its rows numbered in the
whole chunk: the same rows, in the same order, as evaluating the whole chunk. Only `nulls` and
`ranges` are proven this way; the column's other rules run on the whole chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from checker.checks.data.proof import still_needed, within
from checker.checks.data.rules import ColumnRules, Found, check_column
from checker.tables.reader import ColumnStats, RowGroup

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.page_index import PageStats

PAGE_RULES = frozenset({"nulls", "ranges"})
Spans = Mapping[str, list[tuple[int, int]]]  # rule → the row spans its pages do not prove


def paged_chunk(group: RowGroup, name: str) -> bool:
    """Whether the writer wrote a page index for the column's chunk in this row group (and
    the group's statistics, which the pages must agree with)."""
    stats = group.stats.get(name)
    return stats is not None and stats.paged


def may_prove(rules: ColumnRules, needed: frozenset[str], native: bool, stored: pa.DataType) -> bool:
    """Whether a chunk's page index could prove one of the rules it still needs, and save more
    than reading it costs (~7 us a page, in Python). Not for int64 and float64 columns: numpy's
    block scan (`blocks.py`) checks their 20,000-row pages in about that time already; nor for
    a float column checked for nulls, scanned whole for NaN anyway (no statistic counts NaN)."""
    import pyarrow as pa

    if not native or not needed & PAGE_RULES or stored in (pa.int64(), pa.float64()):
        return False
    return not ("nulls" in needed and _proves(rules, "nulls") is None)


def unproven(rules: ColumnRules, asked: frozenset[str], pages: PageStats | None) -> Spans:
    """Per rule of PAGE_RULES in `asked` that some page proves, the spans of the pages that do
    not (a native column's `rules`, as narrowed for its row group)."""
    if pages is None:
        return {}
    found = {}
    for rule in sorted(asked & PAGE_RULES):
        proves = _proves(rules, rule)
        if proves is None:
            continue
        open_pages = [page for page, stats in enumerate(pages.stats) if not proves(stats)]
        if len(open_pages) < len(pages.stats):
            found[rule] = pages.spans(open_pages)
    return found


def _proves(rules: ColumnRules, rule: str) -> Callable[[ColumnStats], bool] | None:
    """Whether one page's statistics prove `rule`, as they would a row group's; None: no page
    can (`still_needed`, asked once per column: does no null prove `nulls`? not for floats)."""
    if rule == "ranges":
        return partial(within, rules)
    if rule in still_needed(rules, True, ColumnStats(None, None, 0)):
        return None
    return lambda stats: stats.null_count == 0


def check_spans(raw: pa.Array, rules: ColumnRules, spans: Spans, found: Found) -> None:
    """Run the rules of `spans` on the chunk `raw`'s rows in any of their spans only, into
    `found`, its rows numbered in the chunk. The spans' rows are put together and checked at
    once: a page that proves one of the rules holds no row breaking it, so checking that rule
    there too finds nothing more."""
    import numpy as np
    import pyarrow as pa

    taken = _union([span for found_spans in spans.values() for span in found_spans])
    if not taken:
        return
    part = Found()
    pieces = [raw.slice(start, stop - start) for start, stop in taken]
    values = pieces[0] if len(pieces) == 1 else pa.concat_arrays(pieces)
    check_column(values, rules, frozenset(spans), part, {})
    starts = np.array([start for start, _ in taken], np.int64)
    ends = np.cumsum([stop - start for start, stop in taken])  # in the rows put together
    shift = starts - np.concatenate([[0], ends[:-1]])
    for rule, rows in part.rows.items():
        for name, at in rows.items():
            found.rows[rule][name] = at + shift[np.searchsorted(ends, at, side="right")]
    for rule, shown in part.shown.items():
        found.shown[rule].update(shown)


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ascending disjoint spans covering `spans`, touching ones merged."""
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged
