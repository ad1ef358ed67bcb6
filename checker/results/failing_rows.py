"""The failing rows of a data check, carried beside its result (results.json does not store
them) and written by the output step as `failing-rows/<contract>__<file>.csv`: redacted, and
with every cell a spreadsheet could read as a formula neutralised."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.config.secrets import Redactor
from checker.record import record

if TYPE_CHECKING:
    from checker.results.model import Report

FOLDER = "failing-rows"
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED = ["row", "line", "check", "column", "value"]


@record
class FailingRow:
    """One offending value: its 0-based data row (and CSV file line), column, value, and the
    row's contract columns as read."""

    row: int
    column: str
    value: Any
    whole: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None


@record
class FailingRows:
    """What one failing data check leaves in `failing-rows/`: `rows` distinct rows kept of
    `total` failing, one line per offending value."""

    file: str  # the file's name inside failing-rows/
    check: str
    columns: tuple[str, ...]  # the contract's columns, in contract order
    values: tuple[FailingRow, ...]
    total: int
    source: tuple[str, str] = ("", "")  # (contract, data file) the name was made from

    @property
    def path(self) -> str:
        """The file's path inside the output folder, as results.json names it."""
        return f"{FOLDER}/{self.file}"

    @property
    def rows(self) -> int:
        return len({v.row for v in self.values})


def file_name(contract: str, data_file: str, *, hashed: bool = False) -> str:
    """A name for one contract's rows on one data file: no path separator, no `..`, no
    leading dot, bounded; a long or hostile name is cut and keeps a hash of the original
    (and so does any name when `hashed`: two sources the cleaning made alike)."""
    stem = f"{_safe(contract)}__{_safe(data_file)}"
    if hashed or len(stem) > MAX_NAME_CHARS:
        import hashlib  # here: its OpenSSL load is about 4 ms that most runs never need

        digest = hashlib.sha256(f"{contract}\0{data_file}".encode()).hexdigest()[:10]
        stem = f"{stem[:MAX_NAME_CHARS - 11]}-{digest}"
    return f"{stem}.csv"


def with_distinct_names(report: Report) -> Report:
    """`report` with no two sources sharing a failing-rows file: when cleaning made two names
    alike (`a/b.csv` and `a_b.csv`), each of them gets a hash of its own source."""
    sources: dict[str, set[tuple[str, str]]] = {}
    for check in report.checks:
        if check.failing_rows is not None:
            sources.setdefault(check.failing_rows.file, set()).add(check.failing_rows.source)
    shared = {name for name, found in sources.items() if len(found) > 1}
    if not shared:
        return report
    return replace(report, checks=[_renamed(c) if c.failing_rows and c.failing_rows.file in shared else c
                                   for c in report.checks])


def _renamed(check: Any) -> Any:
    rows = check.failing_rows
    renamed = replace(rows, file=file_name(*rows.source, hashed=True))
    metrics = dict(check.metrics)
    if isinstance(metrics.get("failing_rows"), dict):
        metrics["failing_rows"] = {**metrics["failing_rows"], "file": renamed.path}
    return replace(check, failing_rows=renamed, metrics=metrics)


def _safe(text: str) -> str:
    cleaned = _DOTS.sub(".", _UNSAFE.sub("_", text)).lstrip(".")
    return cleaned or "_"


@functools.cache
def _number() -> re.Pattern[str]:
    """Compiled on first use: only a cell that starts like a formula is matched against it."""
    return re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutral(cell: str) -> str:
    """`cell` as a spreadsheet shows it, never as a formula (OWASP CSV injection): a cell
    starting with = + - @ (or a tab or CR) gets a leading quote, unless it is a plain number."""
    if cell.startswith(_FORMULA_START) and not _number().fullmatch(cell):
        return "'" + cell
    return cell


def write_failing_rows(found: Iterable[FailingRows], out_dir: Path, redactor: Redactor) -> list[Path]:
    """One CSV per contract and data file under `out_dir/failing-rows/`; the files written."""
    by_file: dict[str, list[FailingRows]] = {}
    for rows in found:
        if rows.values:
            by_file.setdefault(Path(rows.file).name, []).append(rows)
    written = []
    for name, groups in by_file.items():
        folder = out_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(_csv_text(groups, redactor), encoding="utf-8")
        written.append(path)
    return written


def _csv_text(groups: list[FailingRows], redactor: Redactor) -> str:
    """The CSV, built a column at a time: cell texts first, then each distinct text redacted
    and neutralised once (both depend on the text alone), then the rows."""
    import csv  # only when a check failed: a passing run writes no failing rows

    columns = list(dict.fromkeys(c for g in groups for c in g.columns))
    blocks = [_group_texts(group, columns) for group in groups]
    header = [*_FIXED, *columns]
    distinct = set(header).union(*(texts for block in blocks for texts in block))
    done = {text: neutral(redactor.text(text)) for text in distinct}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([done[text] for text in header])
    for block in blocks:
        writer.writerows(zip(*([done[text] for text in texts] for texts in block), strict=True))
    return buffer.getvalue()


def _group_texts(group: FailingRows, columns: list[str]) -> list[list[str]]:
    """The texts of one check's lines, column by column (the fixed columns first)."""
    values = group.values
    fixed: list[list[Any]] = [[v.row for v in values], [v.line for v in values], [group.check] * len(values),
                              [v.column for v in values], [v.value for v in values]]
    return [_texts(cells) for cells in [*fixed, *([v.whole.get(c) for v in values] for c in columns)]]


_PLAIN = frozenset({str, int, float, type(None)})


def _texts(cells: list[Any]) -> list[str]:
    if set(map(type, cells)) <= _PLAIN:
        return ["" if cell is None else str(cell) for cell in cells]
    return [_text(cell) for cell in cells]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
