"""The `data` family: each `data:` entry's files against their contract.

Per contract and file: `data.readable`, `data.columns`, then one result per rule the contract
uses (`data.types`, `data.nulls`, `data.ranges`, `data.allowed`, `data.pattern`,
`data.unique`) and `data.rows` when it sets `rows`. A rule no column of the contract uses is
not reported; a rule whose columns are all missing from the file is a `skip`. A file that
cannot be read gets one failed `data.readable` naming the cause, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field, replace
from functools import cached_property
from pathlib import Path

from checker.checks.data.columns import compare_columns
from checker.checks.data.report import FileView, RuleCheck, plural, rule_result, unique_tally
from checker.checks.data.rules import ColumnRules
from checker.checks.data.scan import FileScan, ScanAsks, ScanDeadline, scan
from checker.checks.data.tally import Tally
from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.checks.engine import run_checks
from checker.checks.registry import (
    DATA_ALLOWED,
    DATA_COLUMNS,
    DATA_NULLS,
    DATA_PATTERN,
    DATA_RANGES,
    DATA_READABLE,
    DATA_ROWS,
    DATA_TYPES,
    DATA_UNIQUE,
    Check,
    checks_of,
)
from checker.config.globs import Matches, Refusal, find
from checker.config.schema import Config, DataEntry
from checker.contracts.model import ColumnType, Contract
from checker.record import record
from checker.results.model import CheckResult, Location, Status
from checker.run.context import RunContext
from checker.tables.errors import TableReadError
from checker.tables.policy import DataFile, ReadOptions, open_data


def run(config: Config, ctx: RunContext) -> Iterator[CheckResult]:
    checks = checks_of("data")
    deadline = ctx.family_deadline("data", config.deadlines.data)
    for index, entry in enumerate(config.data):
        contract = config.contract(entry.contract)
        matches = matched_files(entry, ctx.root, ctx.out_dir)
        for pattern, found in matches.items():
            for refusal in found.refused:
                yield from run_checks(checks, Unmatched(contract, refusal.path, index, ctx, refusal=refusal),
                                      deadline, turned_off=ctx.turned_off)
            if not _tables(entry, found) and not found.refused:
                folders = [_relative(p, ctx.root) for p in found.folders]
                yield from run_checks(checks, Unmatched(contract, pattern, index, ctx, folders), deadline,
                                      turned_off=ctx.turned_off)
        for path in sorted({p for found in matches.values() for p in _tables(entry, found)}):
            subject = FileCheck(contract, path, ctx, read_options(entry), deadline,
                                failing_rows_max=config.report.failing_rows_max)
            yield from run_checks(checks, subject, deadline, turned_off=ctx.turned_off)


def read_options(entry: DataEntry) -> ReadOptions:
    csv = entry.csv
    return ReadOptions(delimiter=csv.delimiter if csv is not None else ",", partitioning=entry.partitioning)


def matched_files(entry: DataEntry, root: Path, out_dir: Path) -> dict[str, Matches]:
    """{glob: what it matches}, relative to the config's folder and confined to it. Nothing in
    the run's output folder is data: a second run would check the failing rows the first
    wrote there (`**/*.csv` inside a project whose output folder is inside it too)."""
    return {pattern: find(root, pattern, skip=(out_dir,)) for pattern in entry.files}


def _tables(entry: DataEntry, found: Matches) -> list[Path]:
    """The files a glob matched; the folders, for a partitioned entry (each one table)."""
    return found.folders if entry.partitioning else found.files


@record(frozen=False, eq=False, repr=False)
class Unmatched:
    """A `files:` glob with nothing to read, one failed data.readable: it matches no file
    (`folders`: the folders it matches instead), or one match is refused because it resolves
    outside the project or into .git (`pattern` is then the refused path)."""

    contract: Contract
    pattern: str
    index: int
    ctx: RunContext
    folders: list[str] = field(default_factory=list)
    refusal: Refusal | None = None

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=f"{self.contract.name}: {self.pattern}",
                           summary=summary, location=self.ctx.location("data", self.index, "files"))


@record(frozen=False, eq=False, repr=False)
class FileCheck:
    """One data file against its contract; `readable` scans it, the other checks report."""

    contract: Contract
    path: Path
    ctx: RunContext
    options: ReadOptions = field(default_factory=ReadOptions)
    deadline: Deadline = NO_DEADLINE  # the data family's: the scan checks it between batches
    found: FileScan | None = None
    data: DataFile | None = None
    present: list[ColumnRules] = field(default_factory=list)
    tallies: dict[str, Tally] = field(default_factory=dict)
    view: FileView | None = None
    failing_rows_max: int = 0  # report.failing_rows_max: rows kept per failing rule

    @cached_property
    def display(self) -> str:
        return _relative(self.path, self.ctx.root)

    @property
    def subject(self) -> str:
        return f"{self.contract.name}: {self.display}"

    def bare(self, check_id: str, status: Status, summary: str) -> CheckResult:
        return CheckResult(id=check_id, status=status, subject=self.subject, summary=summary,
                           location=Location(self.display))


def readable(file: FileCheck | Unmatched) -> CheckResult:
    """Open and scan the file once: every rule's tally comes from this one pass."""
    if isinstance(file, Unmatched):
        return _unmatched(file)
    try:
        data = open_data(file.path, file.options)
        present = [ColumnRules(n, c) for n, c in file.contract.columns.items() if n in data.column_names]
        asks = ScanAsks(file.contract.unique_rows, file.failing_rows_max)
        found = _scan(data, present, asks, ScanDeadline(file.deadline, file.display))
    except TableReadError as exc:
        return file.bare(DATA_READABLE.id, Status.FAIL, f"cannot read {file.display}: {exc}")
    tallies = {**found.tallies, "unique": unique_tally(found, file.failing_rows_max)}
    # one walk over the file for every example shown and every failing row kept
    examples = {e.row for tally in tallies.values() if tally.violations for e in tally.examples}
    examples |= {f.row for tally in tallies.values() for f in tally.failing}
    lines = _csv_lines(file.path, examples, found.rows) if data.format == "csv" and examples else {}
    view = FileView(file.contract.name, file.subject, file.display, file.ctx.location, lines,
                    tuple(file.contract.columns))
    # the later checks report on these (after a crash above they find nothing and stay silent)
    file.data, file.present, file.found, file.tallies, file.view = data, present, found, tallies, view
    columns = len(data.column_names)
    # fail closed: a file with no row checks nothing (a warning; `fail_on: warning` fails it)
    empty = "; no row was read, so no rule was checked" if found.rows == 0 else ""
    return CheckResult(id=DATA_READABLE.id, status=Status.WARN if empty else Status.PASS,
                       subject=file.subject,
                       summary=f"{data.format} file, {plural(found.rows, 'row')}, "
                               f"{plural(columns, 'column')}{empty}",
                       metrics={"rows": found.rows, "columns": columns, "format": data.format})


