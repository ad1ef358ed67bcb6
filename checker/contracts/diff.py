"""What changed between two versions of a contract, and whether data valid under the old
one is still valid under the new one.

A change is *breaking* when a file that passed the base contract can fail the head contract
(a column removed or renamed, a type narrowed, a bound tightened, a rule added), *compatible*
when the head contract only accepts more, and *cosmetic* when validation is unaffected.
"""

from __future__ import annotations

import datetime as dt
import enum
from difflib import SequenceMatcher
from typing import Any

from checker.contracts.model import Column, ColumnType, Contract, ExtraColumns, RowsRule
from checker.record import record

# (from, to) pairs where every value of `from` is a valid value of `to`.
WIDENING = frozenset({
    (ColumnType.BOOL, ColumnType.INT),
    (ColumnType.BOOL, ColumnType.FLOAT),
    (ColumnType.INT, ColumnType.FLOAT),
    (ColumnType.CATEGORY, ColumnType.STRING),
})
_STRICTNESS: dict[ExtraColumns, int] = {"allow": 0, "warn": 1, "error": 2}


class Kind(str, enum.Enum):
    BREAKING = "breaking"
    COMPATIBLE = "compatible"
    COSMETIC = "cosmetic"


@record
class Change:
    column: str  # "" for a table rule
    change: str
    base: Any
    head: Any
    kind: Kind
    key: tuple[Any, ...]  # where the change is in the head contract, e.g. ("columns", "pH", "max")

    def describe(self) -> str:
        """One phrase for a summary line, e.g. `alcohol: type narrowed (float → int)`."""
        if self.change == "column renamed":
            return f"column {self.base} renamed to {self.head}"
        text = f"{self.column or 'table'}: {self.change}"
        if self.base is not None and self.head is not None and not isinstance(self.base, list):
            text += f" ({show(self.base)} → {show(self.head)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "change": self.change, "base": plain(self.base),
                "head": plain(self.head), "kind": self.kind.value}


def diff_contracts(base: Contract, head: Contract) -> list[Change]:
    """Every change from `base` to `head`, breaking ones first."""
    removed = [c for c in base.columns if c not in head.columns]
    added = [c for c in head.columns if c not in base.columns]
    renamed = renamed_columns(removed, added, base, head)
    changes: list[Change] = []
    for old, new in renamed.items():
        changes.append(Change(new, "column renamed", old, new, Kind.BREAKING, ("columns", new)))
        changes += column_changes(new, base.columns[old], head.columns[new])
    changes += [Change(c, "column removed", base.columns[c].type, None, Kind.BREAKING, ("columns",))
                for c in removed if c not in renamed]
    changes += [_added(c, head.columns[c]) for c in added if c not in renamed.values()]
    for name in (c for c in head.columns if c in base.columns):
        changes += column_changes(name, base.columns[name], head.columns[name])
    changes += table_changes(base, head)
    order = list(Kind)
    return sorted(changes, key=lambda change: order.index(change.kind))


def renamed_columns(removed: list[str], added: list[str], base: Contract,
                    head: Contract) -> dict[str, str]:
    """Removed → added pairs that look like one column renamed: a similar name and the same
    type (or a definition identical but for the description)."""
    scored: list[tuple[float, str, str]] = []
    for old in removed:
        for new in added:
            before, after = base.columns[old], head.columns[new]
            ratio = SequenceMatcher(None, _normal(old), _normal(new)).ratio()
            same = _rules(before) == _rules(after)
            if ratio == 1.0 or (before.type == after.type and (ratio >= 0.8 or (same and ratio >= 0.5))):
                scored.append((ratio + same, old, new))
    pairs: dict[str, str] = {}
    for _, old, new in sorted(scored, reverse=True):
        if old not in pairs and new not in pairs.values():
            pairs[old] = new
    return pairs


def column_changes(name: str, base: Column, head: Column) -> list[Change]:
    changes = [
        _type_change(name, base.type, head.type),
        _flag(name, "nullable", base.nullable, head.nullable, tighter=not head.nullable),
        _bound(_Rule(name, "min"), base.min, head.min, lower=True),
        _bound(_Rule(name, "max"), base.max, head.max, lower=False),
        _allowed(name, base.allowed, head.allowed),
        _pattern(name, base.pattern, head.pattern),
        _flag(name, "unique", base.unique, head.unique, tighter=head.unique),
        _changed(_Rule(name, "role"), base.role, head.role, Kind.COMPATIBLE),
        _changed(_Rule(name, "description"), base.description, head.description, Kind.COSMETIC),
    ]
    return [c for c in changes if c is not None]


