"""The `data` family: each `data:` entry's files against their contract.

Per contract and file: `data.readable`, `data.columns`, then one result per rule the contract
uses (`data.types`, `data.nulls`, `data.ranges`, `data.allowed`, `data.pattern`,
`data.unique`) and `data.rows` when it sets `rows`. A rule no column of the contract uses is
not reported; a rule whose columns are all missing from the file is a `skip`. A file that
cannot be read gets one failed `data.readable` naming the cause, and the run goes on.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from checker.checks.data.columns import compare_columns
from checker.checks.data.report import FileView, RuleCheck, plural, rule_result, unique_tally
from checker.checks.data.rules import RULES, ColumnRules, Tally
from checker.checks.data.scan import FileScan, scan
from checker.config.globs import Matches, Refusal, find
from checker.config.schema import Config, DataEntry
from checker.contracts.model import ColumnType, Contract
from checker.results.model import CheckResult, Location, Status, stopwatch, truncate
from checker.run.context import RunContext
from checker.tables.csv_lines import physical_lines
from checker.tables.errors import TableReadError
from checker.tables.policy import DataFile, ReadOptions, open_data


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    for index, entry in enumerate(config.data):
        contract = config.contract(entry.contract)
        matches = matched_files(entry, ctx.root)
        where = ctx.location("data", index, "files")
        for pattern, found in matches.items():
            yield from (_refused(contract, refusal, where) for refusal in found.refused)
            if not _tables(entry, found) and not found.refused:
                folders = [_relative(p, ctx.root) for p in found.folders]
                only_folders = f" (it matches only folders: {', '.join(folders[:5])})" if folders else ""
                yield CheckResult(id="data.readable", status=Status.FAIL,
                                  subject=f"{contract.name}: {pattern}",
                                  summary=f"no file matches {pattern!r}{only_folders}",
                                  details=f"looked under {ctx.root}", location=where)
        for path in sorted({p for found in matches.values() for p in _tables(entry, found)}):
            yield from check_file(contract, path, ctx, read_options(entry))


def read_options(entry: DataEntry) -> ReadOptions:
    csv = entry.csv
    return ReadOptions(delimiter=csv.delimiter if csv is not None else ",", partitioning=entry.partitioning)


def matched_files(entry: DataEntry, root: Path) -> dict[str, Matches]:
    """{glob: what it matches}, relative to the config's folder and confined to it."""
    return {pattern: find(root, pattern) for pattern in entry.files}


def _tables(entry: DataEntry, found: Matches) -> list[Path]:
    """The files a glob matched; the folders, for a partitioned entry (each one table)."""
    return found.folders if entry.partitioning else found.files


def _refused(contract: Contract, refusal: Refusal, where: Location) -> CheckResult:
    """A match that resolves outside the project (or into .git) fails unread."""
    return CheckResult(id="data.readable", status=Status.FAIL, subject=f"{contract.name}: {refusal.path}",
                       summary=f"refused {refusal.path}: not read", details=refusal.reason, location=where)


def check_file(contract: Contract, path: Path, ctx: RunContext,
               options: ReadOptions | None = None) -> Iterator[CheckResult]:
    display = _relative(path, ctx.root)
    subject = f"{contract.name}: {display}"
    found: FileScan | None = None
    crash = ""  # a traceback, when mlsmoke itself failed on this file
    with stopwatch() as elapsed:
        try:
            data = open_data(path, options or ReadOptions())
            columns_found = data.column_names
            present = [ColumnRules(n, c) for n, c in contract.columns.items() if n in columns_found]
            found = _scan(data, present, contract.unique_rows)
        except TableReadError as exc:
            failure: Exception = exc
        except Exception as exc:  # a fault in mlsmoke: this file errs, the others are still checked
            failure = exc
            crash = traceback.format_exc()
    if found is None:
        yield _unreadable(subject, display, failure, crash, elapsed[0])
        return
    with stopwatch() as unique_elapsed:
        tallies = {**found.tallies, "unique": unique_tally(found)}
    is_csv = data.format == "csv"
    with stopwatch() as lines_elapsed:  # one walk over the file for every example shown
        examples = {e.row for tally in tallies.values() if tally.violations for e in tally.examples}
        lines = physical_lines(path, examples) if is_csv and examples else {}
    view = FileView(contract.name, subject, display, ctx.location, lines)
    yield CheckResult(id="data.readable", status=Status.PASS, subject=subject,
                      summary=f"{data.format} file, {plural(found.rows, 'row')}, "
                              f"{plural(len(columns_found), 'column')}",
                      metrics={"rows": found.rows, "columns": len(columns_found), "format": data.format},
                      duration_s=round(elapsed[0] + lines_elapsed[0], 4))
    yield _columns_result(contract, columns_found, view, ctx, data.hint)
    for result in _rule_results(contract, present, found, tallies, view):
        extra = unique_elapsed[0] if result.id == "data.unique" else 0.0
        if result.id == "data.types":
            result = _unsupported_types(result, data, present)
        yield result.with_duration(result.duration_s + extra)
    if contract.rows is not None:
        yield _rows_result(contract, found.rows, view, ctx)


