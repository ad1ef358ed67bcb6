"""A check's evidence as the report shows it: the lists a reviewer reads row by row (a data
check's examples, the malformed-request probes, a contract's changes, or any list of flat
records) as Markdown tables, long text as text blocks, and whatever is left as one JSON block.
Every cell is escaped and cut here; the layout (layout.py) only arranges the pieces."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from checker.record import record
from checker.render import escape
from checker.results.model import truncate


@record(eq=False, repr=False)
class TableView:
    """One evidence table: escaped header, alignment row, escaped cells, and a note for the
    entries left out."""

    title: str
    header: tuple[str, ...]
    align: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@record
class EvidenceView:
    """A check's evidence as the report shows it: tables, then fenced blocks."""

    tables: tuple[TableView, ...] = ()
    blocks: tuple[str, ...] = ()  # a label line and a fenced block, each


@record(eq=False, repr=False)
class Column:
    """One column of an evidence table: its title and the record keys it shows."""

    title: str
    keys: tuple[str, ...]  # the record's keys it shows (the first one, unless `pick` says how)
    numeric: bool = False
    max_chars: int | None = None  # a column of excerpts: shorter than the others
    pick: Callable[[Mapping[str, Any]], Any] | None = None

    def value(self, record: Mapping[str, Any]) -> Any:
        return self.pick(record) if self.pick else record.get(self.keys[0])


def _verdict(record: Mapping[str, Any]) -> str:
    verdict, reason = record.get("verdict"), record.get("reason")
    return f"{verdict}: {reason}" if verdict and reason else str(verdict or reason or "")


@record(eq=False, repr=False)
class Layout:
    """How an evidence list is shown as a table."""

    columns: tuple[Column, ...]
    others: bool = True  # the records' other keys get columns too, after these
    nested: bool = False  # cells may hold lists and mappings, shown as compact JSON


# The evidence lists with a table of their own: key → columns, in reading order.
KNOWN: dict[str, Layout] = {
    "examples": Layout((Column("row", ("row",), numeric=True), Column("line", ("line",), numeric=True),
                        Column("column", ("column",)), Column("value", ("value",)),
                        Column("rule", ("rule",)))),
    "probes": Layout((Column("probe", ("probe",)), Column("sent", ("sent",)),
                      Column("status", ("status",), numeric=True),
                      Column("verdict", ("verdict", "reason"), pick=_verdict),
                      Column("response excerpt", ("response",), max_chars=80)), others=False),
    "changes": Layout((Column("column", ("column",), pick=lambda r: r.get("column") or "(table)"),
                       Column("change", ("change",)), Column("base", ("base",)), Column("head", ("head",)),
                       Column("kind", ("kind",)))),
    # endpoint.parity: a row's input, and a class's probabilities, are compact JSON in their cell
    "mismatches": Layout((Column("row", ("row",), numeric=True), Column("offline", ("offline",)),
                          Column("served", ("served",)), Column("input", ("input",), max_chars=80)),
                         nested=True),
}
TITLES = {"examples": "Examples", "probes": "Probes", "changes": "Changes", "mismatches": "Mismatches"}