def table_changes(base: Contract, head: Contract) -> list[Change]:
    rows_base, rows_head = base.rows or RowsRule(), head.rows or RowsRule()
    strictness = _STRICTNESS[head.extra_columns] - _STRICTNESS[base.extra_columns]
    common = [c for c in head.columns if c in base.columns]
    changes = [
        _bound(_Rule("", "rows.min"), rows_base.min, rows_head.min, lower=True),
        _bound(_Rule("", "rows.max"), rows_base.max, rows_head.max, lower=False),
        Change("", "extra_columns " + ("stricter" if strictness > 0 else "looser"), base.extra_columns,
               head.extra_columns, Kind.BREAKING if strictness > 0 else Kind.COMPATIBLE,
               ("extra_columns",)) if strictness else None,
        _flag("", "unique_rows", base.unique_rows, head.unique_rows, tighter=head.unique_rows),
        _changed(_Rule("", "description"), base.description, head.description, Kind.COSMETIC),
        Change("", "columns reordered", None, None, Kind.COSMETIC, ("columns",))
        if common != [c for c in base.columns if c in head.columns] else None,
    ]
    return [c for c in changes if c is not None]


def _added(name: str, column: Column) -> Change:
    if column.nullable:
        return Change(name, "optional column added", None, column.type, Kind.COMPATIBLE, ("columns", name))
    return Change(name, "required column added", None, column.type, Kind.BREAKING, ("columns", name))


def _type_change(name: str, base: ColumnType, head: ColumnType) -> Change | None:
    if base == head:
        return None
    key = ("columns", name, "type")
    if (base, head) in WIDENING:
        return Change(name, "type widened", base, head, Kind.COMPATIBLE, key)
    label = "type narrowed" if (head, base) in WIDENING else "type changed"
    return Change(name, label, base, head, Kind.BREAKING, key)


def _flag(column: str, rule: str, base: bool, head: bool, *, tighter: bool) -> Change | None:
    if base == head:
        return None
    key = ("columns", column, rule) if column else (rule,)
    if rule == "nullable":
        label = "no longer nullable" if tighter else "now nullable"
    else:
        label = f"{rule} added" if tighter else f"{rule} removed"
    return Change(column, label, base, head, Kind.BREAKING if tighter else Kind.COMPATIBLE, key)


@record
class _Rule:
    """A rule of a column ("" for a table rule such as `rows.min`), and its key in the contract."""

    column: str
    rule: str

    @property
    def key(self) -> tuple[Any, ...]:
        return ("columns", self.column, self.rule) if self.column else tuple(self.rule.split("."))


def _bound(at: _Rule, base: Any, head: Any, *, lower: bool) -> Change | None:
    """A lower bound (min) tightens when raised or added; an upper bound when lowered or added."""
    column, rule, key = at.column, at.rule, at.key
    if base == head:
        return None
    if head is None:
        return Change(column, f"{rule} removed", base, head, Kind.COMPATIBLE, key)
    if base is None:
        return Change(column, f"{rule} added", base, head, Kind.BREAKING, key)
    try:
        raised = head > base
    except TypeError:  # a bound of another type (the column type changed too)
        return Change(column, f"{rule} changed", base, head, Kind.BREAKING, key)
    tighter = raised if lower else not raised
    label = f"{rule} {'raised' if raised else 'lowered'}"
    return Change(column, label, base, head, Kind.BREAKING if tighter else Kind.COMPATIBLE, key)


def _allowed(name: str, base: list[Any] | None, head: list[Any] | None) -> Change | None:
    key = ("columns", name, "allowed")
    if base is None or head is None:
        if base is head:
            return None
        added = base is None
        return Change(name, f"allowed list {'added' if added else 'removed'}", base, head,
                      Kind.BREAKING if added else Kind.COMPATIBLE, key)
    dropped = [v for v in base if v not in head]
    extra = [v for v in head if v not in base]
    if dropped:
        return Change(name, "allowed shrunk (−" + ", ".join(map(show, dropped)) + ")", base, head,
                      Kind.BREAKING, key)
    if extra:
        return Change(name, "allowed extended (+" + ", ".join(map(show, extra)) + ")", base, head,
                      Kind.COMPATIBLE, key)
    return Change(name, "allowed reordered", base, head, Kind.COSMETIC, key) if base != head else None


def _pattern(name: str, base: str | None, head: str | None) -> Change | None:
    if base == head:
        return None
    key = ("columns", name, "pattern")
    if head is None:
        return Change(name, "pattern removed", base, head, Kind.COMPATIBLE, key)
    label = "pattern added" if base is None else "pattern changed"
    return Change(name, label, base, head, Kind.BREAKING, key)


def _changed(at: _Rule, base: Any, head: Any, kind: Kind) -> Change | None:
    return None if base == head else Change(at.column, f"{at.rule} changed", base, head, kind, at.key)


def _rules(column: Column) -> Column:
    return column.model_copy(update={"description": None})


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def plain(value: Any) -> Any:
    """A JSON-ready value for evidence."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def show(value: Any) -> str:
    """A short text form for the changes table."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(plain(value))
