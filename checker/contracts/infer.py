"""Infer a data contract from sample files, such that the same files pass it.

Files are streamed batch by batch (`checker.tables.reader.open_table`); per column we keep what is
needed: the types every value so far fits, null count, min and max, the distinct values while
there are few (categories) and while all are distinct (ids). CSV columns are read as text and
the narrowest type all values parse as wins (int, float, bool, datetime, else string); other
formats keep their own types. The contract then gets:

- `nullable` when any value is null (or NaN);
- `min`/`max` for int and float columns: the observed range widened by a tenth of its span,
  rounded outward to a round number (ints stay ints), never below zero for non-negative data
  nor above zero for non-positive data;
- `allowed` for a string column of at most 20 distinct values that repeat;
- `unique` (and `role: id` when the name says id) for an id-like column whose values are all
  distinct, or an int column whose values are all distinct.

Several files must have the same columns; their ranges and categories are united.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.contracts.infer_ranges import widen
from checker.contracts.infer_types import text_kinds, typed_kinds
from checker.contracts.model import Column, ColumnType, Contract, Role
from checker.errors import UsageError
from checker.record import record
from checker.tables.csv_read import sniff_delimiter
from checker.tables.reader import TableOptions, TableReadError, open_table, table_format

if TYPE_CHECKING:
    import pyarrow as pa

MAX_CATEGORIES = 20
_ORDER = (ColumnType.INT, ColumnType.FLOAT, ColumnType.BOOL, ColumnType.DATETIME, ColumnType.STRING)
_ID_WORD = re.compile(r"(?:^|[_\-\s.])(?:id|uuid|guid)$|^(?:id|uuid|guid)(?:[_\-\s.]|$)")  # wine_id, id
_CAMEL_ID = re.compile(r"[a-z0-9](?:Id|ID|Uuid|UUID)$")  # wineId


def infer_contract(paths: list[Path]) -> Contract:
    """A contract every given file satisfies. UsageError when a file cannot be read or the
    files disagree on their columns or on a column's type."""
    if not paths:
        raise UsageError("no data files given to infer a contract from")
    profiles: dict[str, _Profile] = {}
    first_columns: list[str] | None = None
    for path in paths:
        columns = _profile_file(path, profiles)
        if first_columns is None:
            first_columns = columns
        elif set(columns) != set(first_columns):
            raise UsageError(_disagreement(paths[0], first_columns, path, columns))
    assert first_columns is not None
    if not first_columns:
        raise UsageError(f"{paths[0]}: no columns found")
    return Contract(columns={name: profiles[name].column() for name in first_columns})


def _profile_file(path: Path, profiles: dict[str, _Profile]) -> list[str]:
    for profile in profiles.values():
        profile.new_file()
    try:
        # CSV cells are text to parse; JSON Lines and Parquet keep the types they store
        is_csv = table_format(path) == "csv"
        delimiter = sniff_delimiter(path) if is_csv else ","
        stream = open_table(path, TableOptions(csv_strings=is_csv, delimiter=delimiter))
        _add_stored_types(stream.parquet_schema, profiles)
        for batch in stream.batches():
            for name, array in zip(batch.schema.names, batch.columns, strict=True):
                profiles.setdefault(name, _Profile(name)).add(array, text=stream.format == "csv")
    except TableReadError as exc:
        raise UsageError(f"{path}: {exc}") from None
    for name in stream.column_names:
        profiles.setdefault(name, _Profile(name))
    return list(stream.column_names)


def _add_stored_types(schema: pa.Schema | None, profiles: dict[str, _Profile]) -> None:
    """Parquet stores each column's type: it counts even when the file has no rows."""
    import pyarrow as pa

    for field_ in schema or []:
        profiles.setdefault(field_.name, _Profile(field_.name)).add(pa.array([], field_.type), text=False)


def _disagreement(first: Path, first_columns: list[str], path: Path, columns: list[str]) -> str:
    missing = [c for c in first_columns if c not in columns]
    extra = [c for c in columns if c not in first_columns]
    parts = [f"lacks {', '.join(missing)}"] if missing else []
    parts += [f"has {', '.join(extra)} in addition"] if extra else []
    return (f"{path} and {first} have different columns ({path.name} {' and '.join(parts)}): "
            "infer them separately, one contract each")


@record(frozen=False)
class _Categories:
    """The distinct values seen so far, while there are at most `limit` of them."""

    limit: int
    values: pa.Array | None = None
    too_many: bool = False

    def add(self, present: pa.Array) -> None:
        import pyarrow as pa

        from checker.tables import compute as pc

        if self.too_many:
            return
        merged = present if self.values is None else pa.concat_arrays([self.values, present])
        self.values = pc.unique(merged)
        if len(self.values) > self.limit:
            self.too_many, self.values = True, None


