"""Turn one file's scan into one result per rule: counts, a summary naming the columns, the
first examples (with the CSV line), and where to point (the data file's line for CSV, the
contract's column otherwise)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from checker.checks.data.rules import ColumnRules
from checker.checks.data.scan import FileScan, unique_failing_rows
from checker.checks.data.tally import MAX_EXAMPLES, Example, Tally, plain
from checker.checks.registry import Check
from checker.record import record
from checker.results.failing_rows import FailingRow, FailingRows, file_name
from checker.results.model import CheckResult, Location, Status, truncate

WHOLE_ROW = "(whole row)"

# rule → (what a failing row has, what a passing column has)
_WORDING = {
    "types": ("values not of the column's type", "all values of the contract type"),
    "nulls": ("nulls in non-nullable columns", "no nulls"),
    "ranges": ("values out of range", "all values within range"),
    "allowed": ("values not allowed", "only allowed values"),
    "pattern": ("values not matching the pattern", "all values match the pattern"),
    "unique": ("duplicated values", "all values unique"),
}
_COLUMN_NOUN = {"nulls": "non-nullable column", "unique": "unique column"}


@record(eq=False, repr=False)
class FileView:
    """What a result needs to know about the file beyond its scan."""

    contract: str
    subject: str
    display_path: str  # the data file, relative to the config's folder
    location: Callable[..., Location]  # ctx.location
    lines: Mapping[int, int]  # CSV data row → physical line, for the rows shown or kept
    columns: tuple[str, ...] = ()  # the contract's columns, for the failing-rows file


def unique_tally(scan: FileScan, cap: int = 0) -> Tally:
    """Rows sharing a value with another row, in any unique column (or as a whole row); the
    first `cap` of them as failing rows, whole (the scan read them again)."""
    found_rows, examples, by_column = [], [], {}
    for name, counter in scan.uniques.items():
        found = counter.duplicates()
        by_column[name] = len(found.rows)
        examples += [Example(int(r), name, plain(v))
                     for r, v in zip(found.rows[:MAX_EXAMPLES], found.values, strict=False)]
        found_rows.append(found.rows)
    if scan.duplicate_rows is not None:
        by_column[WHOLE_ROW] = len(scan.duplicate_rows)
        examples += [Example(int(r), WHOLE_ROW, None) for r in scan.duplicate_rows[:MAX_EXAMPLES]]
        found_rows.append(scan.duplicate_rows)
    names = [*scan.uniques, *([WHOLE_ROW] if scan.duplicate_rows is not None else [])]
    failing_at = unique_failing_rows(scan)
    kept = set(failing_at[:cap].tolist())
    shown = {(e.row, e.column): e.value for e in examples}
    whole = scan.unique_whole
    pairs = [(r, name) for name, rows in zip(names, found_rows, strict=True)
             for r in map(int, rows) if r in kept]
    failing = sorted((FailingRow(r, name, _unique_value(shown, whole, r, name), whole.get(r, {}))
                      for r, name in pairs), key=lambda f: f.row)
    return Tally(len(failing_at), {k: v for k, v in by_column.items() if v},
                 sorted(examples, key=lambda e: e.row)[:MAX_EXAMPLES], cap, failing, len(kept))


def _unique_value(shown: Mapping[tuple[int, str], Any], whole: Mapping[int, Mapping[str, Any]],
                  row: int, column: str) -> Any:
    """The repeated value: from the row read again, else from the examples."""
    record = whole.get(row)
    if record is not None and column in record:
        return plain(record[column])
    return shown.get((row, column))


@record(eq=False, repr=False)
class RuleCheck:
    """One rule (its registry entry: data.types → the "types" rule) over the file's columns it
    applies to, and whole rows for `unique_rows`."""

    check: Check
    checked: list[ColumnRules]
    whole_rows: bool = False


def rule_result(rule_check: RuleCheck, tally: Tally, scan: FileScan, view: FileView) -> CheckResult:
    check, checked, extra_checked = rule_check.check, rule_check.checked, int(rule_check.whole_rows)
    check_id, rule = check.id, check.id.removeprefix("data.")
    order = {c.name: i for i, c in enumerate(checked)}
    by_column = dict(sorted(tally.by_column.items(), key=lambda item: order.get(item[0], len(order))))
    tally = replace(tally, by_column=by_column)
    metrics: dict[str, Any] = {"violations": tally.violations, "by_column": by_column,
                               "rows": scan.rows, "columns_checked": len(checked)}
    if scan.row_groups:
        metrics["row_groups"] = scan.row_groups
        metrics["proven_by_statistics"] = scan.proven.get(rule, 0)
    if not tally.violations:
        return CheckResult(id=check_id, status=Status.PASS, subject=view.subject, metrics=metrics,
                           summary=_pass_summary(rule, checked, scan.rows, extra_checked))
    examples = _with_lines(tally.examples, view)
    failing = _failing_rows(check_id, tally, view)
    if failing is not None:
        metrics["failing_rows"] = {"file": failing.path, "rows": failing.rows,
                                   "total": tally.violations}
    return CheckResult(
        id=check_id, status=Status.FAIL, subject=view.subject, metrics=metrics,
        summary=f"{_rows(tally.violations)} with {_WORDING[rule][0]}: " + _by_column(rule, tally, checked),
        details=_details(rule, tally, checked),
        evidence={"examples": truncate([_example_dict(e, _broken(rule, checked, e[0].column))
                                        for e in examples])},
        location=_location(examples, tally, view),
        failing_rows=failing,
    )


def _failing_rows(check_id: str, tally: Tally, view: FileView) -> FailingRows | None:
    if not tally.failing:
        return None
    values = tuple(_at_line(f, view.lines.get(f.row)) for f in tally.failing)
    return FailingRows(file_name(view.contract, view.display_path), check_id, view.columns, values,
                       tally.violations, (view.contract, view.display_path))


def _at_line(row: FailingRow, line: int | None) -> FailingRow:
    """`row` with its CSV file line: itself when it has it (a Parquet row has none)."""
    return row if row.line == line else replace(row, line=line)


def _pass_summary(rule: str, checked: list[ColumnRules], rows: int, extra_checked: int) -> str:
    noun = _COLUMN_NOUN.get(rule, "column")
    what = plural(len(checked), noun)
    if extra_checked:
        what += " and whole rows" if checked else "whole rows"
    return f"{_WORDING[rule][1]} in {what} ({_rows(rows)})"


def _by_column(rule: str, tally: Tally, checked: list[ColumnRules]) -> str:
    rules = {c.name: c for c in checked}
    return ", ".join(f"{name}{_rule_text(rule, rules.get(name))} ({count})"
                     for name, count in tally.by_column.items())


def _rule_text(rule: str, rules: ColumnRules | None) -> str:
    if rules is None:
        return ""
    col = rules.column
    if rule == "ranges":
        return f" [{_bound(col.min, '-inf')}, {_bound(col.max, 'inf')}]"
    if rule == "types":
        return f" ({col.type.value})"
    return ""


def _details(rule: str, tally: Tally, checked: list[ColumnRules]) -> str:
    rules = {c.name: c for c in checked}
    lines = []
    for name, count in tally.by_column.items():
        col = rules[name].column if name in rules else None
        rule_text = {
            "types": f"expected {col.type.value}" if col else "",
            "nulls": "not nullable",
            "ranges": f"must be within [{_bound(col.min, '-inf')}, {_bound(col.max, 'inf')}]" if col else "",
            "allowed": f"allowed: {col.allowed}" if col else "",
            "pattern": f"must fully match {col.pattern!r}" if col else "",
            "unique": "values must be unique" if col else "rows must be unique",
        }[rule]
        lines.append(f"{name}: {_rows(count)} ({rule_text})")
    return "\n".join(lines)


def _with_lines(examples: list[Example], view: FileView) -> list[tuple[Example, int | None]]:
    return [(e, view.lines.get(e.row)) for e in examples]


def _example_dict(found: tuple[Example, int | None], broken: str) -> dict[str, Any]:
    example, line = found
    out = {"row": example.row, "column": example.column, "value": example.value, "rule": broken}
    return out if line is None else {**out, "line": line}


def _broken(rule: str, checked: list[ColumnRules], column: str) -> str:
    """What an offending value of `column` does wrong, to read after it: 'not in [basic, pro]'."""
    col = next((c.column for c in checked if c.name == column), None)
    if col is None:
        return "repeats another row" if rule == "unique" else _WORDING[rule][0]
    if rule == "types":
        return f"not of type {col.type.value}"
    if rule == "ranges":
        return f"outside [{_bound(col.min, '-inf')}, {_bound(col.max, 'inf')}]"
    if rule == "allowed":
        return f"not in [{', '.join(_bound(v, '') for v in col.allowed or [])}]"
    if rule == "pattern":
        return f"does not fully match {col.pattern!r}"
    return "null, not nullable" if rule == "nulls" else "repeats another row's value"


def _location(examples: list[tuple[Example, int | None]], tally: Tally, view: FileView) -> Location:
    if examples and examples[0][1] is not None:
        return Location(view.display_path, examples[0][1])
    first = examples[0][0].column if examples else next(iter(tally.by_column))
    if first == WHOLE_ROW:
        return view.location("contracts", view.contract, "unique_rows")
    return view.location("contracts", view.contract, "columns", first)


def _bound(value: Any, missing: str) -> str:
    if value is None:
        return missing
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _rows(n: int) -> str:
    return plural(n, "row")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")