def _csv_lines(path: Path, rows: set[int], total: int) -> dict[int, int]:
    from checker.tables.csv_lines import physical_lines  # CSV's own: a Parquet run does not import it

    return physical_lines(path, rows, total)


def _unmatched(unmatched: Unmatched) -> CheckResult:
    root, pattern, folders = unmatched.ctx.root, unmatched.pattern, unmatched.folders
    if unmatched.refusal is not None:  # read nothing from it, name why
        return replace(unmatched.bare(DATA_READABLE.id, Status.FAIL, f"refused {pattern}: not read"),
                       details=unmatched.refusal.reason)
    only_folders = f" (it matches only folders: {', '.join(folders[:5])})" if folders else ""
    return replace(unmatched.bare(DATA_READABLE.id, Status.FAIL,
                                  f"no file matches {pattern!r}{only_folders}"),
                   details=f"looked under {root}")


def columns(file: FileCheck | Unmatched) -> CheckResult | None:
    if not isinstance(file, FileCheck) or file.data is None:
        return None
    contract, hint = file.contract, file.data.hint
    finding = compare_columns(contract, file.data.column_names)
    status = finding.status(contract.extra_columns)
    named = [*finding.missing, *(c for c in finding.repeated if c in contract.columns)]
    key = ("columns", named[0]) if named else ("extra_columns",)
    details = [f"{name!r} looks renamed to {found!r} in the file"
               for name, found in finding.renamed.items()]
    details += [hint] if hint and status is not Status.PASS else []
    return CheckResult(
        id=DATA_COLUMNS.id, status=status, subject=file.subject,
        summary=finding.summary(len(contract.columns), contract.extra_columns),
        details="\n".join(details),
        metrics={"missing": finding.missing, "extra": finding.extra, "renamed": finding.renamed,
                 "repeated": finding.repeated},
        location=None if status is Status.PASS else file.ctx.location("contracts", contract.name, *key),
    )