@record(frozen=False)
class _Uniqueness:
    """Whether any value repeats within a file. Each batch's distinct values are kept and
    merged whenever their count has doubled (linear time overall); a repeat stops the tracking."""

    repeats: bool = False
    chunks: list[pa.Array] = field(default_factory=list)
    count: int = 0
    checked: int = 0

    def add(self, present: pa.Array) -> None:
        from checker.tables import compute as pc

        if self.repeats:
            return
        distinct = pc.unique(present)
        self.repeats = len(distinct) < len(present)
        self.chunks.append(distinct)
        self.count += len(distinct)
        if self.repeats or self.count >= 2 * max(self.checked, 1 << 16):
            self.settle()

    def settle(self) -> None:
        """Merge what was kept; at the end of each file, and before the answer is read."""
        import pyarrow as pa

        from checker.tables import compute as pc

        if not self.repeats and len(self.chunks) > 1:
            merged = pc.unique(pa.concat_arrays(self.chunks))
            self.repeats = len(merged) < self.count
            self.chunks = [merged]
        self.checked = self.count
        if self.repeats:
            self.chunks = []

    def new_file(self) -> None:
        self.settle()
        self.chunks, self.count, self.checked = [], 0, 0


@record(frozen=False)
class _Profile:
    """What a column's values so far allow: accumulated batch by batch."""

    name: str
    nulls: int = 0
    values: int = 0
    kinds: set[ColumnType] = field(default_factory=lambda: set(_ORDER))
    low: dict[ColumnType, Any] = field(default_factory=dict)
    high: dict[ColumnType, Any] = field(default_factory=dict)
    categories: _Categories = field(default_factory=lambda: _Categories(MAX_CATEGORIES))
    # uniqueness as text (for id-named string columns) and as integers ("01" equals "1")
    text_ids: _Uniqueness = field(default_factory=_Uniqueness)
    int_ids: _Uniqueness = field(default_factory=_Uniqueness)
    typed: bool = False  # some value, or a stored column type, narrowed `kinds`

    def new_file(self) -> None:
        """Uniqueness holds per file, as data.unique checks it."""
        self.text_ids.new_file()
        self.int_ids.new_file()

    def add(self, array: pa.Array, *, text: bool) -> None:
        import pyarrow as pa

        from checker.tables import compute as pc

        missing = pc.is_null(array, nan_is_null=True)
        self.nulls += pc.sum(missing).as_py() or 0
        present = array.filter(pc.invert(missing))
        if len(present) == 0 and (text or pa.types.is_null(array.type)):
            return  # only nulls, and no type stored with them
        self.values += len(present)
        fits = text_kinds(present, self.kinds) if text else typed_kinds(self.name, present)
        self.kinds &= set(fits)
        self.typed = True
        for kind in self.kinds & {ColumnType.INT, ColumnType.FLOAT}:
            self._extend_range(kind, fits[kind])
        if ColumnType.STRING in self.kinds:  # text: only a string column has categories or text ids
            self.categories.add(fits[ColumnType.STRING])
            if self._id_named():
                self.text_ids.add(fits[ColumnType.STRING])
        if ColumnType.INT in self.kinds:
            self.int_ids.add(fits[ColumnType.INT])

    def _extend_range(self, kind: ColumnType, values: pa.Array) -> None:
        from checker.tables import compute as pc

        bounds = pc.min_max(values).as_py()
        if bounds["min"] is None:
            return
        self.low[kind] = bounds["min"] if kind not in self.low else min(self.low[kind], bounds["min"])
        self.high[kind] = bounds["max"] if kind not in self.high else max(self.high[kind], bounds["max"])

    def column(self) -> Column:
        if not self.kinds:
            raise UsageError(f"column {self.name!r} holds values of different types across the files "
                             "(numbers in one, text in another): align the files or infer them separately")
        kind = next(k for k in _ORDER if k in self.kinds) if self.typed else ColumnType.STRING
        rules: dict[str, Any] = {"type": kind, "nullable": self.nulls > 0}
        if kind in self.low:
            integer = kind is ColumnType.INT
            rules["min"], rules["max"] = widen(self.low[kind], self.high[kind], integer=integer)
        if kind is ColumnType.STRING and self._categorical():
            assert self.categories.values is not None
            rules["allowed"] = sorted(self.categories.values.to_pylist())
        if self._unique(kind):
            rules["unique"] = True
            rules["role"] = Role.ID if self._id_named() else Role.FEATURE
        return Column(**rules)

    def _unique(self, kind: ColumnType) -> bool:
        if self.values < 2:
            return False
        if kind is ColumnType.INT:
            self.int_ids.settle()
            return not self.int_ids.repeats
        if kind is ColumnType.STRING and self._id_named():
            self.text_ids.settle()
            return not self.text_ids.repeats
        return False

    def _categorical(self) -> bool:
        if self.categories.values is None or len(self.categories.values) == 0:
            return False
        return self.values >= 2 * len(self.categories.values)

    def _id_named(self) -> bool:
        return bool(_ID_WORD.search(self.name.lower()) or _CAMEL_ID.search(self.name))


def contracts_yaml(contracts: dict[str, Contract]) -> str:
    """`contracts:` as YAML for mlsmoke.yml, one flow-style line per column."""
    import yaml

    class _Flow(dict):  # type: ignore[type-arg]
        pass

    class _Dumper(yaml.SafeDumper):
        pass

    _Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=True))
    body = {}
    for name, contract in contracts.items():
        written = contract.to_yaml_dict()
        written["columns"] = {column: _Flow(rules) for column, rules in written["columns"].items()}
        body[name] = written
    return yaml.dump({"contracts": body}, Dumper=_Dumper, sort_keys=False, width=1000,
                     allow_unicode=True)