@record(eq=False, repr=False)
class Budget:
    """How much evidence a report shows: rows per table, characters per cell and per block."""

    rows: int
    cell_chars: int
    block_chars: int

    @classmethod
    def of(cls, max_chars: int) -> Budget:
        return cls(rows=min(20, max(3, max_chars // 200)), cell_chars=min(120, max(30, max_chars // 25)),
                   block_chars=max_chars)


def build(evidence: Mapping[str, Any], max_chars: int | None) -> EvidenceView:
    """Tables for the lists of records, text blocks for long text, JSON for the rest."""
    if not evidence or max_chars is None:
        return EvidenceView()
    budget = Budget.of(max_chars)
    tables, rest = [], {}
    for key, value in evidence.items():
        table = _table(key, value, budget)
        if table is None:
            rest[key] = value
        else:
            tables.append(table)
    return EvidenceView(tuple(tables), _blocks(rest, budget))


def _table(key: str, value: Any, budget: Budget) -> TableView | None:
    layout = KNOWN.get(key, Layout(()))
    records = _records(value, layout.nested)
    if records is None:
        return None
    rows, left = records
    columns = _layout(layout, rows)
    shown = rows[: budget.rows]
    left += len(rows) - len(shown)
    return TableView(
        title=escape.inline(TITLES.get(key, key), max_chars=60),
        header=tuple(escape.cell(c.title, max_chars=40) for c in columns),
        align=tuple("---:" if c.numeric else "---" for c in columns),
        rows=tuple(tuple(_cell(c.value(r), min(budget.cell_chars, c.max_chars or budget.cell_chars))
                         for c in columns) for r in shown),
        note=f"… {left:,} more not shown" if left else "",
    )


def _records(value: Any, nested: bool = False) -> tuple[list[Mapping[str, Any]], int] | None:
    """The flat records of a list (and how many entries its "… N more items" marker left
    out), or None when `value` is not such a list."""
    if not isinstance(value, list) or not value:
        return None
    left = 0
    if isinstance(value[-1], str) and value[-1].startswith("…"):
        left = _count(value[-1])
        value = value[:-1]
    if not value or not all(isinstance(v, Mapping) and (nested or all(_flat(x) for x in v.values()))
                            for v in value):
        return None
    return list(value), left


def _count(marker: str) -> int:
    digits = "".join(ch for ch in marker.split("more")[0] if ch.isdigit())
    return int(digits) if digits else 0


def _flat(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _layout(layout: Layout, rows: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
    """The layout's columns some record has, then (when it allows) one per other key."""
    present = {k for r in rows for k in r}
    known = [c for c in layout.columns if present & set(c.keys)]
    taken = {k for c in layout.columns for k in c.keys}
    others = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in taken] if layout.others else []
    generic = [Column(str(k), (k,), numeric=all(_number(r.get(k)) for r in rows)) for k in others]
    return tuple([*known, *generic][:8])


def _number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _cell(value: Any, max_chars: int) -> str:
    if value is None:
        return "–"
    return escape.cell(compact(value), max_chars=max_chars)


def compact(value: Any) -> str:
    """A value as one short line: floats to four significant digits, text as it is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _blocks(rest: Mapping[str, Any], budget: Budget) -> tuple[str, ...]:
    """Multi-line text (a traceback, an output tail) as a text block under its name; the
    other entries together as one JSON block."""
    texts = {k: v for k, v in rest.items() if isinstance(v, str) and "\n" in v.strip()}
    blocks = [f"{escape.inline(k, max_chars=60)}:\n\n"
              f"{escape.code_block(truncate(v, max_chars=budget.block_chars), 'text')}"
              for k, v in texts.items()]
    others = {k: v for k, v in rest.items() if k not in texts}
    if others:
        text = json.dumps(others, indent=2, ensure_ascii=False, default=str)
        blocks.append(escape.code_block(truncate(text, max_chars=budget.block_chars), "json"))
    return tuple(blocks)


def failing_rows_line(found: object, environment: Mapping[str, Any]) -> str:
    """'failing rows: 2 of 3 in failing-rows/x.csv; see the mlsmoke-results artifact of this
    run' (linked to the run when its URL is known), from a data check's `failing_rows` metric."""
    if not isinstance(found, Mapping) or not found.get("file"):
        return ""
    rows, total = found.get("rows"), found.get("total")
    counts = f"{rows:,} of {total:,}" if isinstance(rows, int) and isinstance(total, int) else "some"
    where = f"failing rows: {counts} in {escape.inline(found['file'], max_chars=200)}"
    artifact = environment.get("artifact")
    if not artifact:
        return f"{where} (in the run's output folder)"
    run_url = environment.get("run_url")
    run = f"[this run]({run_url})" if escape.is_http_url(run_url) else "this run"
    return f"{where}; see the {escape.inline(artifact, max_chars=100)} artifact of {run}"