def _unsupported_types(result: CheckResult, data: DataFile, present: list[ColumnRules]) -> CheckResult:
    """Name the nested columns (struct, list…) the contract types: no value of them fits."""
    nested = {c.name: data.unsupported[c.name] for c in present if c.name in data.unsupported}
    if not nested:
        return result
    notes = [f"column {name!r} is {kind}: type not supported by contracts (nested values)"
             for name, kind in nested.items()]
    return replace(result, details="\n".join(filter(None, [result.details, *notes])))


def _unreadable(subject: str, display: str, failure: Exception, crash: str, seconds: float) -> CheckResult:
    if not crash:
        return CheckResult(id="data.readable", status=Status.FAIL, subject=subject,
                           summary=f"cannot read {display}: {failure}", location=Location(display),
                           duration_s=round(seconds, 4))
    return CheckResult(
        id="data.readable", status=Status.ERROR, subject=subject,
        summary=f"mlsmoke could not check {display}: {type(failure).__name__}: {failure}",
        details="An unexpected error in mlsmoke; the other files were still checked. "
                "Please report it with the traceback below.",
        evidence={"traceback": truncate(crash, max_chars=4000)},
        location=Location(display), duration_s=round(seconds, 4))


def _scan(data: DataFile, present: list[ColumnRules], unique_rows: bool) -> FileScan:
    # text with allowed values or a pattern: Parquet decodes each distinct value once
    dictionary = [c.name for c in present if c.column.type in (ColumnType.STRING, ColumnType.CATEGORY)
                  and not c.column.unique]
    return data.read({c.name: c.column.type for c in present},
                     lambda stream, reread: scan(stream, present, unique_rows=unique_rows, reread=reread),
                     dictionary=dictionary)


def _rule_results(contract: Contract, present: list[ColumnRules], found: FileScan,
                  tallies: Mapping[str, Tally], view: FileView) -> Iterator[CheckResult]:
    for rule in RULES:
        used = [ColumnRules(n, c) for n, c in contract.columns.items()
                if rule in ColumnRules(n, c).applies]
        whole_rows = rule == "unique" and contract.unique_rows
        if not used and not whole_rows:
            continue
        checked = [c for c in present if rule in c.applies]
        with stopwatch() as elapsed:
            if not checked and not whole_rows:
                result = CheckResult(
                    id=f"data.{rule}", status=Status.SKIP, subject=view.subject,
                    summary=f"nothing to check: no {rule} column is in the file "
                            f"(missing: {', '.join(c.name for c in used)}; see data.columns)")
            else:
                result = rule_result(RuleCheck(rule, checked, whole_rows), tallies[rule], found, view)
        yield result.with_duration(elapsed[0])


def _columns_result(contract: Contract, columns_found: list[str], view: FileView,
                    ctx: RunContext, hint: str | None = None) -> CheckResult:
    finding = compare_columns(contract, columns_found)
    status = finding.status(contract.extra_columns)
    named = [*finding.missing, *(c for c in finding.repeated if c in contract.columns)]
    key = ("columns", named[0]) if named else ("extra_columns",)
    details = [f"{name!r} looks renamed to {found!r} in the file"
               for name, found in finding.renamed.items()]
    details += [hint] if hint and status is not Status.PASS else []
    return CheckResult(
        id="data.columns", status=status, subject=view.subject,
        summary=finding.summary(len(contract.columns), contract.extra_columns),
        details="\n".join(details),
        metrics={"missing": finding.missing, "extra": finding.extra, "renamed": finding.renamed,
                 "repeated": finding.repeated},
        location=None if status is Status.PASS else ctx.location("contracts", contract.name, *key),
    )


def _rows_result(contract: Contract, rows: int, view: FileView, ctx: RunContext) -> CheckResult:
    rule = contract.rows
    assert rule is not None
    low = rule.min if rule.min is not None else 0
    wanted = f"at least {low}" if rule.max is None else f"between {low} and {rule.max}"
    ok = rows >= low and (rule.max is None or rows <= rule.max)
    return CheckResult(
        id="data.rows", status=Status.PASS if ok else Status.FAIL, subject=view.subject,
        summary=f"{plural(rows, 'row')} ({wanted} expected)",
        metrics={"rows": rows, "min": rule.min, "max": rule.max},
        location=None if ok else ctx.location("contracts", contract.name, "rows"),
    )


def _relative(path: Path, root: Path) -> str:
    """The name the glob matched (a symlink inside the project keeps its own name)."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
