"""What a Parquet column chunk's page index proves page by page, and the rules run on the rest.

Where the writer wrote a page index (`tables/page_index.py`), each page has its own null count,
min and max. A page is asked what a row group is asked (`proof.still_needed`, the same caveats:
floats keep the nulls rule, a bound that does not compare proves nothing), so a page with no
null proves `nulls` for its rows and a page whose min and max lie inside the bounds proves
`ranges`. A rule some page proves is then run only on the row spans of the pages that do not
(adjacent pages merged, each span a zero-copy slice of the decoded chunk), its rows numbered in
the whole chunk: the same rows, in the same order, as evaluating the whole chunk. Only `nulls`
and `ranges` are proven this way; the column's other rules run on the whole chunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from checker.checks.data.proof import still_needed
from checker.checks.data.rules import ColumnRules, Found, check_column

if TYPE_CHECKING:
    import pyarrow as pa

    from checker.tables.page_index import PageStats

PAGE_RULES = frozenset({"nulls", "ranges"})
Spans = Mapping[str, list[tuple[int, int]]]  # rule → the row spans its pages do not prove


def may_prove(needed: frozenset[str], native: bool) -> bool:
    """Whether a chunk's page index could prove one of the rules it still needs."""
    return native and bool(needed & PAGE_RULES)


def unproven(rules: ColumnRules, asked: frozenset[str], pages: PageStats | None) -> Spans:
    """Per rule of PAGE_RULES in `asked` that some page proves, the spans of the pages that do
    not (a native column's `rules`, as narrowed for its row group)."""
    if pages is None:
        return {}
    found = {}
    for rule in sorted(asked & PAGE_RULES):
        open_pages = [page for page, stats in enumerate(pages.stats)
                      if rule in still_needed(rules, True, stats)]
        if len(open_pages) < len(pages.stats):
            found[rule] = pages.spans(open_pages)
    return found


def check_spans(raw: pa.Array, rules: ColumnRules, spans: Spans, found: Found) -> None:
    """Run each rule of `spans` on its spans of the chunk `raw` only, into `found`."""
    import numpy as np
    import pyarrow as pa

    name = rules.name
    for rule, ranges in spans.items():
        rows, shown = [], []
        for start, stop in ranges:
            part = Found()
            check_column(raw.slice(start, stop - start), rules, frozenset({rule}), part, {})
            if name in part.rows[rule]:
                rows.append(part.rows[rule][name] + start)
            if name in part.shown[rule]:
                shown.append(part.shown[rule][name])
        if rows:
            found.rows[rule][name] = np.concatenate(rows)
        if shown:
            found.shown[rule][name] = pa.concat_arrays(shown)