def _rule(file: FileCheck | Unmatched, check: Check) -> CheckResult | None:
    """One column rule's result: None when no column of the contract uses it, a skip when its
    columns are all missing from the file."""
    if not isinstance(file, FileCheck) or file.found is None or file.view is None:
        return None
    contract, rule = file.contract, check.id.removeprefix("data.")
    used = [ColumnRules(n, c) for n, c in contract.columns.items() if rule in ColumnRules(n, c).applies]
    whole_rows = rule == "unique" and contract.unique_rows
    if not used and not whole_rows:
        return None
    checked = [c for c in file.present if rule in c.applies]
    if not checked and not whole_rows:
        return CheckResult(id=check.id, status=Status.SKIP, subject=file.subject,
                           summary=f"nothing to check: no {rule} column is in the file "
                                   f"(missing: {', '.join(c.name for c in used)}; see data.columns)")
    return rule_result(RuleCheck(check, checked, whole_rows), file.tallies[rule], file.found, file.view)


def types(file: FileCheck | Unmatched) -> CheckResult | None:
    result = _rule(file, DATA_TYPES)
    if result is None or not isinstance(file, FileCheck) or file.data is None:
        return result
    return _unsupported_types(result, file.data, file.present)


def _unsupported_types(result: CheckResult, data: DataFile, present: list[ColumnRules]) -> CheckResult:
    """Name the nested columns (struct, list…) the contract types: no value of them fits."""
    nested = {c.name: data.unsupported[c.name] for c in present if c.name in data.unsupported}
    if not nested:
        return result
    notes = [f"column {name!r} is {kind}: type not supported by contracts (nested values)"
             for name, kind in nested.items()]
    return replace(result, details="\n".join(filter(None, [result.details, *notes])))


def nulls(file: FileCheck | Unmatched) -> CheckResult | None:
    return _rule(file, DATA_NULLS)


def ranges(file: FileCheck | Unmatched) -> CheckResult | None:
    return _rule(file, DATA_RANGES)


def allowed(file: FileCheck | Unmatched) -> CheckResult | None:
    return _rule(file, DATA_ALLOWED)


def pattern(file: FileCheck | Unmatched) -> CheckResult | None:
    return _rule(file, DATA_PATTERN)


def unique(file: FileCheck | Unmatched) -> CheckResult | None:
    return _rule(file, DATA_UNIQUE)


def rows(file: FileCheck | Unmatched) -> CheckResult | None:
    if not isinstance(file, FileCheck) or file.found is None or file.contract.rows is None:
        return None
    contract, count, rule = file.contract, file.found.rows, file.contract.rows
    low = rule.min if rule.min is not None else 0
    wanted = f"at least {low}" if rule.max is None else f"between {low} and {rule.max}"
    ok = count >= low and (rule.max is None or count <= rule.max)
    return CheckResult(
        id=DATA_ROWS.id, status=Status.PASS if ok else Status.FAIL, subject=file.subject,
        summary=f"{plural(count, 'row')} ({wanted} expected)",
        metrics={"rows": count, "min": rule.min, "max": rule.max},
        location=None if ok else file.ctx.location("contracts", contract.name, "rows"),
    )


def _scan(data: DataFile, present: list[ColumnRules], asks: ScanAsks, bound: ScanDeadline) -> FileScan:
    # text with allowed values or a pattern: Parquet decodes each distinct value once
    dictionary = [c.name for c in present if c.column.type in (ColumnType.STRING, ColumnType.CATEGORY)
                  and not c.column.unique]
    return data.read({c.name: c.column.type for c in present},
                     lambda stream, reread: scan(stream, present, asks, reread=reread, bound=bound),
                     dictionary=dictionary)


def _relative(path: Path, root: Path) -> str:
    """The name the glob matched (a symlink inside the project keeps its own name)."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
