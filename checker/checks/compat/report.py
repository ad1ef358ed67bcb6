"""The compatibility check's details: the contract changes as an aligned plain-text table."""

from __future__ import annotations

from checker.checks.text_table import text_table
from checker.contracts.diff import Change, show


def changes_table(changes: list[Change]) -> str:
    """The changes as an aligned plain-text table."""
    return text_table(["column", "change", "base", "head", "kind"],
                      [[c.column or "(table)", c.change, show(c.base), show(c.head), c.kind.value]
                       for c in changes])
